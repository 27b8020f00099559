//go:build js && wasm

package sharedheap_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// testWorker is the tests' minimal client of worker.js: it starts a worker
// with sabkitWorker.start (sharedheap.WorkerNamespace) and sends requests
// with client.request, one reply channel per request id. It has no cancel
// machinery: when a context ends, the request is abandoned (its reply, if
// any, is dropped) and Python may run on. The product's worker client is
// pyodidebridge's.
type testWorker struct {
	client js.Value
	funcs  []js.Func
	// Version is Pyodide's version, MemoryProperty the property of
	// pyodide._module that holds the heap's Memory in the worker ("" for a
	// stock heap), both as the worker's ready message reported them.
	Version        string
	MemoryProperty string

	mu      sync.Mutex
	replies map[int]chan workerReply
}

type workerReply struct {
	ok bool
	v  js.Value
}

// workerConfig is the part of sabkitWorker.start's options the tests set.
type workerConfig struct {
	IndexURL string
	// ScriptURL is the served worker.js; empty runs the embedded scripts
	// (sharedheap.Script + sharedheap.WorkerScript as options.source: a Blob
	// worker in a browser, an eval worker under Node).
	ScriptURL string
	// Shared boots Pyodide on a shared heap; false boots stock Pyodide,
	// whose memory is null.
	Shared bool
	// Output receives Python's stdout and stderr.
	Output func(stream, text string)
}

// startWorker starts a worker and waits until Python is ready. Errors are
// sharedheap.FromJS's mapping of the start() rejection.
func startWorker(ctx context.Context, cfg workerConfig) (*testWorker, error) {
	const op = "start"
	ns, err := sharedheap.WorkerNamespace()
	if err != nil {
		return nil, err
	}
	w := &testWorker{replies: map[int]chan workerReply{}}
	o := js.Global().Get("Object").New()
	o.Set("indexURL", cfg.IndexURL)
	o.Set("shared", cfg.Shared)
	// Every reply by postMessage, to onReply: pyodidebridge tests the
	// channel; these tests need Python in a worker and its heap.
	o.Set("channel", false)
	if cfg.ScriptURL != "" {
		o.Set("scriptURL", cfg.ScriptURL)
	} else {
		o.Set("source", sharedheap.Script+"\n"+sharedheap.WorkerScript)
	}
	o.Set("onReply", w.funcOf(func(args []js.Value) { w.deliver(args[0].Int(), args[1].Bool(), args[2]) }))
	if cfg.Output != nil {
		o.Set("onOutput", w.funcOf(func(args []js.Value) { cfg.Output(args[0].String(), args[1].String()) }))
	}
	p, err := jsinterop.Try(func() js.Value { return ns.Call("start", o) })
	if err != nil {
		w.release()
		return nil, sharedheap.FromJS(op, err)
	}
	client, err := promise.Await(ctx, p)
	if err != nil {
		w.release()
		ns.Call("discard", p) // ends the worker should it still come up
		return nil, sharedheap.FromJS(op, err)
	}
	w.client = client
	w.Version = client.Get("version").String()
	w.MemoryProperty = client.Get("memoryProperty").String()
	return w, nil
}

func (w *testWorker) funcOf(f func(args []js.Value)) js.Func {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any { f(args); return nil })
	w.funcs = append(w.funcs, fn)
	return fn
}

func (w *testWorker) release() {
	for _, f := range w.funcs {
		f.Release()
	}
	w.funcs = nil
}

func (w *testWorker) deliver(id int, ok bool, v js.Value) {
	w.mu.Lock()
	ch := w.replies[id]
	delete(w.replies, id)
	w.mu.Unlock()
	if ch != nil {
		ch <- workerReply{ok: ok, v: v} // buffered: never blocks the event loop
	}
}

// request sends {op, args} and waits for its reply. A failed reply (a JS
// Error named for the Python exception, or TypeError, WorkerDeadError, ...)
// goes through sharedheap.FromJS: a Python exception becomes an ErrPython
// *sharedheap.Error wrapping a *sharedheap.PythonError.
func (w *testWorker) request(ctx context.Context, op string, args ...any) (js.Value, error) {
	if args == nil {
		args = []any{}
	}
	ch := make(chan workerReply, 1)
	// The reply is settled in a later task or microtask, never inside
	// request(); holding mu makes that certain even so.
	w.mu.Lock()
	id, err := jsinterop.Try(func() js.Value { return w.client.Call("request", op, args) })
	if err == nil {
		w.replies[id.Int()] = ch
	}
	w.mu.Unlock()
	if err != nil {
		return js.Undefined(), sharedheap.FromJS(op, err)
	}
	select {
	case r := <-ch:
		if !r.ok {
			return js.Undefined(), sharedheap.FromJS(op, &jsinterop.Thrown{Value: r.v})
		}
		return r.v, nil
	case <-ctx.Done():
		w.client.Call("abandon", id) // settles the reply now, as a CanceledError
		<-ch
		return js.Undefined(), sharedheap.FromJS(op, ctx.Err())
	}
}

