//go:build js && wasm

package pyodidebridge_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvPyodideVersion is the npm version the version matrix serves at
// SABKIT_PYODIDE_URL; TestPyodideRelease checks that it is the one that
// booted, so a row cannot silently test another release.
const EnvPyodideVersion = "SABKIT_PYODIDE_VERSION"

// TestPyodideRelease: the Pyodide that booted is a TestedPyodide row, the
// one the matrix asked for, and its row says what this run proves: the
// same-thread bridge booted (on a shared heap when asked), and LoadWorker
// boots exactly where the row claims it does.
func TestPyodideRelease(t *testing.T) {
	b := bridge(t)
	row, ok := pyodidebridge.Tested(b.Version())
	if !ok {
		t.Fatalf("Pyodide %s booted but is not in TestedPyodide (%s): add its row", b.Version(), pyodidebridge.TestedRange())
	}
	if want := os.Getenv(EnvPyodideVersion); want != "" && row.Version != want {
		t.Fatalf("asked for Pyodide %s, booted %s", want, row.Version)
	}
	if !row.SameThread {
		t.Errorf("Pyodide %s: the same-thread bridge booted, but TestedPyodide says it does not work", row.Version)
	}
	if b.SharedHeap() && !row.SharedHeap {
		t.Errorf("Pyodide %s booted on a shared heap, but TestedPyodide says it cannot", row.Version)
	}
	if jsenv.InBrowser() && !jsenv.CrossOriginIsolated() {
		return
	}
	_, err := sharedWorker()
	switch {
	case err == nil:
		if !row.Worker {
			t.Errorf("Pyodide %s: LoadWorker works, but TestedPyodide says it does not", row.Version)
		}
	case row.Worker:
		t.Errorf("Pyodide %s: TestedPyodide says LoadWorker works, but: %v", row.Version, err)
	case !errors.Is(err, pyodidebridge.ErrVersion) || !strings.Contains(err.Error(), pyodidebridge.TestedRange()):
		t.Errorf("Pyodide %s: LoadWorker failed with %v, want ErrVersion naming the tested range", row.Version, err)
	}
}
