//go:build js && wasm

package pyodidebridge

import (
	"context"
	"syscall/js"
)

// LiveEntries reports how many buffers and prepared bindings the Python
// helper holds, so tests can check that failed and canceled calls leak no
// pins. It reads the helper's tables by name through Call.
func LiveEntries(b *Bridge) (int, error) {
	n := 0
	for _, table := range []string{"_live", "_bindings"} {
		v, err := b.Call(context.Background(), helperModule+"."+table+".__len__")
		if err != nil {
			return 0, err
		}
		n += v.(int)
	}
	return n, nil
}

// WorkerObject returns the JavaScript Worker behind a LoadWorker bridge.
func WorkerObject(b *Bridge) js.Value { return b.py.(*workerThread).client.Get("worker") }

// WorkerPending returns the requests a LoadWorker bridge waits for, counted
// in Go and in the JavaScript client.
func WorkerPending(b *Bridge) (goSide, jsSide int) {
	p := b.py.(*workerThread)
	p.mu.Lock()
	goSide = len(p.replies)
	p.mu.Unlock()
	return goSide, p.client.Call("counts").Get("pending").Int()
}

// WorkerChannelRequests returns how many requests went over shared memory.
func WorkerChannelRequests(b *Bridge) int {
	return b.py.(*workerThread).client.Call("counts").Get("channel").Int()
}

// WorkerStats returns the shared-heap hook counters of a LoadWorker
// bridge's worker (its info request).
func WorkerStats(ctx context.Context, b *Bridge) (js.Value, error) {
	v, err := b.py.(*workerThread).request(ctx, "info", "info")
	if err != nil {
		return js.Undefined(), err
	}
	return v.Get("stats"), nil
}

// TestedRelease and TestedRange give tests the bridge's lookups in the
// tested range.
var (
	TestedRelease = tested
	TestedRange   = testedRange
)
