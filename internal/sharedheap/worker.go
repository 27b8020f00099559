//go:build js && wasm

package sharedheap

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
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
	// NoCallChannel sends Call requests by postMessage only. By default,
	// where this thread has Atomics.waitAsync, the worker listens on a
	// shared call channel for 20 ms after each call (blocked in
	// Atomics.wait, its event loop paused; every message posted to it ends
	// the pause), which roughly halves a call's round trip.
	NoCallChannel bool
}

// Worker is Pyodide running in a DedicatedWorker (browser) or a
// worker_threads Worker (Node), driven by the RPC described in worker.js.
// Its heap's WebAssembly.Memory is posted here, so views over it alias the
// worker's Python objects. Requests are served one at a time, in order.
// A Worker's methods may be called from several goroutines.
//
// Every call takes a context. When it ends, a request the worker has not
// started is skipped, a running Run gets KeyboardInterrupt, and the call
// returns an ErrCanceled error that also matches the context's error. A
// worker that dies (a fatal Pyodide error such as a wasm trap, self.close(),
// terminate(), a crash) is noticed without a call: Dead is closed, and
// every pending and later call fails with ErrDead.
type Worker struct {
	client  js.Value
	funcs   []js.Func
	Version string // Pyodide's version
	// MemoryProperty names the property of pyodide._module that holds the
	// heap's Memory in the worker ("memory" from Pyodide 314 on); empty for
	// Stock and for builds that keep the Memory private (0.27 to 0.29).
	MemoryProperty string

	mu      sync.Mutex
	replies map[int]chan reply
	dead    chan struct{}
	cause   error // why the worker died or closed; set before dead is closed
}

type reply struct {
	ok bool
	v  js.Value
}

// interruptGrace bounds how long a canceled Run waits for Python to raise
// KeyboardInterrupt before the call gives up on it.
const interruptGrace = time.Second

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
	w := &Worker{replies: map[int]chan reply{}, dead: make(chan struct{})}
	cfg := js.Global().Get("Object").New()
	cfg.Set("indexURL", opts.IndexURL)
	cfg.Set("shared", !opts.Stock)
	cfg.Set("callChannel", !opts.NoCallChannel)
	if opts.ScriptURL != "" {
		cfg.Set("scriptURL", opts.ScriptURL)
	} else {
		cfg.Set("source", Script+"\n"+WorkerScript)
	}
	if opts.Output != nil {
		cfg.Set("onOutput", w.funcOf(func(args []js.Value) { opts.Output(args[0].String(), args[1].String()) }))
	}
	cfg.Set("onReply", w.funcOf(func(args []js.Value) { w.deliver(args[0].Int(), args[1].Bool(), args[2]) }))
	cfg.Set("onDeath", w.funcOf(func(args []js.Value) { w.die(replyError("Worker", args[0])) }))
	p, err := jsinterop.Try(func() js.Value { return ns.Call("startWorker", cfg) })
	if err != nil {
		w.release()
		return nil, fromJS(op, err)
	}
	client, err := promise.Await(ctx, p)
	if err != nil {
		w.release()
		ns.Call("discardWorker", p) // ends the worker should it still come up
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, canceled(op, "the context ended while Pyodide booted in the worker", err)
		}
		return nil, fromJS(op, err)
	}
	w.client = client
	w.Version = client.Get("version").String()
	w.MemoryProperty = client.Get("memoryProperty").String()
	return w, nil
}

// funcOf makes a callback that lives as long as the worker.
func (w *Worker) funcOf(f func(args []js.Value)) js.Func {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any { f(args); return nil })
	w.funcs = append(w.funcs, fn)
	return fn
}

func (w *Worker) release() {
	for _, f := range w.funcs {
		f.Release()
	}
	w.funcs = nil
}

func (w *Worker) deliver(id int, ok bool, v js.Value) {
	w.mu.Lock()
	ch := w.replies[id]
	delete(w.replies, id)
	w.mu.Unlock()
	if ch != nil {
		ch <- reply{ok: ok, v: v}
	}
}

// die records why the worker ended, once.
func (w *Worker) die(cause error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cause != nil {
		return
	}
	w.cause = cause
	close(w.dead)
}

// Dead is closed once the worker has died or been closed; Err then says why.
func (w *Worker) Dead() <-chan struct{} { return w.dead }

// Err returns nil while the worker lives, else an ErrDead or ErrClosed
// error saying what happened.
func (w *Worker) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cause
}

// Object returns the JavaScript Worker (a worker_threads Worker under
// Node), for code that must post to it or end it without this client.
func (w *Worker) Object() js.Value { return w.client.Get("worker") }

// Pending returns the number of calls waiting for a reply, here and in the
// JavaScript client (they should agree; both return to zero).
func (w *Worker) Pending() (goSide, jsSide int) {
	w.mu.Lock()
	goSide = len(w.replies)
	w.mu.Unlock()
	return goSide, w.client.Call("pending").Int()
}

