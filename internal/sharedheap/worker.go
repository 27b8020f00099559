//go:build js && wasm

package sharedheap

import (
	"context"
	"encoding/json"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/promise"
)

// WorkerOptions configures StartWorker.
type WorkerOptions struct {
	// IndexURL is where Pyodide's files are served (a URL in a browser; a
	// directory under Node). Relative URLs are resolved against the page.
	IndexURL string
	// ScriptURL is worker.js, served next to sharedheap.js (for example
	// "/sharedheap/worker.js" with Assets mounted at /sharedheap/). Empty
	// runs the embedded Script and WorkerScript: from a Blob URL in a
	// browser, with eval under Node.
	ScriptURL string
	// Stock boots unmodified Pyodide (non-shared heap, no hooks or shims),
	// for comparing results and speed; the worker then has no Memory.
	Stock bool
	// Output, when set, receives Python's stdout and stderr ("stdout" or
	// "stderr", text) as the worker prints. It runs on the JS event loop and
	// must not block.
	Output func(stream, text string)
}

// Worker is Pyodide running in a DedicatedWorker (browser) or a
// worker_threads Worker (Node), driven by the RPC described in worker.js.
// Its heap's WebAssembly.Memory is posted here, so views over it alias the
// worker's Python objects. Requests are served one at a time, in order.
// A Worker's methods may be called from several goroutines.
type Worker struct {
	client  js.Value
	output  js.Func
	Version string // Pyodide's version
	// MemoryProperty names the property of pyodide._module that holds the
	// heap's Memory in the worker ("memory" in Pyodide 314); empty for Stock.
	MemoryProperty string
}

// StartWorker starts a worker, boots Pyodide in it and returns once Python
// is ready (seconds). Without cross-origin isolation a shared worker fails
// with ErrNotIsolated.
func StartWorker(ctx context.Context, opts WorkerOptions) (*Worker, error) {
	const op = "StartWorker"
	if opts.IndexURL == "" {
		return nil, &Error{Op: op, Kind: ErrArgument, Detail: "empty IndexURL",
			Fix: "set WorkerOptions.IndexURL to the folder that serves pyodide.mjs and pyodide.asm.wasm"}
	}
	ns, err := Namespace()
	if err != nil {
		return nil, err
	}
	w := &Worker{}
	cfg := js.Global().Get("Object").New()
	cfg.Set("indexURL", opts.IndexURL)
	cfg.Set("shared", !opts.Stock)
	if opts.ScriptURL != "" {
		cfg.Set("scriptURL", opts.ScriptURL)
	} else {
		cfg.Set("source", Script+"\n"+WorkerScript)
	}
	if opts.Output != nil {
		w.output = js.FuncOf(func(this js.Value, args []js.Value) any {
			opts.Output(args[0].String(), args[1].String())
			return nil
		})
		cfg.Set("onOutput", w.output)
	}
	p, thrown, ok := try(func() js.Value { return ns.Call("startWorker", cfg) })
	if !ok {
		w.release()
		return nil, fromJS(op, jsError{thrown}, thrown)
	}
	client, err := promise.Await(ctx, p)
	if err != nil {
		w.release()
		ns.Call("discardWorker", p) // ends the worker should it still come up
		return nil, fromJS(op, err, rejection(err))
	}
	w.client = client
	w.Version = client.Get("version").String()
	w.MemoryProperty = client.Get("memoryProperty").String()
	return w, nil
}

func (w *Worker) release() {
	if w.output.Truthy() {
		w.output.Release()
	}
}

// Memory returns the worker's heap, a shared WebAssembly.Memory (aliases:
// view it with sabview.FromMemory, which re-derives its arrays as the
// worker grows the heap), or undefined for a Stock worker.
func (w *Worker) Memory() js.Value {
	m := w.client.Get("memory")
	if m.IsNull() {
		return js.Undefined()
	}
	return m
}

// Shared reports whether the worker's heap is shared.
func (w *Worker) Shared() bool { return w.client.Get("shared").Truthy() }

// call sends one request; op is the Go method for errors, wire the
// protocol's op.
func (w *Worker) call(ctx context.Context, op, wire string, req map[string]any) (js.Value, error) {
	req["op"] = wire
	p, thrown, ok := try(func() js.Value { return w.client.Call("call", req) })
	if !ok {
		return js.Undefined(), fromJS(op, jsError{thrown}, thrown)
	}
	v, err := promise.Await(ctx, p)
	if err != nil {
		return js.Undefined(), fromJS(op, err, rejection(err))
	}
	return v, nil
}

