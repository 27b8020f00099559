//go:build !js

// This file runs sharedheap's js/wasm tests in headless Chromium from a plain
// host `go test ./internal/sharedheap`, with Pyodide served same-origin from
// testdata/pyodide/node_modules/pyodide (install it with
// `npm ci --prefix testdata/pyodide`) and assets/ (sharedheap.js, worker.js)
// under /sharedheap/: in a cross-origin-isolated page (which starts the
// shared and stock Pyodide workers), in a DedicatedWorker (the loader and
// hooks on a worker thread, and a nested Pyodide worker) and in a page
// without isolation (where only the clear-error test runs).
//
//	go test ./internal/sharedheap                                  # Chromium, the vectors and Node tests
//	go test ./internal/sharedheap -run Browser -bench PythonSpeed  # shared vs stock speed in Chromium
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./internal/sharedheap   # Node
package sharedheap_test

import (
	"path/filepath"
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

// pyodideDir is the pinned Pyodide package; the test fails with the install
// command when it is missing.
func pyodideDir(t *testing.T) string { return browsertest.PyodideDir(t) }

func TestBrowser(t *testing.T) {
	assets, err := filepath.Abs("assets")
	if err != nil {
		t.Fatal(err)
	}
	serve := map[string]string{"/pyodide/": pyodideDir(t), "/sharedheap/": assets}
	env := map[string]string{"SABKIT_PYODIDE_URL": "/pyodide/", "SABKIT_SHAREDHEAP_URL": "/sharedheap/"}
	variants := []browsertest.Variant{
		{Name: "page", Env: env},
		// Go in a worker: Pyodide boots on Go's own thread with the worker
		// shims, and the Pyodide worker is a nested worker.
		{Worker: true, Env: env, Run: "TestLoad|TestShims|TestInstallHooks|TestCrossThread"},
		{NoIsolation: true, Env: env, Run: "TestNotIsolated"},
	}
	if testing.Short() {
		variants = variants[:1]
	}
	browsertest.Run(t, browsertest.Options{Variants: variants, Serve: serve})
}
