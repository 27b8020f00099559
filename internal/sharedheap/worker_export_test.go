//go:build js && wasm

package sharedheap

import (
	"context"
	"encoding/json"
	"syscall/js"
)

// The worker protocol's test ops (alloc, free, read, stdin, info; see
// worker.js), for this package's tests: production code talks to the
// worker through Run only.

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
