//go:build js && wasm

package pyodidebridge

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
)

// WorkerOptions configures LoadWorker.
type WorkerOptions struct {
	// IndexURL is where Pyodide's files are served: a URL in a browser
	// (relative URLs are resolved against the page), a directory under Node.
	IndexURL string
	// ScriptURL is internal/sharedheap's worker.js, served next to
	// sharedheap.js (sabkit serve has them under /sharedheap/). Empty runs
	// the copies embedded in the Go binary: from a Blob URL in a browser,
	// with eval under Node.
	ScriptURL string
	// Packages are loaded with loadPackage in the worker after boot.
	Packages []string
	// Output, when set, receives Python's stdout and stderr ("stdout" or
	// "stderr", text) from the worker. It runs on the JS event loop and must
	// not block.
	Output func(stream, text string)
}

// LoadWorker boots Pyodide on a shared heap in a DedicatedWorker (browser)
// or a worker_threads Worker (Node), installs the bridge's helper modules
// there, and returns a Bridge driving it from this thread. The worker posts
// its heap's WebAssembly.Memory here, so Alloc, ViewOf, Share and CopyIn
// return views that alias the worker's Python objects (sabview.FromMemory
// over Memory, re-derived as the worker grows its heap); CopyOut copies.
//
// Every operation is one request to the worker (worker.js lists them),
// answered in order: while a Run is in progress in the worker, the next
// Alloc waits for it. Requests travel over shared memory with Atomics where
// this thread has Atomics.waitAsync, and by postMessage otherwise. Pyodide
// reports undefined for such a Bridge, since the Pyodide API object lives
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
	if err := checkServed(ctx, url); err != nil {
		err.Op = op
		return nil, err
	}
	py, err := startWorker(ctx, op, url, opts)
	if err != nil {
		return nil, err
	}
	mem := py.client.Get("memory")
	if jsinterop.Tag(mem) != "WebAssembly.Memory" || !py.client.Get("shared").Truthy() {
		py.close()
		return nil, errorf(op, ErrWorker, "serve internal/sharedheap's worker.js from the same sabkit as the Go binary",
			"the worker posted %s, not a shared WebAssembly.Memory", jsinterop.Describe(mem))
	}
	b := &Bridge{api: js.Undefined(), mem: mem, version: py.client.Get("version").String(), py: py,
		entries: map[*sabview.Lease]*entry{}, shares: map[shareKey]int{}, funcs: map[int]bool{}}
	py.onDead = b.died
	if len(opts.Packages) > 0 {
		if err := b.LoadPackage(ctx, opts.Packages...); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}

// died revokes every view and records the death, once.
func (b *Bridge) died(dead *Error) {
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

// Shared reports whether Pyodide's heap is a SharedArrayBuffer, that is
// whether other threads can view it (always true after LoadWorker).
func (b *Bridge) Shared() bool {
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

// workerThread is the Go side of the worker protocol: the client of
// worker.js, one request at a time per call, with the cancel accounting
// described on request.
type workerThread struct {
	client js.Value
	// send is client.request, taken once: a call by method name decodes
	// the name in JavaScript every time.
	send  js.Value
	funcs []js.Func

	mu      sync.Mutex
	replies map[int]chan reply
	cause   *Error         // why the worker ended; nil while it lives
	onDead  func(*Error)   // the bridge's reaction to the worker's death
	strs    map[string]any // request names as JS strings, made once
}

type reply struct {
	ok bool
	v  js.Value
}

// interruptGrace bounds how long a canceled Run or Call waits for Python to
// raise KeyboardInterrupt before the call gives up on it.
const interruptGrace = time.Second

// startWorker starts worker.js, boots Pyodide in it with the helper modules
// and returns once Python is ready (seconds).
func startWorker(ctx context.Context, op, url string, opts WorkerOptions) (*workerThread, error) {
	ns, err := sharedheap.WorkerNamespace()
	if err != nil {
		return nil, fromSharedHeap(op, err)
	}
	p := &workerThread{replies: map[int]chan reply{}, strs: map[string]any{}}
	cfg := js.Global().Get("Object").New()
	cfg.Set("indexURL", url)
	if opts.ScriptURL != "" {
		cfg.Set("scriptURL", opts.ScriptURL)
	} else {
		cfg.Set("source", sharedheap.Script+"\n"+sharedheap.WorkerScript)
	}
	cfg.Set("helpers", helperFiles())
	if opts.Output != nil {
		cfg.Set("onOutput", p.funcOf(func(args []js.Value) { opts.Output(args[0].String(), args[1].String()) }))
	}
	cfg.Set("onReply", p.funcOf(func(args []js.Value) { p.deliver(args[0].Int(), args[1].Bool(), args[2]) }))
	cfg.Set("onDeath", p.funcOf(func(args []js.Value) { go p.die(replyError("Worker", args[0])) }))
	pr, err := jsinterop.Try(func() js.Value { return ns.Call("start", cfg) })
	if err != nil {
		p.release()
		return nil, fromSharedHeap(op, sharedheap.FromJS(op, err))
	}
	client, err := promise.Await(ctx, pr)
	if err != nil {
		p.release()
		ns.Call("discard", pr) // ends the worker should it still come up
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, canceled(op, "the context ended while Pyodide booted in the worker", err)
		}
		return nil, fromSharedHeap(op, sharedheap.FromJS(op, err))
	}
	p.client = client
	p.send = client.Get("request")
	return p, nil
}

// funcOf makes a callback that lives as long as the worker.
func (p *workerThread) funcOf(f func(args []js.Value)) js.Func {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any { f(args); return nil })
	p.funcs = append(p.funcs, fn)
	return fn
}

