//go:build js && wasm

package sharedheap_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// Environment the host-side browser test sets (browser_test.go).
const (
	envPyodideURL = "SABKIT_PYODIDE_URL"    // where Pyodide is served, "/pyodide/"
	envAssetsURL  = "SABKIT_SHAREDHEAP_URL" // where assets/ is served, "/sharedheap/"
)

// pyodideURL is Pyodide's index URL: served by the harness in a browser, the
// npm package's directory under Node.
func pyodideURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(envPyodideURL); u != "" {
		return u
	}
	if !jsinterop.InNode() {
		t.Skipf("%s is not set: run through the host test (go test ./internal/sharedheap)", envPyodideURL)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
	py := filepath.Join(dir, "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(py, "pyodide.js")); err != nil {
		t.Fatalf("Pyodide is not installed in %s: run: npm ci --prefix testdata/pyodide", py)
	}
	return py + "/"
}

// workerScriptURL is the served worker.js in a browser; "" (the embedded
// scripts) under Node.
func workerScriptURL() string {
	if u := os.Getenv(envAssetsURL); u != "" {
		return u + "worker.js"
	}
	return ""
}

func needIsolation(t testing.TB) {
	t.Helper()
	if jsinterop.InBrowser() && !jsinterop.CrossOriginIsolated() {
		t.Skip("needs a cross-origin-isolated page; this one is served without COOP/COEP (TestNotIsolated covers it)")
	}
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// The workers are shared by the tests of one binary: each boot takes
// seconds. Tests name their arrays uniquely and free them.
var (
	sharedOnce, stockOnce     sync.Once
	sharedWorker, stockWorker *testWorker
	sharedErr, stockErr       error
)

// shared boots Pyodide on a shared heap in a worker started from the served
// worker.js (in a browser) or the embedded scripts (under Node).
func shared(t testing.TB) *testWorker {
	t.Helper()
	needIsolation(t)
	url := pyodideURL(t)
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		sharedWorker, sharedErr = startWorker(ctx, workerConfig{
			IndexURL: url, ScriptURL: workerScriptURL(), Shared: true,
			Output: func(stream, text string) { os.Stderr.WriteString("[shared worker " + stream + "] " + text + "\n") },
		})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedWorker
}

// stock boots unmodified Pyodide (shared: false) from the embedded scripts
// (a Blob worker in a browser), so the served and the embedded bootstraps
// are both exercised.
func stock(t testing.TB) *testWorker {
	t.Helper()
	url := pyodideURL(t)
	stockOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		stockWorker, stockErr = startWorker(ctx, workerConfig{IndexURL: url, Shared: false})
	})
	if stockErr != nil {
		t.Fatal(stockErr)
	}
	return stockWorker
}

func run(t testing.TB, w *testWorker, code string) {
	t.Helper()
	if _, err := w.Run(ctxFor(t, time.Minute), code); err != nil {
		t.Fatalf("Python %q: %v", code, err)
	}
}

func runJSON(t testing.TB, w *testWorker, code string, out any) {
	t.Helper()
	if err := w.RunJSON(ctxFor(t, time.Minute), code, out); err != nil {
		t.Fatalf("Python %q: %v", code, err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, w := range []*testWorker{sharedWorker, stockWorker} {
		if w != nil {
			w.Close()
		}
	}
	os.Exit(code)
}