// ChannelCalls returns how many calls went over the call channel (Atomics
// on shared memory) rather than postMessage.
func (w *Worker) ChannelCalls() int { return w.client.Call("channelCalls").Int() }

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
	if err := w.Err(); err != nil {
		return js.Undefined(), withOp(err, op)
	}
	if err := ctx.Err(); err != nil {
		return js.Undefined(), canceled(op, "the context ended before the call was sent", err)
	}
	req["op"] = wire
	ch := make(chan reply, 1)
	w.mu.Lock()
	id, err := jsinterop.Try(func() js.Value { return w.client.Call("call", req) })
	if err == nil {
		w.replies[id.Int()] = ch
	}
	w.mu.Unlock()
	if err != nil {
		return js.Undefined(), fromJS(op, err)
	}
	select {
	case r := <-ch:
		return w.result(op, r)
	case <-ctx.Done():
	}
	switch w.client.Call("cancel", id).String() {
	case "interrupted":
		// Python checks the interrupt buffer between bytecodes; code stuck in
		// C (or Atomics.wait) does not, so wait only so long. Python reads
		// the buffer and then zeroes it, two steps rather than one atomic
		// exchange, so a store landing between them is lost: store again
		// until Python answers.
		t := time.NewTimer(interruptGrace)
		defer t.Stop()
		again := time.NewTicker(20 * time.Millisecond)
		defer again.Stop()
	wait:
		select {
		case <-again.C:
			w.client.Call("cancel", id)
			goto wait
		case r := <-ch:
			if r.ok {
				return r.v, nil // it finished before the interrupt landed
			}
			_, err := w.result(op, r)
			var pe *PythonError
			if errors.As(err, &pe) && pe.Type == "KeyboardInterrupt" {
				return js.Undefined(), canceled(op, "Python was interrupted (KeyboardInterrupt) and the worker is ready again", ctx.Err())
			}
			if errors.Is(err, ErrDead) || errors.Is(err, ErrWorker) {
				return js.Undefined(), err
			}
			return js.Undefined(), &Error{Op: op, Kind: ErrCanceled, Detail: "the context ended while Python ran; Python then raised",
				Err: errors.Join(ctx.Err(), err)}
		case <-t.C:
			w.client.Call("abandon", id) // the reply, if any, is dropped
			<-ch
			return js.Undefined(), canceled(op, "Python did not stop at KeyboardInterrupt within "+interruptGrace.String()+
				" (it may be blocked outside the interpreter); it keeps running in the worker", ctx.Err())
		}
	case "finishing":
		// Bookkeeping the worker has started is short and must not be lost
		// (an allocation Go never hears of would stay pinned): wait for it.
		return w.result(op, <-ch)
	default: // skipped or abandoned: the reply was settled synchronously
		r := <-ch
		if r.ok {
			return r.v, nil
		}
		if _, err := w.result(op, r); !errors.Is(err, ErrCanceled) {
			return js.Undefined(), err
		}
		return js.Undefined(), canceled(op, strings.TrimPrefix(r.v.Get("message").String(), "sabkitSharedHeap worker: "), ctx.Err())
	}
}

func (w *Worker) result(op string, r reply) (js.Value, error) {
	if r.ok {
		return r.v, nil
	}
	return js.Undefined(), replyError(op, r.v)
}

// replyError maps a failed reply to an *Error: the client's own error names
// first, then whatever sharedheap.js reports.
func replyError(op string, v js.Value) error {
	name := jsinterop.ErrorName(v)
	msg := strings.TrimPrefix(v.Get("message").String(), "sabkitSharedHeap worker: ")
	switch name {
	case "WorkerDeadError":
		return &Error{Op: op, Kind: ErrDead, Detail: msg,
			Fix: "start a new worker; the Python state and every view of its heap are gone"}
	case "WorkerClosedError":
		return &Error{Op: op, Kind: ErrClosed, Detail: msg}
	case "CanceledError":
		return &Error{Op: op, Kind: ErrCanceled, Detail: msg}
	}
	return fromJS(op, &jsinterop.Thrown{Value: v})
}

func canceled(op, detail string, ctxErr error) *Error {
	return &Error{Op: op, Kind: ErrCanceled, Detail: detail, Err: ctxErr}
}

// withOp returns err, an *Error, renamed for op.
func withOp(err error, op string) error {
	if e, ok := err.(*Error); ok {
		c := *e
		c.Op = op
		return &c
	}
	return err
}

// Run runs Python code in the worker (runPythonAsync: top-level await
// works) and returns the value of its last expression converted to JSON-able
// JavaScript (a copy; dicts become objects), or its repr() as a string when
// it has no such form. A Python exception returns an ErrPython *Error whose
// Err is a *PythonError.
func (w *Worker) Run(ctx context.Context, code string) (js.Value, error) {
	return w.call(ctx, "Run", "run", map[string]any{"code": code})
}

// RunToEnd is Run for short bookkeeping code whose effects must reach the
// caller: ctx still skips the code while it waits in the worker's queue, but
// once the worker has started it, the call waits for its reply instead of
// interrupting it, and returns that reply even when ctx has ended. The
// worker's death still ends the wait.
func (w *Worker) RunToEnd(ctx context.Context, code string) (js.Value, error) {
	return w.call(ctx, "Run", "run", map[string]any{"code": code, "toEnd": true})
}

// Call calls the Python callable at the dotted path fn ("module.function",
// resolved in the worker on first use and kept) with args, which Pyodide
// converts as it does for any call from JavaScript: numbers, strings,
// booleans and nil as Python values, typed arrays as JsProxies of the
// worker's copy. No source is parsed. A str result arrives as a string, a
// typed array as a transferred ArrayBuffer, anything else as Run converts
// it. Cancellation works as for Run: a running call gets KeyboardInterrupt.
func (w *Worker) Call(ctx context.Context, fn string, args []any) (js.Value, error) {
	return w.call(ctx, "Call", "call", map[string]any{"fn": fn, "args": args})
}

// Close ends the worker at once, whatever Python is doing: pending calls
// fail with ErrClosed, and Dead is closed. The worker keeps no
// state worth flushing, so nothing is asked of it first.
func (w *Worker) Close() {
	if w.client.Truthy() {
		w.client.Call("terminate")
	}
	w.die(&Error{Op: "Close", Kind: ErrClosed, Detail: "the worker was closed"})
	w.release()
}
