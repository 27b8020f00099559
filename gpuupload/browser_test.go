//go:build !js

// This file runs gpuupload's js/wasm tests in headless Chromium, where
// WebGPU runs on SwiftShader: in a cross-origin-isolated page and in a
// DedicatedWorker, with the Pyodide npm package served under /pyodide/ for
// the test that doubles a Python array on the GPU; and once more with
// SwiftShader disabled, where requestAdapter finds no adapter.
//
//	npm ci --prefix testdata/pyodide            # once, for Pyodide
//	go test ./gpuupload                         # page and worker
//	go test ./gpuupload -short                  # page only, without the 256 MiB round trips
//	go test ./gpuupload -run Browser -bench .   # benchmarks against plain JS, in Chromium
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./gpuupload   # Node: no WebGPU, GPU tests skip
package gpuupload_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	pyodide, err := filepath.Abs(filepath.Join("..", "testdata", "pyodide", "node_modules", "pyodide"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pyodide, "pyodide.js")); err != nil {
		t.Fatalf("Pyodide is not installed (%v); run `npm ci --prefix testdata/pyodide` in the repository root", err)
	}
	variants := []browsertest.Variant{{Name: "page"}, {Worker: true}}
	if testing.Short() {
		variants = variants[:1]
	}
	browsertest.Run(t, browsertest.Options{
		Variants: variants,
		Serve:    map[string]string{"/pyodide/": pyodide},
	})
}

// TestBrowserNoAdapter starts Chromium with WebGPU enabled but without its
// software rasterizer, so navigator.gpu exists and requestAdapter resolves
// to null: the case Open reports as ErrNoAdapter.
func TestBrowserNoAdapter(t *testing.T) {
	browsertest.Run(t, browsertest.Options{
		Variants: []browsertest.Variant{{
			Name: "no-adapter",
			Run:  "TestOpenNoAdapter",
			// Benchmarks need an adapter; they run in TestBrowser.
			Bench: "^$",
			Env:   map[string]string{"GPUUPLOAD_EXPECT": "no-adapter"},
			// The switch that removes the adapter is Chromium's.
			Engines: []string{"chromium"},
		}},
		ChromiumFlags: []string{"--disable-software-rasterizer"},
	})
}
