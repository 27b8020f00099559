//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvPyodideURL tells the wasm tests where Pyodide is: the browser harness
// sets it to the URL it serves testdata/pyodide/node_modules/pyodide under;
// under Node it defaults to that folder, found from the package directory.
const EnvPyodideURL = "SABKIT_PYODIDE_URL"

const installHint = "run: npm ci --prefix testdata/pyodide"

// EnvSharedHeap selects Options.SharedHeap for the Pyodide every same-thread
// test uses: "1" or "0". Unset, Node boots a shared heap (it needs no
// isolation) and browsers the stock one; the host harness adds a Chromium
// variant with "1".
const EnvSharedHeap = "SABKIT_SHARED_HEAP"

func sharedHeapWanted() bool {
	switch os.Getenv(EnvSharedHeap) {
	case "1":
		return true
	case "0":
		return false
	}
	return jsinterop.InNode()
}

// Pyodide boots once per test binary (seconds); every test and example
// shares it.
var (
	shared  *pyodidebridge.Bridge
	bootErr error
)

func TestMain(m *testing.M) {
	shared, bootErr = boot()
	if bootErr == nil {
		// Stand in for a page that loaded Pyodide itself, for the Attach examples.
		js.Global().Set("pyodide", shared.Pyodide())
		bootErr = shared.Run(context.Background(), testPrelude)
	}
	os.Exit(m.Run())
}

// testPrelude defines Python helpers the tests use to read arrays whether
// they are NumPy ndarrays or memoryviews.
const testPrelude = `
def _flat(x):
    m = memoryview(x)
    return m.cast("B").cast(m.format.lstrip("@=<")).tolist()
`

func pyodideURL() (string, error) {
	if u := os.Getenv(EnvPyodideURL); u != "" {
		return u, nil
	}
	if !jsinterop.InNode() {
		return "", fmt.Errorf("%s is not set; run the browser tests with `go test ./pyodidebridge` on the host, which serves Pyodide", EnvPyodideURL)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(filepath.Dir(wd), "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(dir, "pyodide.js")); err != nil {
		return "", fmt.Errorf("Pyodide is not installed in %s: %s", dir, installHint)
	}
	return dir + "/", nil
}

func boot() (*pyodidebridge.Bridge, error) {
	url, err := pyodideURL()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := pyodidebridge.Load(ctx, pyodidebridge.Options{IndexURL: url, SharedHeap: sharedHeapWanted()})
	if err != nil {
		return nil, fmt.Errorf("loading Pyodide from %s (%s if it is missing): %w", url, installHint, err)
	}
	return b, nil
}

// bridge returns the shared Bridge, failing the test if Pyodide did not boot.
func bridge(t testing.TB) *pyodidebridge.Bridge {
	t.Helper()
	if bootErr != nil {
		t.Fatal(bootErr)
	}
	return shared
}

// run runs Python code on the shared bridge and fails the test on an exception.
func run(t testing.TB, b *pyodidebridge.Bridge, code string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.Run(ctx, code); err != nil {
		var pe *pyodidebridge.PythonError
		if errors.As(err, &pe) {
			t.Fatalf("Python raised %s: %s\n%s\ncode:\n%s", pe.Type, pe.Message, pe.Traceback, code)
		}
		t.Fatalf("Run: %v\ncode:\n%s", err, code)
	}
}

func TestEnvironment(t *testing.T) {
	b := bridge(t)
	numpy, err := b.NumPy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := sharedHeapWanted(); b.Shared() != want {
		t.Fatalf("Options.SharedHeap=%v, but the heap's buffer is %s", want,
			js.Global().Get("Object").Get("prototype").Get("toString").Call("call", b.Memory().Get("buffer")).String())
	}
	t.Logf("%s; Pyodide %s; heap %d MiB (%s); NumPy importable: %v", jsenv.Describe(), b.Version(),
		b.Memory().Get("buffer").Get("byteLength").Int()>>20,
		js.Global().Get("Object").Get("prototype").Get("toString").Call("call", b.Memory().Get("buffer")).String(), numpy)
	if want, ok := jsenv.ExpectIsolated(); ok && jsinterop.CrossOriginIsolated() != want {
		t.Fatalf("crossOriginIsolated=%v, harness promised %v", jsinterop.CrossOriginIsolated(), want)
	}
}
