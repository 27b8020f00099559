//go:build js && wasm

package sharedheap

import (
	"context"
	"errors"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

// Namespace returns globalThis.sabkitSharedHeap, evaluating Script first
// when this JavaScript realm does not have it yet (a page that loaded
// sharedheap.js with a <script> tag already has it).
func Namespace() (js.Value, error) {
	return global("Namespace", "sabkitSharedHeap", "sharedheap.js", Script)
}

// WorkerNamespace returns globalThis.sabkitWorker (worker.js: the worker
// protocol's client), evaluating Script and WorkerScript first when this
// realm does not have them yet.
func WorkerNamespace() (js.Value, error) {
	if _, err := Namespace(); err != nil {
		return js.Undefined(), err
	}
	return global("WorkerNamespace", "sabkitWorker", "worker.js", WorkerScript)
}

// global returns globalThis[name], which the script file defines,
// evaluating source first when it is not there yet.
func global(op, name, file, source string) (js.Value, error) {
	g := js.Global()
	if ns := g.Get(name); ns.Type() == js.TypeObject {
		return ns, nil
	}
	if _, err := jsinterop.Try(func() js.Value { return g.Get("Function").New(source).Invoke() }); err != nil {
		return js.Undefined(), &Error{Package: "sharedheap", Op: op, Kind: ErrArgument, Detail: "evaluating " + file + " threw", Err: err,
			Fix: "a Content-Security-Policy without 'unsafe-eval' blocks this: load " + file + " with a <script> tag instead"}
	}
	return g.Get(name), nil
}

// Shims selects whether Install patches the browser APIs that refuse views
// on shared memory.
type Shims int

const (
	// ShimsAuto shims in browsers and not in Node, which needs none.
	ShimsAuto Shims = iota
	// ShimsOn always shims.
	ShimsOn
	// ShimsOff never shims.
	ShimsOff
)

// InstallOptions configures Install and Load.
type InstallOptions struct {
	// MaxPages is the maximum, in 64 KiB pages, given to memories that
	// declare none; 0 means 65536, which is what links against Pyodide's
	// heap.
	MaxPages uint32
	// Shims: see Shims.
	Shims Shims
}

func (o InstallOptions) js() js.Value {
	v := js.Global().Get("Object").New()
	v.Set("maxPages", o.MaxPages)
	switch o.Shims {
	case ShimsOn:
		v.Set("shims", true)
	case ShimsOff:
		v.Set("shims", false)
	}
	return v
}

// Stats counts what the hooks and shims in one thread did since they were
// installed (or since the counters were reset); a worker reports it.
type Stats struct {
	Installed      bool `json:"installed"`
	ShimsInstalled bool `json:"shimsInstalled"`
	// Rewritten counts modules whose memories were made shared;
	// PassedThrough those without a memory or already shared; Failed those
	// the rewriter refused.
	Rewritten     int `json:"rewritten"`
	PassedThrough int `json:"passedThrough"`
	Failed        int `json:"failed"`
	// Hooks counts calls per hooked WebAssembly function ("Module",
	// "compile", "instantiate", "compileStreaming", "instantiateStreaming")
	// that were given bytes.
	Hooks map[string]int `json:"hooks"`
	// ShimHits counts calls per shim ("decode", "getRandomValues",
	// "encodeInto", "Blob", "File", "Response") that were given a view on
	// shared memory.
	ShimHits  map[string]int `json:"shims"`
	LastError string         `json:"lastError"`
}

// Options configures Load.
type Options struct {
	// IndexURL is where Pyodide's files are served (a URL in a browser, such
	// as "/pyodide/"; a directory under Node).
	IndexURL string
	InstallOptions
}

// Heap is Pyodide booted on a shared heap in this thread.
type Heap struct {
	// Pyodide is the Pyodide API object.
	Pyodide js.Value
	// Memory is the heap's WebAssembly.Memory (shared): post it to other
	// threads, and view it with sabview.FromMemory, which follows growth.
	Memory js.Value
	// MemoryProperty names the property of pyodide._module that holds
	// Memory ("memory" from Pyodide 314 on); it is "" for builds that keep
	// the Memory private (0.27 to 0.29), whose Memory is the one created
	// while Pyodide booted.
	MemoryProperty string
}

// Load installs the hooks and shims, loads Pyodide from opts.IndexURL in
// this thread and checks that its heap is a SharedArrayBuffer. In a browser
// that is not cross-origin isolated it fails with ErrNotIsolated before
// loading anything. Booting takes seconds; load once.
func Load(ctx context.Context, opts Options) (*Heap, error) {
	const op = "Load"
	if opts.IndexURL == "" {
		return nil, &Error{Package: "sharedheap", Op: op, Kind: ErrArgument, Detail: "empty IndexURL",
			Fix: "set Options.IndexURL to the folder that serves pyodide.mjs and pyodide.asm.wasm"}
	}
	ns, err := Namespace()
	if err != nil {
		return nil, err
	}
	cfg := opts.InstallOptions.js()
	cfg.Set("indexURL", opts.IndexURL)
	p, err := jsinterop.Try(func() js.Value { return ns.Call("loadPyodide", cfg) })
	if err != nil {
		return nil, FromJS(op, err)
	}
	r, err := promise.Await(ctx, p)
	if err != nil {
		return nil, FromJS(op, err)
	}
	return &Heap{Pyodide: r.Get("pyodide"), Memory: r.Get("memory"), MemoryProperty: r.Get("memoryProperty").String()}, nil
}

// FromJS maps a JavaScript error from sharedheap.js or worker.js (thrown,
// or a promise's rejection) to an *Error by its name.
func FromJS(op string, err error) error {
	if err == nil {
		return nil
	}
	reason := thrownValue(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Package: "sharedheap", Op: op, Kind: ErrWorker, Detail: "gave up waiting", Err: err}
	}
	name, msg := jsinterop.ErrorName(reason), err.Error()
	if reason.Type() == js.TypeObject {
		if m := reason.Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
		if t := reason.Get("pythonType"); t.Type() == js.TypeString && t.String() != "" {
			return &Error{Package: "sharedheap", Op: op, Kind: ErrPython, Err: &PythonError{Type: t.String(), Message: msg,
				Traceback: reason.Get("traceback").String()}}
		}
	}
	msg = strings.TrimPrefix(msg, "sabkitSharedHeap: ")
	switch name {
	case "NotIsolatedError":
		if i := strings.Index(msg, ": serve the page"); i >= 0 {
			msg = msg[:i] // Fix names the headers
		}
		return &Error{Package: "sharedheap", Op: op, Kind: ErrNotIsolated, Detail: msg, Fix: isolationFix}
	case "SharedHeapRewriteError", "ShareError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrRewrite, Detail: msg,
			Fix: "the module uses an encoding the rewriter does not support; uninstall the hooks to load it unshared"}
	case "SharedHeapLinkError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrLink, Detail: msg,
			Fix: "this Pyodide build cannot run on a shared heap; load it without the shared heap"}
	case "PyodideFeatureError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrFeature, Detail: msg, Fix: "use a Pyodide release the shared heap is tested with"}
	case "PyodideBootError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrBoot, Detail: msg,
			Fix: "point IndexURL at the folder that serves Pyodide's files (the npm package's directory, or sabkit serve's /pyodide/), " +
				"with Cross-Origin-Resource-Policy on a cross-origin-isolated page"}
	case "SharedHeapMemoryError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrBoot, Detail: msg, Fix: heapRefusedFix}
	case "SharedHeapError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrNotShared, Detail: msg, Fix: "call Install before anything loads Pyodide in this thread"}
	case "WorkerError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrWorker, Detail: msg}
	case "TypeError", "RangeError":
		return &Error{Package: "sharedheap", Op: op, Kind: ErrArgument, Detail: msg}
	}
	return &Error{Package: "sharedheap", Op: op, Kind: ErrWorker, Detail: name + ": " + msg}
}

// thrownValue returns the JavaScript value behind a thrown exception or a
// rejected promise, and undefined for any other error.
func thrownValue(err error) js.Value {
	var t *jsinterop.Thrown
	if errors.As(err, &t) {
		return t.Value
	}
	if r, ok := promise.IsRejected(err); ok {
		return r.Reason
	}
	return js.Undefined()
}

// heapRefusedFix: the engine ran out of room for WebAssembly memories, which
// it gives back only when they are collected.
const heapRefusedFix = "too many WebAssembly heaps are alive in this page: Close the bridges and workers you no longer use " +
	"and drop your views of them; an ended worker's heap is returned once the page's garbage collector runs, so a later retry can succeed"

// isolationFix names the headers, because that is the only fix there is.
const isolationFix = jsinterop.IsolationFix +
	"; without isolation use the same-thread bridge (pyodidebridge), which copies between threads"
