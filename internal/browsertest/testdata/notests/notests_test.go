//go:build js && wasm

package notests

import "testing"

func TestSkips(t *testing.T) { t.Skip("skips everywhere") }
