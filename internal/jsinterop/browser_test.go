//go:build !js

// Runs jsinterop's js/wasm tests in headless Chromium: go test ./internal/jsinterop
package jsinterop_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	browsertest.Run(t, browsertest.Options{Variants: []browsertest.Variant{{Name: "page"}, {Worker: true}}})
}