func (p *workerThread) release() {
	for _, f := range p.funcs {
		f.Release()
	}
	p.funcs = nil
}

func (p *workerThread) deliver(id int, ok bool, v js.Value) {
	p.mu.Lock()
	ch := p.replies[id]
	delete(p.replies, id)
	p.mu.Unlock()
	if ch != nil {
		ch <- reply{ok: ok, v: v}
	}
}

// die records why the worker ended, once, and lets the bridge revoke its
// views when it died rather than being closed.
func (p *workerThread) die(cause *Error) {
	p.mu.Lock()
	if p.cause != nil {
		p.mu.Unlock()
		return
	}
	p.cause = cause
	onDead := p.onDead
	p.mu.Unlock()
	if onDead != nil && errors.Is(cause, ErrWorkerDead) {
		onDead(cause)
	}
}

func (p *workerThread) err(op string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cause == nil {
		return nil
	}
	e := *p.cause
	e.Op = op
	return &e
}

// request sends one request and returns its result. When ctx ends first,
// the request is accounted for, never raced:
//
//   - not started yet: the worker skips it; ErrCanceled ("skipped");
//   - a user request (run, call, loadPackage) running now: Python gets
//     KeyboardInterrupt; ErrCanceled ("interrupted"), or its result if it
//     finished first, or, when Python does not stop within interruptGrace
//     (blocked outside the interpreter), ErrCanceled saying it keeps running;
//   - a bookkeeping request the worker started: it runs to its end and its
//     result is returned with an ErrCanceled error whose completed flag is
//     set, so the caller registers or rolls back what it did.
//
// A dead worker ends every wait with ErrWorkerDead.
func (p *workerThread) request(ctx context.Context, op, req string, args ...any) (js.Value, error) {
	if err := p.err(op); err != nil {
		return js.Undefined(), err
	}
	if err := ctx.Err(); err != nil {
		return js.Undefined(), canceled(op, "the context had ended before the request was sent", err)
	}
	var ch chan reply
	p.mu.Lock()
	name := p.strs[req]
	if name == nil {
		name = js.ValueOf(req)
		p.strs[req] = name
	}
	var sent any = args
	if text, ok := argsJSON(args); ok {
		sent = text
	}
	id, err := jsinterop.Try(func() js.Value { return p.send.Invoke(name, sent, true) })
	if err == nil && id.Type() == js.TypeNumber {
		// Registered before the lock is let go: the reply is settled in a
		// later task, never inside request().
		ch = make(chan reply, 1)
		p.replies[id.Int()] = ch
	}
	p.mu.Unlock()
	if err != nil {
		return js.Undefined(), &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorker, Detail: "sending the " + req + " request", Err: err}
	}
	// Answered while the client waited a moment: a string result comes as
	// itself (one value to read instead of three), any other as {id, ok, value}.
	switch id.Type() {
	case js.TypeString:
		return id, nil
	case js.TypeObject:
		return p.result(op, reply{ok: id.Get("ok").Bool(), v: id.Get("value")})
	case js.TypeNumber:
	default:
		return js.Undefined(), &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorker, Fix: "serve worker.js from the same sabkit as the Go package",
			Detail: "sending the " + req + " request: worker.js answered " + jsinterop.Describe(id)}
	}
	select {
	case r := <-ch:
		return p.result(op, r)
	case <-ctx.Done():
	}
	switch p.client.Call("cancel", id).String() {
	case "interrupted":
		return p.interrupted(ctx, op, id, ch)
	case "finishing":
		r := <-ch
		v, err := p.result(op, r)
		if errors.Is(err, ErrCanceled) {
			// The worker found the mark as it began: skipped after all.
			return v, canceled(op, "skipped: the worker had not started the "+req+" request", ctx.Err())
		}
		if err != nil || isUserRequest(req) {
			return v, err
		}
		return v, &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Err: &ranToEnd{ctx.Err()},
			Detail: "the context ended while the worker ran the " + req + " request; it ran to completion"}
	default: // "skipped" settled the reply already; "done" had it
		v, err := p.result(op, <-ch)
		if errors.Is(err, ErrCanceled) {
			return v, canceled(op, "skipped: the worker had not started the "+req+" request", ctx.Err())
		}
		return v, err
	}
}

