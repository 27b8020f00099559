//go:build js && wasm

package pyodidebridge

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
)

// WorkerOptions configures LoadWorker.
type WorkerOptions struct {
	// IndexURL is where Pyodide's files are served: a URL in a browser
	// (relative URLs are resolved against the page), a directory under Node.
	IndexURL string
	// ScriptURL is the worker bootstrap (internal/sharedheap's worker.js,
	// served next to sharedheap.js). Empty runs the copies embedded in the
	// Go binary: from a Blob URL in a browser, with eval under Node.
	ScriptURL string
	// Packages are loaded with loadPackage in the worker after boot.
	Packages []string
	// Output, when set, receives Python's stdout and stderr ("stdout" or
	// "stderr", text) from the worker. It runs on the JS event loop and must
	// not block.
	Output func(stream, text string)
	// NoCallChannel makes Call and Func.Call go by postMessage only. By
	// default, where this thread has Atomics.waitAsync, the worker listens
	// on shared memory for 20 ms after each call, its event loop paused
	// (every request posted to it ends the pause), and calls in that window
	// travel through Atomics, about twice as fast.
	NoCallChannel bool
}

// LoadWorker boots Pyodide on a shared heap in a DedicatedWorker (browser)
// or a worker_threads Worker (Node), installs the bridge's helper modules
// there, and returns a Bridge driving it from this thread. The worker posts
// its heap's WebAssembly.Memory here, so Alloc, View, Share and CopyIn
// return views that alias the worker's Python objects (sabview.FromMemory
// over Memory, re-derived as the worker grows its heap); CopyOut copies.
//
// Every call into Python is a request to the worker, answered in order:
// while a Run is in progress in the worker, the next Alloc waits for it.
// Pyodide reports nil for such a Bridge, since the Pyodide API object lives
// in the worker.
//
// Without cross-origin isolation there is no shared heap to view: LoadWorker
// fails with ErrNotIsolated, whose Fix names the headers. The fallback is
// Load on this thread, where data that crosses threads is copied.
func LoadWorker(ctx context.Context, opts WorkerOptions) (*Bridge, error) {
	const op = "LoadWorker"
	if opts.IndexURL == "" {
		return nil, errorf(op, ErrLoad, "set WorkerOptions.IndexURL to the folder that holds pyodide.mjs", "empty IndexURL")
	}
	url := opts.IndexURL
	if !strings.HasSuffix(url, "/") {
		url += "/"
	}
	if err := checkNodeFiles(url); err != nil {
		if e, ok := err.(*Error); ok {
			e.Op = op
		}
		return nil, err
	}
	if err := checkServed(ctx, url); err != nil {
		if e, ok := err.(*Error); ok {
			e.Op = op
		}
		return nil, err
	}
	w, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{IndexURL: url, ScriptURL: opts.ScriptURL, Output: opts.Output,
		NoCallChannel: opts.NoCallChannel})
	if err != nil {
		return nil, fromSharedHeap(op, err)
	}
	py := &workerThread{w: w}
	fail := func(err error) (*Bridge, error) {
		py.close()
		return nil, err
	}
	mem := w.Memory()
	if jsinterop.Tag(mem) != "WebAssembly.Memory" || !w.Shared() {
		return fail(errorf(op, ErrWorker, "use internal/sharedheap's worker.js, which posts pyodide._module.memory",
			"the worker posted %s, not a shared WebAssembly.Memory", jsinterop.Describe(mem)))
	}
	if err := py.install(ctx); err != nil {
		return fail(err)
	}
	b := &Bridge{api: js.Undefined(), mem: mem, version: w.Version, py: py,
		entries: map[*sabview.Lease]*entry{}, shares: map[shareKey]int{}, funcs: map[int]bool{}}
	py.onDead = b.died
	go b.watch(w)
	if len(opts.Packages) > 0 {
		if err := b.LoadPackage(ctx, opts.Packages...); err != nil {
			return fail(err)
		}
	}
	return b, nil
}

