//go:build !js

package panics_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) { browsertest.Run(t, browsertest.Options{}) }
