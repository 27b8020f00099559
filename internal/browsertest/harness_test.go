//go:build !js

package browsertest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHarnessReportsFailures runs the fixture packages under testdata through
// `go test` and checks that the harness fails the host test, with the wasm
// output and a message that says why.
func TestHarnessReportsFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium several times")
	}
	tests := []struct {
		name string
		pkg  string
		env  []string
		want []string
	}{
		{"fails", "./testdata/fails", nil, []string{
			"this line is streamed", "deliberate failure from the wasm side",
			"crossOriginIsolated=true", "wasm test binary exited with status 1",
		}},
		{"panics", "./testdata/panics", nil, []string{
			"assignment to entry in nil map", "exited with status 2",
		}},
		{"hangs", "./testdata/hangs", nil, []string{
			"waiting forever", "did not finish within 4s",
		}},
		{"missing-chromium", "./testdata/fails", []string{"SABKIT_CHROMIUM=/nonexistent/chromium"}, []string{
			"SABKIT_CHROMIUM", "/nonexistent/chromium", "apt-get install -y chromium",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("go", "test", "-count=1", "-v", tt.pkg)
			cmd.Env = append(os.Environ(), tt.env...)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("go test %s passed; the harness must fail it. Output:\n%s", tt.pkg, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