// watch waits for the worker to end; when it died (rather than being
// closed) it revokes every view of its heap, whose Python objects are gone,
// and makes every later call fail with ErrWorkerDead.
func (b *Bridge) watch(w *sharedheap.Worker) {
	<-w.Dead()
	if cause := w.Err(); errors.Is(cause, sharedheap.ErrDead) {
		b.died(cause)
	}
}

// died revokes every view and records the death, once.
func (b *Bridge) died(cause error) {
	dead := fromSharedHeap("Worker", cause)
	b.mu.Lock()
	if b.closed || b.dead != nil {
		b.mu.Unlock()
		return
	}
	b.dead = dead
	entries := b.entries
	b.entries, b.shares, b.orphans = map[*sabview.Lease]*entry{}, map[shareKey]int{}, nil
	b.mu.Unlock()
	for lease := range entries {
		lease.Revoke(dead)
	}
}

// SharedHeap reports whether Pyodide's heap is a SharedArrayBuffer, that is
// whether other threads can view it (always true after LoadWorker).
func (b *Bridge) SharedHeap() bool {
	if b == nil || b.mem.IsUndefined() {
		return false
	}
	return jsinterop.Tag(b.mem.Get("buffer")) == "SharedArrayBuffer"
}

// InWorker reports whether the bridge drives Pyodide in a worker (LoadWorker).
func (b *Bridge) InWorker() bool {
	if b == nil {
		return false
	}
	_, ok := b.py.(*workerThread)
	return ok
}

// workerThread talks to Pyodide in a worker: each call is one run request
// of a one-line Python call to the helper module (parsed in the worker, tens
// of microseconds, next to a postMessage round trip of about as much).
type workerThread struct {
	w      *sharedheap.Worker
	onDead func(cause error) // the bridge's reaction to the worker's death
}

// fail converts a worker call's error, and makes the bridge react to a
// death before the call returns, so the caller already finds its views
// revoked.
func (p *workerThread) fail(op string, err error) *Error {
	if errors.Is(err, sharedheap.ErrDead) && p.onDead != nil {
		p.onDead(err)
	}
	return fromSharedHeap(op, err)
}

// install writes the helper modules into the worker's file system and
// imports them.
func (p *workerThread) install(ctx context.Context) error {
	var code strings.Builder
	code.WriteString("def _sabkit_install(files):\n" +
		"    import os, sys, importlib\n" +
		"    os.makedirs(" + strconv.Quote(helperDir) + ", exist_ok=True)\n" +
		"    for name, source in files.items():\n" +
		"        with open(" + strconv.Quote(helperDir+"/") + " + name + '.py', 'w', encoding='utf-8') as f:\n" +
		"            f.write(source)\n" +
		"    if " + strconv.Quote(helperDir) + " not in sys.path:\n" +
		"        sys.path.insert(0, " + strconv.Quote(helperDir) + ")\n" +
		"    importlib.invalidate_caches()\n" +
		"    for name in files:\n" +
		"        importlib.import_module(name)\n" +
		"_sabkit_install({")
	for _, m := range helperModules {
		code.WriteString(strconv.Quote(m.name) + ": " + strconv.Quote(m.source) + ", ")
	}
	code.WriteString("})\ndel _sabkit_install\n")
	if _, err := p.w.Run(ctx, code.String()); err != nil {
		e := fromSharedHeap("LoadWorker", err)
		e.Detail = "installing the helper modules in the worker's " + helperDir
		return e
	}
	return nil
}

