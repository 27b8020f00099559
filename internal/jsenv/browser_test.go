//go:build !js

// Runs jsenv's js/wasm tests in headless Chromium: go test ./internal/jsenv
package jsenv_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	browsertest.Run(t, browsertest.Options{Variants: []browsertest.Variant{{Name: "page"}, {Worker: true}}})
}
