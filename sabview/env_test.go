//go:build js && wasm

package sabview_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

// TestEnvironment logs where the suite runs and checks what holds there:
// in a browser, that the page is as isolated as the harness promised; under
// Node, that SharedArrayBuffer exists without cross-origin isolation.
func TestEnvironment(t *testing.T) {
	t.Log(jsenv.Describe())
	if jsinterop.InNode() {
		if !sabview.Available() {
			t.Fatal("SharedArrayBuffer unavailable under Node, which always has it")
		}
		if sabview.CrossOriginIsolated() {
			t.Fatal("CrossOriginIsolated() = true under Node, which has no crossOriginIsolated")
		}
		return
	}
	want, ok := jsenv.ExpectIsolated()
	if !ok {
		t.Skipf("no harness said whether this page is cross-origin isolated (%s unset): nothing to compare against", jsenv.EnvIsolated)
	}
	if got := sabview.CrossOriginIsolated(); got != want {
		t.Fatalf("crossOriginIsolated = %v, harness promised %v", got, want)
	}
	if got := sabview.Available(); got != want {
		t.Fatalf("SharedArrayBuffer available = %v, want %v", got, want)
	}
}
