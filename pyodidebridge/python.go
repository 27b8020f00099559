//go:build js && wasm

package pyodidebridge

import (
	"context"

	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

// sameThread talks to a Pyodide running on this thread by calling the
// helper module's functions through PyProxies bound once in Attach.
type sameThread struct {
	api                                              js.Value
	module                                           js.Value
	allocFn, exportFn, prepareFn, rebindFn, forgetFn js.Value
	releaseFn, refreshFn, liveFn                     js.Value
	resolveFn, invokeFn, invokeNameFn, unpinFn       js.Value

	// strs holds JS strings made once: a Go string converted on every call
	// costs microseconds on the hand-off path (names and formats repeat).
	strs map[string]js.Value
}

// str returns s as a JavaScript string, made once per distinct s (up to a
// bound, so arbitrary names cannot grow the cache without limit).
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

func newSameThread(op string, api js.Value) (*sameThread, error) {
	fs := api.Get("FS")
	install := func() js.Value {
		fs.Call("mkdirTree", helperDir)
		for _, m := range helperModules {
			fs.Call("writeFile", helperDir+"/"+m.name+".py", m.source)
		}
		sys := api.Call("pyimport", "sys")
		path := sys.Get("path")
		if !path.Call("toJs").Call("includes", helperDir).Bool() {
			path.Call("insert", 0, helperDir)
		}
		path.Call("destroy")
		sys.Call("destroy")
		api.Call("pyimport", atomicsModule).Call("destroy")
		return api.Call("pyimport", helperModule)
	}
	module, err := jsinterop.Try(install)
	if err != nil {
		e := pythonError(op, thrownValue(err))
		e.Detail = "installing the helper module " + helperDir + "/" + helperModule + ".py"
		return nil, e
	}
	s := &sameThread{api: api, module: module, strs: map[string]js.Value{}}
	for _, f := range []struct {
		dst  *js.Value
		name string
	}{
		{&s.allocFn, "alloc"}, {&s.exportFn, "export"}, {&s.prepareFn, "prepare"}, {&s.rebindFn, "rebind"}, {&s.forgetFn, "forget"},
		{&s.releaseFn, "release"}, {&s.refreshFn, "refresh"}, {&s.liveFn, "live"},
		{&s.resolveFn, "resolve"}, {&s.invokeFn, "invoke"}, {&s.invokeNameFn, "invoke_name"}, {&s.unpinFn, "unpin"},
	} {
		*f.dst = module.Get(f.name)
	}
	return s, nil
}

// call invokes a bound helper function and turns a Python exception into an
// ErrPython error.
func call(op string, fn js.Value, args ...any) (v js.Value, err error) {
	// Inline rather than through try: this is the hand-off path.
	defer func() {
		if r := recover(); r != nil {
			jsErr, isJS := r.(js.Error)
			if !isJS {
				panic(r)
			}
			v, err = js.Undefined(), pythonError(op, jsErr.Value)
		}
	}()
	return fn.Invoke(args...), nil
}

// tuple converts a returned PyProxy of a tuple into a JS array and destroys
// the proxy.
func tuple(v js.Value) js.Value {
	arr := v.Call("toJs")
	v.Call("destroy")
	return arr
}

func withShape(args []any, shape []int) []any {
	for _, d := range shape {
		args = append(args, d)
	}
	return args
}

func (s *sameThread) alloc(_ context.Context, name string, nbytes, align int, format string, shape []int) (int, int, error) {
	r, err := call("Alloc", s.allocFn, withShape([]any{name, nbytes, align, format}, shape)...)
	if err != nil {
		return 0, 0, err
	}
	arr := tuple(r)
	return arr.Index(0).Int(), arr.Index(1).Int(), nil
}

func (s *sameThread) export(_ context.Context, name string) (bufferInfo, error) {
	r, err := call("View", s.exportFn, name)
	if err != nil {
		return bufferInfo{}, err
	}
	arr := tuple(r)
	info := bufferInfo{
		status:   arr.Index(0).String(),
		format:   arr.Index(1).String(),
		kind:     arr.Index(2).String()[0],
		itemsize: arr.Index(3).Int(),
		nbytes:   arr.Index(4).Int(),
		handle:   arr.Index(5).Int(),
		addr:     arr.Index(6).Int(),
	}
	for i := 7; i < arr.Length(); i++ {
		info.shape = append(info.shape, arr.Index(i).Int())
	}
	return info, nil
}

func (s *sameThread) prepare(_ context.Context, name string, handle, offset, nbytes int, format string, shape []int) (int, error) {
	r, err := call("Share", s.prepareFn, withShape([]any{s.str(name), handle, offset, nbytes, s.str(format)}, shape)...)
	if err != nil {
		return 0, err
	}
	return r.Int(), nil
}

func (s *sameThread) rebind(_ context.Context, binding int) error {
	_, err := call("Share", s.rebindFn, binding)
	return err
}

func (s *sameThread) forget(_ context.Context, binding int) error {
	_, err := call("Share", s.forgetFn, binding)
	return err
}

func (s *sameThread) release(_ context.Context, handle int) error {
	_, err := call("Free", s.releaseFn, handle)
	return err
}

func (s *sameThread) refresh(context.Context) (bool, error) {
	r, err := call("NumPy", s.refreshFn)
	if err != nil {
		return false, err
	}
	return r.Bool(), nil
}

func (s *sameThread) live(context.Context) (int, error) {
	r, err := call("live", s.liveFn)
	if err != nil {
		return 0, err
	}
	return r.Int(), nil
}

func (s *sameThread) resolve(_ context.Context, name string) (int, string, error) {
	r, err := call("Func", s.resolveFn, name)
	if err != nil {
		return 0, "", err
	}
	h, problem := resolved(r)
	return h, problem, nil
}

// resolved reads the helper's resolve result: a handle, or why there is none.
func resolved(r js.Value) (handle int, problem string) {
	if r.Type() == js.TypeString {
		return 0, r.String()
	}
	return r.Int(), ""
}

// anys converts handles to call arguments.
func anys(handles []int) []any {
	args := make([]any, len(handles))
	for i, h := range handles {
		args[i] = h
	}
	return args
}

func (s *sameThread) invoke(_ context.Context, op string, handle int, name, tags string, flat []any) (js.Value, error) {
	args := make([]any, 0, len(flat)+2)
	if handle == 0 {
		args = append(append(args, s.str(name), s.str(tags)), flat...)
		return call(op, s.invokeNameFn, args...)
	}
	args = append(append(args, handle, s.str(tags)), flat...)
	return call(op, s.invokeFn, args...)
}

func (s *sameThread) unpin(_ context.Context, handles []int) error {
	_, err := call("Func.Release", s.unpinFn, anys(handles)...)
	return err
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
		return &Error{Op: op, Kind: ErrCanceled, Err: err,
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
	for _, f := range []js.Value{s.allocFn, s.exportFn, s.prepareFn, s.rebindFn, s.forgetFn, s.releaseFn, s.refreshFn, s.liveFn,
		s.resolveFn, s.invokeFn, s.invokeNameFn, s.unpinFn, s.module} {
		jsinterop.Do(func() { f.Call("destroy") })
	}
}

func (s *sameThread) loadPackages(ctx context.Context, packages []string) error {
	const op = "LoadPackage"
	names := make([]any, len(packages))
	for i, p := range packages {
		names[i] = p
	}
	p, err := jsinterop.Try(func() js.Value { return s.api.Call("loadPackage", names) })
	if err != nil {
		return pythonError(op, thrownValue(err))
	}
	if _, err := promise.Await(ctx, p); err != nil {
		if r, ok := promise.IsRejected(err); ok {
			return pythonError(op, r.Reason)
		}
		return &Error{Op: op, Kind: ErrCanceled, Err: err, Detail: "stopped waiting for loadPackage, which keeps running"}
	}
	return nil
}
