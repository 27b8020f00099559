//go:build js && wasm

package panics

import "testing"

func TestPanics(t *testing.T) {
	var m map[string]int
	m["boom"]++ // assignment to entry in nil map
}
