//go:build !js

package notests_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

// Two variants prove nothing and must fail; the last two say what they
// expect and must pass.
func TestBrowser(t *testing.T) {
	browsertest.Run(t, browsertest.Options{Variants: []browsertest.Variant{
		{Name: "no-match", Run: "^TestMatchesNothing$"},
		{Name: "all-skip", Run: "^TestSkips$"},
		{Name: "no-match-expected", Run: "^TestMatchesNothing$", ExpectNoTests: true},
		{Name: "all-skip-expected", Run: "^TestSkips$", ExpectSkips: true},
	}})
}
