//go:build js && wasm

package hangs

import "testing"

// TestWaitsForever waits on a channel nothing sends to; the JS event loop
// stays alive, so only the harness's timeout ends it.
func TestWaitsForever(t *testing.T) {
	t.Log("waiting forever")
	select {}
}