// Run runs Python code in the worker and returns its result (worker.js
// converts it to JSON-able JavaScript, or its repr()).
func (w *testWorker) Run(ctx context.Context, code string) (js.Value, error) {
	return w.request(ctx, "run", code)
}

// RunJSON is Run with the result decoded into out by encoding/json.
func (w *testWorker) RunJSON(ctx context.Context, code string, out any) error {
	v, err := w.Run(ctx, code)
	if err != nil {
		return err
	}
	text := js.Global().Get("JSON").Call("stringify", v)
	if text.IsUndefined() {
		text = js.ValueOf("null")
	}
	if err := json.Unmarshal([]byte(text.String()), out); err != nil {
		return fmt.Errorf("decoding the result %s: %w", text.String(), err)
	}
	return nil
}

// Stdin queues text for input() and sys.stdin in the worker.
func (w *testWorker) Stdin(ctx context.Context, text string) error {
	_, err := w.request(ctx, "stdin", text)
	return err
}

// workerInfo is the reply to the info request.
type workerInfo struct {
	HeapBytes int              `json:"heapBytes"`
	Shared    bool             `json:"shared"`
	Stats     sharedheap.Stats `json:"stats"`
}

// Info returns the worker's heap size and its hook and shim counters.
func (w *testWorker) Info(ctx context.Context) (workerInfo, error) {
	v, err := w.request(ctx, "info")
	if err != nil {
		return workerInfo{}, err
	}
	var info workerInfo
	text := js.Global().Get("JSON").Call("stringify", v).String()
	if err := json.Unmarshal([]byte(text), &info); err != nil {
		return workerInfo{}, fmt.Errorf("undecodable info %s: %w", text, err)
	}
	return info, nil
}

// Memory returns the worker's heap, a shared WebAssembly.Memory, or
// undefined for a stock worker (whose memory is null).
func (w *testWorker) Memory() js.Value {
	m := w.client.Get("memory")
	if m.IsNull() {
		return js.Undefined()
	}
	return m
}

// Shared reports whether the worker's heap is shared.
func (w *testWorker) Shared() bool { return w.client.Get("shared").Truthy() }

// Close terminates the worker.
func (w *testWorker) Close() {
	if w.client.Truthy() {
		w.client.Call("terminate")
	}
	w.release()
}

// pyArray is a zeroed Python array.array the tests create with Run: global
// name in the worker's __main__, its bytes [Address, Address+N*ItemSize)
// of the worker's Memory. A memoryview (name+"_pin") exports its buffer, so
// the array cannot be resized and its bytes stay put until it is freed.
type pyArray struct {
	Name     string
	Address  int
	N        int
	ItemSize int
}

// newArray creates an array of n elements of typecode code (array module
// codes: "B", "h", "i", "I", "q", "f", "d") and frees it when the test ends.
func newArray(t testing.TB, w *testWorker, name, code string, n int) pyArray {
	t.Helper()
	var r [2]int
	runJSON(t, w, fmt.Sprintf("import array\n%[1]s = array.array(%[2]q, [0]) * %[3]d\n%[1]s_pin = memoryview(%[1]s)\n"+
		"[%[1]s.buffer_info()[0], %[1]s.itemsize]", name, code, n), &r)
	a := pyArray{Name: name, Address: r[0], N: n, ItemSize: r[1]}
	if a.Address <= 0 || a.ItemSize <= 0 || a.Address%a.ItemSize != 0 {
		t.Fatalf("array %s: address %d, itemsize %d", name, a.Address, a.ItemSize)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := w.Run(ctx, fmt.Sprintf("%[1]s_pin.release()\ndel %[1]s, %[1]s_pin", name)); err != nil {
			t.Errorf("freeing array %s: %v", name, err)
		}
	})
	return a
}
