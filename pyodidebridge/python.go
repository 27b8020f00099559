//go:build js && wasm

package pyodidebridge

import (
	"context"

	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// sameThread talks to a Pyodide running on this thread by calling the
// helper module's request functions through PyProxies taken once in Attach.
type sameThread struct {
	api  js.Value
	fns  map[string]js.Value // request name -> PyProxy of the helper's function
	strs map[string]js.Value // JS strings made once (names and formats repeat)
}

// str returns s as a JavaScript string, made once per distinct s (up to a
// bound, so arbitrary names cannot grow the cache without limit): a Go
// string converted on every call costs microseconds on the hand-off path.
func (s *sameThread) str(x string) js.Value {
	if v, ok := s.strs[x]; ok {
		return v
	}
	v := js.ValueOf(x)
	if len(s.strs) < 1024 {
		s.strs[x] = v
	}
	return v
}

// helperFiles is the argument of sabkitSharedHeap.installHelpers and of the
// worker's init: the helper modules, their folder and the one whose
// REQUESTS are the bridge's requests.
func helperFiles() map[string]any {
	modules := map[string]any{}
	for _, m := range helperModules {
		modules[m.name] = m.source
	}
	return map[string]any{"dir": helperDir, "main": helperModule, "modules": modules}
}

func newSameThread(op string, api js.Value) (*sameThread, error) {
	ns, err := sharedheap.Namespace()
	if err != nil {
		return nil, fromSharedHeap(op, err)
	}
	fns, err := jsinterop.Try(func() js.Value { return ns.Call("installHelpers", api, helperFiles()) })
	if err != nil {
		e := pythonError(op, thrownValue(err))
		e.Detail = "installing the helper module " + helperDir + "/" + helperModule + ".py"
		return nil, e
	}
	s := &sameThread{api: api, fns: map[string]js.Value{}, strs: map[string]js.Value{}}
	keys := js.Global().Get("Object").Call("keys", fns)
	for i := 0; i < keys.Length(); i++ {
		name := keys.Index(i).String()
		s.fns[name] = fns.Get(name)
	}
	return s, nil
}

// request calls the helper's function req and turns a Python exception
// into an ErrPython error; a tuple result arrives as a JS array.
func (s *sameThread) request(_ context.Context, op, req string, args ...any) (v js.Value, err error) {
	fn, ok := s.fns[req]
	if !ok {
		return js.Undefined(), errorf(op, ErrWorker, "keep the helper module and the Go package from the same sabkit",
			"the helper module has no request %q", req)
	}
	for i, a := range args {
		if x, ok := a.(string); ok && len(x) < 256 {
			args[i] = s.str(x)
		}
	}
	// Inline rather than through jsinterop.Try: this is the hand-off path.
	defer func() {
		if r := recover(); r != nil {
			jsErr, isJS := r.(js.Error)
			if !isJS {
				panic(r)
			}
			v, err = js.Undefined(), pythonError(op, jsErr.Value)
		}
	}()
	v = fn.Invoke(args...)
	if v.Type() == js.TypeObject && v.Get("toJs").Type() == js.TypeFunction {
		arr := v.Call("toJs")
		v.Call("destroy")
		return arr, nil
	}
	return v, nil
}

// bufferInfo describes a Python buffer, as the helper's export reports it.
type bufferInfo struct {
	status   string // "ok", "missing", "notbuffer", "readonly", "noncontiguous", "empty"
	format   string // struct format, such as "f" or "<d"; the type name for "notbuffer"
	kind     byte   // 'i', 'u', 'f', or '?'
	itemsize int
	nbytes   int
	handle   int // non-zero when status is "ok": the buffer is pinned
	addr     int
	shape    []int
}

func withShape(args []any, shape []int) []any {
	for _, d := range shape {
		args = append(args, d)
	}
	return args
}

// anys converts values to call arguments.
func anys[T any](xs []T) []any {
	args := make([]any, len(xs))
	for i, x := range xs {
		args[i] = x
	}
	return args
}

func (s *sameThread) run(ctx context.Context, code string) error {
	const op = "Run"
	p, err := jsinterop.Try(func() js.Value { return s.api.Call("runPythonAsync", code) })
	if err != nil {
		return pythonError(op, thrownValue(err))
	}
	v, err := promise.Await(ctx, p)
	if err != nil {
		if r, ok := promise.IsRejected(err); ok {
			return pythonError(op, r.Reason)
		}
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Err: err,
			Detail: "stopped waiting; on this thread Python cannot be interrupted, so code that awaits keeps running when it resumes"}
	}
	destroyProxy(s.api, v)
	return nil
}

// destroyProxy destroys v if it is a PyProxy (the value of the code's last
// expression), which would otherwise keep a Python object alive.
func destroyProxy(api js.Value, v js.Value) {
	if v.Type() != js.TypeObject && v.Type() != js.TypeFunction {
		return
	}
	if cls := api.Get("ffi").Get("PyProxy"); cls.Type() == js.TypeFunction && v.InstanceOf(cls) {
		v.Call("destroy")
	}
}

func (s *sameThread) close() {
	for _, f := range s.fns {
		jsinterop.Do(func() { f.Call("destroy") })
	}
}

func (s *sameThread) loadPackages(ctx context.Context, packages []string) error {
	const op = "LoadPackage"
	names := make([]any, len(packages))
	for i, p := range packages {
		names[i] = p
	}
	ns, nerr := sharedheap.Namespace()
	if nerr != nil {
		return fromSharedHeap(op, nerr)
	}
	p, err := jsinterop.Try(func() js.Value { return ns.Call("loadPackages", s.api, names) })
	if err != nil {
		return pythonError(op, thrownValue(err))
	}
	if _, err := promise.Await(ctx, p); err != nil {
		if r, ok := promise.IsRejected(err); ok {
			if jsinterop.ErrorName(r.Reason) == "PackageLoadError" {
				return packageError(op, r.Reason.Get("message").String())
			}
			return pythonError(op, r.Reason)
		}
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Err: err, Detail: "stopped waiting for loadPackage, which keeps running"}
	}
	return nil
}