// Run runs Python code in the worker (runPythonAsync: top-level await
// works) and returns the value of its last expression converted to JSON-able
// JavaScript (a copy; dicts become objects), or its repr() as a string when
// it has no such form. A Python exception returns an ErrPython *Error whose
// Err is a *PythonError.
func (w *Worker) Run(ctx context.Context, code string) (js.Value, error) {
	return w.call(ctx, "Run", "run", map[string]any{"code": code})
}

// RunJSON is Run with the result decoded into out by encoding/json.
func (w *Worker) RunJSON(ctx context.Context, code string, out any) error {
	v, err := w.Run(ctx, code)
	if err != nil {
		return err
	}
	text := js.Global().Get("JSON").Call("stringify", v)
	if text.IsUndefined() {
		text = js.ValueOf("null")
	}
	if err := json.Unmarshal([]byte(text.String()), out); err != nil {
		return &Error{Op: "RunJSON", Kind: ErrArgument, Detail: "decoding the result " + text.String(), Err: err}
	}
	return nil
}

// Array is a zeroed Python array.array the worker keeps alive by name. Its
// bytes are [Address, Address+NBytes) of the worker's Memory, and stay
// there until Free: a memoryview held in the worker pins it.
type Array struct {
	Name     string
	DType    string
	Shape    []int
	Address  int
	NBytes   int
	ItemSize int
}

// Alloc creates a zeroed array of dtype (int8, uint8, int16, uint16, int32,
// uint32, int64, uint64, float32, float64) and shape in the worker's heap,
// named name, reachable from Python as _sabkit_arrays[name][0].
func (w *Worker) Alloc(ctx context.Context, name, dtype string, shape ...int) (Array, error) {
	sh := make([]any, len(shape))
	for i, n := range shape {
		sh[i] = n
	}
	v, err := w.call(ctx, "Alloc", "alloc", map[string]any{"name": name, "dtype": dtype, "shape": sh})
	if err != nil {
		return Array{}, err
	}
	return Array{Name: name, DType: dtype, Shape: append([]int(nil), shape...),
		Address: v.Get("address").Int(), NBytes: v.Get("nbytes").Int(), ItemSize: v.Get("itemsize").Int()}, nil
}

// Free drops the array named name; views over its bytes must not be used
// afterwards (revoke their sabview.Lease).
func (w *Worker) Free(ctx context.Context, name string) error {
	_, err := w.call(ctx, "Free", "free", map[string]any{"name": name})
	return err
}

// Read returns a copy of the named array's bytes as an ArrayBuffer that the
// worker transfers here (copies: one slice in the worker). It is the
// postMessage path, for comparison and for callers that must not alias the
// heap; Memory with sabview.FromMemory aliases instead.
func (w *Worker) Read(ctx context.Context, name string) (js.Value, error) {
	return w.call(ctx, "Read", "read", map[string]any{"name": name})
}

// Stdin queues text for Python's input() and sys.stdin in the worker, line
// by line; an empty queue reads as end of file. Queue input before the Run
// that reads it: the worker cannot receive messages while Python runs.
func (w *Worker) Stdin(ctx context.Context, text string) error {
	_, err := w.call(ctx, "Stdin", "stdin", map[string]any{"text": text})
	return err
}

// WorkerInfo is what the worker reports about itself.
type WorkerInfo struct {
	HeapBytes int   `json:"heapBytes"`
	Shared    bool  `json:"shared"`
	Stats     Stats `json:"stats"`
}

// Info returns the worker's heap size and its hook and shim counters.
func (w *Worker) Info(ctx context.Context) (WorkerInfo, error) {
	v, err := w.call(ctx, "Info", "info", map[string]any{})
	if err != nil {
		return WorkerInfo{}, err
	}
	var info WorkerInfo
	text := js.Global().Get("JSON").Call("stringify", v).String()
	if err := json.Unmarshal([]byte(text), &info); err != nil {
		return WorkerInfo{}, &Error{Op: "Info", Kind: ErrArgument, Detail: "undecodable info " + text, Err: err}
	}
	return info, nil
}

// Close asks the worker to finish and ends it. Pending requests fail with
// ErrWorker.
func (w *Worker) Close(ctx context.Context) error {
	p, thrown, ok := try(func() js.Value { return w.client.Call("close") })
	defer w.release()
	if !ok {
		return fromJS("Close", jsError{thrown}, thrown)
	}
	if _, err := promise.Await(ctx, p); err != nil {
		w.client.Call("terminate")
		if strings.Contains(err.Error(), "terminated") {
			return nil
		}
		return fromJS("Close", err, rejection(err))
	}
	return nil
}
