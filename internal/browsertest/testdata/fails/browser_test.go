//go:build !js

package fails_test

import (
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) { browsertest.Run(t, browsertest.Options{}) }
