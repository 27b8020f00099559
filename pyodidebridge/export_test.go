//go:build js && wasm

package pyodidebridge

import (
	"context"
	"syscall/js"
)

// LiveEntries reports how many buffers the Python helper holds for b's
// bridge process-wide, so tests can check that failed calls leak no pins.
func LiveEntries(b *Bridge) (int, error) { return b.py.live(context.Background()) }

// WorkerObject returns the JavaScript Worker behind a LoadWorker bridge.
func WorkerObject(b *Bridge) js.Value { return b.py.(*workerThread).w.Object() }

// WorkerPending returns the calls a LoadWorker bridge waits for, counted in
// Go and in the JavaScript client.
func WorkerPending(b *Bridge) (goSide, jsSide int) { return b.py.(*workerThread).w.Pending() }
func WorkerChannelCalls(b *Bridge) int             { return b.py.(*workerThread).w.ChannelCalls() }