// call runs module.fn(args...) in the worker and returns its value (tuples
// arrive as arrays). Arguments are ints and strings.
func (p *workerThread) call(ctx context.Context, op, module, fn string, args ...any) (js.Value, error) {
	var code strings.Builder
	code.WriteString("__import__(" + strconv.Quote(module) + ")." + fn + "(")
	for i, a := range args {
		if i > 0 {
			code.WriteString(", ")
		}
		switch a := a.(type) {
		case int:
			code.WriteString(strconv.Itoa(a))
		case string:
			code.WriteString(strconv.Quote(a))
		default:
			return js.Undefined(), errorf(op, ErrWorker, "pass ints and strings", "argument %d of %s is a %T", i, fn, a)
		}
	}
	code.WriteString(")")
	// The helpers pin and unpin buffers: an interrupt half-way through one
	// (or a dropped reply) would leave a pin nobody releases.
	v, err := p.w.RunToEnd(ctx, code.String())
	if err != nil {
		return js.Undefined(), p.fail(op, err)
	}
	return v, nil
}

func (p *workerThread) alloc(ctx context.Context, name string, nbytes, align int, format string, shape []int) (int, int, error) {
	r, err := p.call(ctx, "Alloc", helperModule, "alloc", withShape([]any{name, nbytes, align, format}, shape)...)
	if err != nil {
		return 0, 0, err
	}
	return r.Index(0).Int(), r.Index(1).Int(), nil
}

func (p *workerThread) export(ctx context.Context, name string) (bufferInfo, error) {
	r, err := p.call(ctx, "View", helperModule, "export", name)
	if err != nil {
		return bufferInfo{}, err
	}
	info := bufferInfo{
		status:   r.Index(0).String(),
		format:   r.Index(1).String(),
		kind:     r.Index(2).String()[0],
		itemsize: r.Index(3).Int(),
		nbytes:   r.Index(4).Int(),
		handle:   r.Index(5).Int(),
		addr:     r.Index(6).Int(),
	}
	for i := 7; i < r.Length(); i++ {
		info.shape = append(info.shape, r.Index(i).Int())
	}
	return info, nil
}

func (p *workerThread) prepare(ctx context.Context, name string, handle, offset, nbytes int, format string, shape []int) (int, error) {
	r, err := p.call(ctx, "Share", helperModule, "prepare", withShape([]any{name, handle, offset, nbytes, format}, shape)...)
	if err != nil {
		return 0, err
	}
	return r.Int(), nil
}

func (p *workerThread) rebind(ctx context.Context, binding int) error {
	_, err := p.call(ctx, "Share", helperModule, "rebind", binding)
	return err
}

func (p *workerThread) forget(ctx context.Context, binding int) error {
	_, err := p.call(ctx, "Share", helperModule, "forget", binding)
	return err
}

func (p *workerThread) release(ctx context.Context, handle int) error {
	_, err := p.call(ctx, "Free", helperModule, "release", handle)
	return err
}

func (p *workerThread) refresh(ctx context.Context) (bool, error) {
	r, err := p.call(ctx, "NumPy", helperModule, "refresh")
	if err != nil {
		return false, err
	}
	return r.Bool(), nil
}

func (p *workerThread) live(ctx context.Context) (int, error) {
	r, err := p.call(ctx, "live", helperModule, "live")
	if err != nil {
		return 0, err
	}
	return r.Int(), nil
}

func (p *workerThread) run(ctx context.Context, code string) error {
	if _, err := p.w.Run(ctx, code); err != nil {
		return p.fail("Run", err)
	}
	return nil
}

func (p *workerThread) resolve(ctx context.Context, name string) (int, string, error) {
	r, err := p.call(ctx, "Func", helperModule, "resolve", name)
	if err != nil {
		return 0, "", err
	}
	h, problem := resolved(r)
	return h, problem, nil
}

// invoke is one "call" request: the worker calls the helper's pre-bound
// invoke (or invoke_name) with the flat arguments, parsing nothing.
func (p *workerThread) invoke(ctx context.Context, op string, handle int, name, tags string, flat []any) (js.Value, error) {
	fn, target := helperModule+".invoke", any(handle)
	if handle == 0 {
		fn, target = helperModule+".invoke_name", name
	}
	args := make([]any, 0, len(flat)+2)
	args = append(append(args, target, tags), flat...)
	v, err := p.w.Call(ctx, fn, args)
	if err != nil {
		return js.Undefined(), p.fail(op, err)
	}
	return v, nil
}

