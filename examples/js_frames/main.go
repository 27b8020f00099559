//go:build js && wasm

// Command js_frames shows a page's own JavaScript reading frames that
// Python publishes from a worker, through the shipped atomicsx JavaScript
// module (served at /sabkit/sabkit-atomics.mjs). Go only sets it up: it
// boots Pyodide on a shared heap, allocates the triple buffer, hands its
// Int32Array to the page and starts Python's loop.
//
// Serve it with `go run ./cmd/sabkit demo js_frames`.
package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
)

const frameBytes = 16
const count = 200

// publish sends frame n as 16 bytes of n & 255, a little apart so that the
// page sees many of them.
var publish = fmt.Sprintf(`
import time
for n in range(1, %d):
    frames.publish(bytes([n & 255]) * %d)
    time.sleep(0.002)
`, count+1, frameBytes)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep := map[string]any{"ok": false}
	defer func() {
		js.Global().Set("sabkitDemo", map[string]any{"done": true, "ok": rep["ok"], "report": rep})
	}()
	fail := func(err error) {
		rep["error"] = err.Error()
		js.Global().Get("console").Call("log", "demo: error: "+err.Error())
	}
	b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "pyodide/"})
	if err != nil {
		fail(err)
		return
	}
	defer b.Close()
	region, err := pyodidebridge.AllocFrames(ctx, b, "frames", frameBytes)
	if err != nil {
		fail(err)
		return
	}
	arr, err := region.Array()
	if err != nil {
		fail(err)
		return
	}
	reader := js.Global().Call("readFrames", arr)
	if err := b.Run(ctx, publish); err != nil {
		fail(err)
		return
	}
	seen := reader.Call("stop")
	taken, last, torn := seen.Get("taken").Int(), seen.Get("last").Int(), seen.Get("torn").Int()
	ok := taken >= 2 && last == count && torn == 0
	detail := fmt.Sprintf("Python published %d frames; the page's JavaScript took %d, the last #%d, %d torn", count, taken, last, torn)
	rep["ok"] = ok
	rep["checks"] = []any{map[string]any{"name": "the page reads Python's frames", "ok": ok, "detail": detail}}
	js.Global().Get("console").Call("log", "demo: "+detail)
}
