//go:build !js

package hangs_test

import (
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/browsertest"
)

func TestBrowser(t *testing.T) { browsertest.Run(t, browsertest.Options{Timeout: 4 * time.Second}) }
