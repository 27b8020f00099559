//go:build !js

// This file runs atomicsx's js/wasm tests in headless Chromium from a plain
// host `go test ./atomicsx`: in a cross-origin-isolated page (where Wait must
// refuse and the Context variants carry the work) and in a DedicatedWorker.
// testdata/ is served at /atomicsx/ for the JavaScript implementation and
// its worker. The cross-thread tests spawn a second copy of the binary in a
// worker (jsenv.SpawnSelf) and testdata/worker.js.
//
//	go test ./atomicsx                          # page: the full counts; worker: counts / 10
//	go test -short ./atomicsx                   # page only, counts / 10
//	go test ./atomicsx -run Browser -bench .    # wasm benchmarks in Chromium (page variant only)
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./atomicsx   # Node
package atomicsx_test

import (
	"testing"

	"github.com/sabkit/sabkit/atomicsx"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	// The worker variant runs every test again from a DedicatedWorker (where
	// Wait and Mutex.Lock block for real) with a tenth of the volume.
	variants := []browsertest.Variant{{Name: "page"}, {Worker: true, Env: map[string]string{"ATOMICSX_REDUCED": "1"}}}
	if testing.Short() {
		variants = variants[:1]
	}
	browsertest.Run(t, browsertest.Options{Variants: variants, Serve: map[string]string{"/atomicsx/": "testdata", atomicsx.JSPrefix: "assets"}})
}
