//go:build !js

// Runs promise's js/wasm tests in the browsers: go test ./internal/promise
package promise_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) {
	browsertest.Run(t, browsertest.Options{Variants: []browsertest.Variant{{Name: "page"}, {Worker: true}}})
}
