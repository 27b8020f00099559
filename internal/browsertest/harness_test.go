//go:build !js

package browsertest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/engines"
)

// TestHarnessReportsFailures runs the fixture packages under testdata through
// `go test` and checks that the harness fails the host test, with the wasm
// output and a message that says why.
func TestHarnessReportsFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts browsers several times")
	}
	chromium := "SABKIT_BROWSER=chromium"
	tests := []struct {
		name string
		pkg  string
		env  []string
		want []string
	}{
		// In every engine the harness selects: the reports reach the
		// server whatever the browser.
		{"fails", "./testdata/fails", nil, []string{
			"this line is streamed", "deliberate failure from the wasm side",
			"crossOriginIsolated=true", "wasm test binary exited with status 1",
		}},
		{"panics", "./testdata/panics", []string{chromium}, []string{
			"assignment to entry in nil map", "exited with status 2",
		}},
		{"hangs", "./testdata/hangs", []string{chromium}, []string{
			"waiting forever", "did not finish within 4s",
		}},
		{"no-tests", "./testdata/notests", []string{chromium}, []string{
			"--- FAIL: TestBrowser/chromium/no-match ", "-test.run=^TestMatchesNothing$ matched nothing",
			"--- FAIL: TestBrowser/chromium/all-skip ", "every test the variant ran skipped (1, -test.run=^TestSkips$)",
			"--- PASS: TestBrowser/chromium/no-match-expected ", "--- PASS: TestBrowser/chromium/all-skip-expected ",
		}},
		{"missing-chromium", "./testdata/fails", []string{"SABKIT_CHROMIUM=/nonexistent/chromium"}, []string{
			"SABKIT_CHROMIUM", "/nonexistent/chromium", "apt-get install -y chromium",
		}},
		{"missing-webkit", "./testdata/fails", []string{"SABKIT_BROWSER=chromium,webkit", "SABKIT_WEBKIT=/nonexistent/MiniBrowser"}, []string{
			"SABKIT_WEBKIT", "/nonexistent/MiniBrowser", "apt-get install -y webkit2gtk-driver xvfb",
		}},
		{"unknown-engine", "./testdata/fails", []string{"SABKIT_BROWSER=netscape"}, []string{
			`unknown engine "netscape"`, "chromium, firefox, webkit",
		}},
	}
	// The failing fixture fails in each installed engine, with the output
	// naming it.
	sel, err := engines.Select("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sel.Engines {
		tests[0].want = append(tests[0].want, "--- FAIL: TestBrowser/"+e.Name+"/page ", "browsertest: "+e.Name+" ")
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