func (p *workerThread) unpin(ctx context.Context, handles []int) error {
	_, err := p.call(ctx, "Func.Release", helperModule, "unpin", anys(handles)...)
	return err
}

func (p *workerThread) loadPackages(ctx context.Context, packages []string) error {
	var list strings.Builder
	for i, name := range packages {
		if i > 0 {
			list.WriteString(", ")
		}
		list.WriteString(strconv.Quote(name))
	}
	code := "import pyodide_js as _sabkit_pjs\nfrom pyodide.ffi import to_js as _sabkit_to_js\n" +
		"await _sabkit_pjs.loadPackage(_sabkit_to_js([" + list.String() + "]))\ndel _sabkit_pjs, _sabkit_to_js\n"
	if _, err := p.w.Run(ctx, code); err != nil {
		return p.fail("LoadPackage", err)
	}
	return nil
}

func (p *workerThread) close() {
	p.w.Close()
	// Go's references to the worker's heap (a js.Value is released when Go
	// collects it) would otherwise keep the ended worker's shared memory
	// alive until some later collection: WebKit reserves address space for
	// each such memory and, with enough of them alive, boots no new worker.
	runtime.GC()
}

// isolationFix names the headers, because that is the only fix there is,
// and the fallback with what it costs.
const isolationFix = jsinterop.IsolationFix + "; without isolation use Load (Pyodide on this thread, stock heap), " +
	"where data crossing threads is copied"

// fromSharedHeap converts an internal/sharedheap error into this package's.
func fromSharedHeap(op string, err error) *Error {
	var pe *sharedheap.PythonError
	if errors.As(err, &pe) {
		tb := strings.TrimRight(pe.Traceback, "\n")
		msg := pe.Message
		if tb != "" {
			msg = lastMessage(tb, pe.Type)
		}
		return &Error{Op: op, Kind: ErrPython, Err: &PythonError{Type: pe.Type, Message: msg, Traceback: tb}}
	}
	var se *sharedheap.Error
	if !errors.As(err, &se) {
		return &Error{Op: op, Kind: ErrWorker, Err: err}
	}
	switch {
	case errors.Is(se, sharedheap.ErrCanceled):
		return &Error{Op: op, Kind: ErrCanceled, Detail: se.Detail, Err: se.Err}
	case errors.Is(se, sharedheap.ErrDead):
		return &Error{Op: op, Kind: ErrWorkerDead, Detail: se.Detail,
			Fix: "start a new worker with LoadWorker; the Python state and every view of the old heap are gone"}
	case errors.Is(se, sharedheap.ErrClosed):
		return &Error{Op: op, Kind: ErrClosed, Detail: "the bridge was closed while the call waited"}
	case errors.Is(se, sharedheap.ErrNotIsolated):
		return &Error{Op: op, Kind: ErrNotIsolated, Detail: se.Detail, Fix: isolationFix}
	case errors.Is(se, sharedheap.ErrLink), errors.Is(se, sharedheap.ErrFeature):
		return &Error{Op: op, Kind: ErrVersion, Err: se,
			Fix: "the shared heap is tested with Pyodide " + TestedRange() + "; Load without SharedHeap may still work"}
	case errors.Is(se, sharedheap.ErrBoot), errors.Is(se, sharedheap.ErrNotShared), errors.Is(se, sharedheap.ErrRewrite):
		return &Error{Op: op, Kind: ErrLoad, Detail: se.Detail, Fix: se.Fix, Err: se.Err}
	}
	return &Error{Op: op, Kind: ErrWorker, Detail: se.Detail, Fix: se.Fix, Err: se}
}
