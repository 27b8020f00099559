//go:build !js

// This file runs sabview's js/wasm tests in headless Chromium from a plain
// host `go test ./sabview`: in a cross-origin-isolated page, in a
// DedicatedWorker, and in a page served without the isolation headers (where
// only the tests about the missing SharedArrayBuffer run).
//
//	go test ./sabview                          # all three variants
//	go test ./sabview -run Browser -bench .    # wasm benchmarks in Chromium
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./sabview   # Node
package sabview_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	variants := []browsertest.Variant{{Name: "page"}, {Worker: true}, {NoIsolation: true, Run: "TestEnvironment|TestUnavailable"}}
	if testing.Short() {
		variants = variants[:1]
	}
	browsertest.Run(t, browsertest.Options{Variants: variants})
}
