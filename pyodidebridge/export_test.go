//go:build js && wasm

package pyodidebridge

import "context"

// LiveEntries reports how many buffers the Python helper holds for b's
// bridge process-wide, so tests can check that failed calls leak no pins.
func LiveEntries(b *Bridge) (int, error) { return b.py.live(context.Background()) }