// interrupted waits for a user request that got KeyboardInterrupt.
func (p *workerThread) interrupted(ctx context.Context, op string, id js.Value, ch chan reply) (js.Value, error) {
	// Python reads the interrupt buffer and then zeroes it, two steps rather
	// than one atomic exchange, so a store landing between them is lost:
	// store again until Python answers. Code stuck in C (or Atomics.wait)
	// never checks it, so wait only so long.
	grace := time.NewTimer(interruptGrace)
	defer grace.Stop()
	again := time.NewTicker(20 * time.Millisecond)
	defer again.Stop()
	for {
		select {
		case <-again.C:
			p.client.Call("cancel", id)
		case r := <-ch:
			v, err := p.result(op, r)
			switch {
			case err == nil:
				return v, nil // it finished before the interrupt landed
			case !r.ok && r.v.Get("interrupted").Truthy():
				return v, canceled(op, "Python was interrupted (KeyboardInterrupt); the worker is ready for the next request", ctx.Err())
			case errors.Is(err, ErrCanceled): // the worker found the mark as it began
				return v, canceled(op, "skipped: the worker had not started the request", ctx.Err())
			case errors.Is(err, ErrWorkerDead), errors.Is(err, ErrClosed):
				return v, err
			}
			return v, &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Detail: "the context ended while Python ran; Python then raised",
				Err: errors.Join(ctx.Err(), err)}
		case <-grace.C:
			p.client.Call("abandon", id) // the reply, if any, is dropped
			<-ch
			return js.Undefined(), canceled(op, "Python did not stop at KeyboardInterrupt within "+interruptGrace.String()+
				" (it may be blocked outside the interpreter); it keeps running in the worker", ctx.Err())
		}
	}
}

func isUserRequest(req string) bool { return req == "run" || req == "call" || req == "loadPackage" }

func (p *workerThread) result(op string, r reply) (js.Value, error) {
	if r.ok {
		return r.v, nil
	}
	err := replyError(op, r.v)
	if errors.Is(err, ErrWorkerDead) {
		p.die(err) // the caller finds its views revoked already
	}
	return js.Undefined(), err
}

// replyError maps a failed reply to an *Error.
func replyError(op string, v js.Value) *Error {
	msg := v.Get("message").String()
	switch jsinterop.ErrorName(v) {
	case "WorkerDeadError":
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorkerDead, Detail: msg,
			Fix: "start a new worker with LoadWorker; the Python state and every view of the old heap are gone"}
	case "WorkerClosedError":
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrClosed, Detail: "the bridge was closed while the call waited"}
	case "CanceledError":
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Detail: msg}
	case "PackageLoadError":
		return packageError(op, msg)
	}
	if t := v.Get("pythonType"); t.Type() == js.TypeString && t.String() != "" {
		tb := strings.TrimRight(v.Get("traceback").String(), "\n")
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrPython, Err: &PythonError{Type: t.String(), Message: lastMessage(tb, t.String()), Traceback: tb}}
	}
	return &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorker, Detail: jsinterop.ErrorName(v) + ": " + msg}
}

func canceled(op, detail string, ctxErr error) *Error {
	return &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Detail: detail, Err: ctxErr}
}

func (p *workerThread) run(ctx context.Context, code string) error {
	_, err := p.request(ctx, "Run", "run", code)
	return err
}

func (p *workerThread) loadPackages(ctx context.Context, packages []string) error {
	_, err := p.request(ctx, "LoadPackage", "loadPackage", anys(packages)...)
	return err
}

// close ends the worker at once, whatever Python is doing: pending
// requests fail with ErrClosed.
func (p *workerThread) close() {
	if p.client.Truthy() {
		p.client.Call("terminate")
	}
	p.die(&Error{Package: "pyodidebridge", Op: "Close", Kind: ErrClosed, Detail: "the worker was closed"})
	p.release()
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

// fromSharedHeap converts an internal/sharedheap error (booting, loading)
// into this package's.
func fromSharedHeap(op string, err error) *Error {
	var pe *sharedheap.PythonError
	if errors.As(err, &pe) {
		tb := strings.TrimRight(pe.Traceback, "\n")
		msg := pe.Message
		if tb != "" {
			msg = lastMessage(tb, pe.Type)
		}
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrPython, Err: &PythonError{Type: pe.Type, Message: msg, Traceback: tb}}
	}
	var se *sharedheap.Error
	if !errors.As(err, &se) {
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorker, Err: err}
	}
	switch {
	case errors.Is(se, sharedheap.ErrNotIsolated):
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrNotIsolated, Detail: se.Detail, Fix: isolationFix}
	case errors.Is(se, sharedheap.ErrLink), errors.Is(se, sharedheap.ErrFeature):
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrVersion, Err: se,
			Fix: "the shared heap is tested with Pyodide " + testedRange() + "; Load without SharedHeap may still work"}
	case errors.Is(se, sharedheap.ErrNotShared):
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrNotShared, Detail: se.Detail, Fix: se.Fix, Err: se.Err}
	case errors.Is(se, sharedheap.ErrBoot), errors.Is(se, sharedheap.ErrRewrite):
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrLoad, Detail: se.Detail, Fix: se.Fix, Err: se.Err}
	}
	return &Error{Package: "pyodidebridge", Op: op, Kind: ErrWorker, Detail: se.Detail, Fix: se.Fix, Err: se}
}
