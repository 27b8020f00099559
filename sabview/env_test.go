//go:build js && wasm

package sabview_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/sabview"
)

// TestEnvironment logs where the suite runs and checks that the page is as
// isolated as the harness promised.
func TestEnvironment(t *testing.T) {
	t.Log(jsenv.Describe())
	want, ok := jsenv.ExpectIsolated()
	if !ok {
		return
	}
	if got := sabview.CrossOriginIsolated(); got != want {
		t.Fatalf("crossOriginIsolated = %v, harness promised %v", got, want)
	}
	if got := sabview.Available(); got != want {
		t.Fatalf("SharedArrayBuffer available = %v, want %v", got, want)
	}
}
