//go:build js && wasm

package atomicsx

import (
	"context"
	"errors"
	"math"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/sabview"
)

// WaitResult says how a wait ended.
type WaitResult int

const (
	// Woken: a Notify woke the waiter ("ok" in JavaScript).
	Woken WaitResult = iota + 1
	// NotEqual: the element did not hold the expected value, so the call
	// returned at once.
	NotEqual
	// TimedOut: the timeout passed without a Notify.
	TimedOut
)

func (r WaitResult) String() string {
	switch r {
	case Woken:
		return "ok"
	case NotEqual:
		return "not-equal"
	case TimedOut:
		return "timed-out"
	}
	return "invalid"
}

func parseResult(s string) WaitResult {
	switch s {
	case "ok":
		return Woken
	case "not-equal":
		return NotEqual
	case "timed-out":
		return TimedOut
	}
	return 0
}

// The wait helpers catch exceptions in JavaScript, where catching is cheap,
// instead of letting them unwind into syscall/js as panics.
const waitHelpers = `
return {
	wait: (ta, i, v, t) => { try { return Atomics.wait(ta, i, v, t); } catch (e) { return e; } },
	waitAsync: (ta, i, v, t) => { try { return Atomics.waitAsync(ta, i, v, t).value; } catch (e) { return e; } },
	hasWaitAsync: () => typeof Atomics.waitAsync === "function",
	canBlock: () => {
		try {
			// A shared WebAssembly.Memory exists even where SharedArrayBuffer
			// is hidden, so the probe works in every context.
			const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
			Atomics.wait(new Int32Array(m.buffer), 0, 1, 0);
			return true;
		} catch (e) {
			return false;
		}
	},
};`

var waits struct {
	ready                  bool
	wait, waitAsync        js.Value
	canBlock, hasWaitAsync bool
}

func initWaits() {
	if waits.ready {
		return
	}
	h := js.Global().Get("Function").New(waitHelpers).Invoke()
	waits.wait = h.Get("wait")
	waits.waitAsync = h.Get("waitAsync")
	waits.canBlock = h.Call("canBlock").Bool()
	waits.hasWaitAsync = h.Call("hasWaitAsync").Bool()
	waits.ready = true
}

// CanBlock reports whether this thread may block in Atomics.wait: true in
// Workers and on Node's main thread, false on a browser page's main thread.
// Where it is false, Wait and Mutex.Lock return ErrMainThread and the
// Context variants must be used.
func CanBlock() bool {
	initWaits()
	return waits.canBlock
}

func waitable(op string, v *sabview.View[int32], i int) (js.Value, error) {
	ta, err := array(op, v, i)
	if err != nil {
		return js.Undefined(), err
	}
	if !v.Shared() {
		return js.Undefined(), errNotShared(op, v)
	}
	initWaits()
	return ta, nil
}

// Forever is the timeout for Wait that never expires.
const Forever time.Duration = -1

// Wait blocks the calling thread while element i of v holds expect, until a
// Notify on it or until timeout passes (Forever: no timeout). It returns
// NotEqual at once when the element differs.
//
// Wait blocks the whole thread, not only the goroutine: js/wasm Go runs every
// goroutine and timer on the one JavaScript thread, so nothing else in this Go
// program runs until Wait returns. Use it in Workers that do nothing else;
// elsewhere use WaitContext. On the browser main thread, where JavaScript
// forbids blocking, Wait returns ErrMainThread without waiting.
func Wait(v *sabview.View[int32], i int, expect int32, timeout time.Duration) (WaitResult, error) {
	const op = "Wait"
	ta, err := waitable(op, v, i)
	if err != nil {
		return 0, err
	}
	if !waits.canBlock {
		return 0, errMainThread(op)
	}
	t := math.Inf(1)
	if timeout >= 0 {
		t = float64(timeout) / float64(time.Millisecond)
	}
	r := waits.wait.Invoke(ta, i, expect, t)
	if r.Type() != js.TypeString {
		return 0, jsError(op, r)
	}
	return parseResult(r.String()), nil
}

// waitSlice caps each JavaScript wait inside WaitContext; after it the
// element is read again. WebKit can lose a waitAsync wake-up (the Notify
// removes the waiter but its promise never settles), and a helper worker of
// the fallback must not stay blocked for long after its caller gave up.
const waitSlice = 100 * time.Millisecond

// waitGrace is how much later than JavaScript's timeout Go gives up on one
// round.
const waitGrace = 50 * time.Millisecond

// WaitContext waits like Wait, but only the calling goroutine waits: the
// JavaScript thread (and every other goroutine) keeps running, and it works
// on the browser main thread. It is built on Atomics.waitAsync; where an
// engine lacks that (Firefox ESR 140), a helper worker blocks in Atomics.wait
// on the caller's behalf and posts the result back.
//
// It returns Woken after a Notify and NotEqual at once when the element does
// not hold expect. When ctx ends first it returns an ErrContext error that
// wraps ctx.Err(); a deadline on ctx is reported as TimedOut together with an
// ErrContext error wrapping context.DeadlineExceeded.
//
// Each JavaScript wait lasts at most 100 ms, after which WaitContext reads
// the element again and returns Woken if it has changed, so a lost wake-up
// costs at most that long. A Notify that changes nothing is therefore only
// guaranteed to be seen within that slice; the protocols in this package
// always change the element before they notify.
//
// JavaScript cannot withdraw a waiter: after cancellation (not a deadline)
// it stays registered until the next Notify on the element or the end of its
// slice, and it counts towards that Notify's count. The protocols in this
// package notify all waiters, so such a leftover waiter never swallows a
// wake-up.
func WaitContext(ctx context.Context, v *sabview.View[int32], i int, expect int32) (WaitResult, error) {
	const op = "WaitContext"
	ta, err := waitable(op, v, i)
	if err != nil {
		return 0, err
	}
	if useWaitFallback() && !hasWaitFallback() {
		return 0, errorf(op, ErrUnsupported, "use Wait in a Worker, or a newer engine",
			"Atomics.waitAsync is undefined and no Worker can be started to wait instead")
	}
	if err := ctx.Err(); err != nil {
		return 0, errContext(op, err)
	}
	dl, hasDeadline := ctx.Deadline()
	for round := 0; ; round++ {
		slice := waitSlice
		if hasDeadline {
			left := time.Until(dl)
			if left <= 0 {
				return TimedOut, errContext(op, context.DeadlineExceeded)
			}
			slice = min(slice, left)
		}
		res, err := waitOnce(ctx, op, ta, i, expect, slice)
		if err != nil {
			return res, err
		}
		switch res {
		case Woken:
			return Woken, nil
		case NotEqual:
			if round == 0 {
				return NotEqual, nil
			}
			// The element changed during an earlier slice: a Notify came
			// and its wake-up was lost, or the two raced.
			return Woken, nil
		}
	}
}

// waitOnce runs one JavaScript wait of at most d. Go's own timer ends the
// round waitGrace after JavaScript's should have: WebKit can leave a
// waitAsync promise unsettled past its timeout too, and a helper worker can
// be slow to answer.
func waitOnce(ctx context.Context, op string, ta js.Value, i int, expect int32, d time.Duration) (WaitResult, error) {
	ms := float64(d) / float64(time.Millisecond)
	var r js.Value
	if useWaitFallback() {
		r = fallbackWait(ta, i, expect, ms)
	} else {
		r = waits.waitAsync.Invoke(ta, i, expect, ms)
	}
	if r.Type() == js.TypeString {
		return parseResult(r.String()), nil
	}
	if r.Type() != js.TypeObject || r.Get("then").Type() != js.TypeFunction {
		return 0, jsError(op, r)
	}
	round, cancel := context.WithTimeout(ctx, d+waitGrace)
	defer cancel()
	val, err := promise.Await(round, r)
	if err != nil {
		var rej *promise.RejectedError
		if errors.As(err, &rej) {
			return 0, &Error{Op: op, Kind: ErrUnsupported, Err: err}
		}
		if ctx.Err() == nil {
			return TimedOut, nil // only the round ended; the caller reads again
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// Go's timer beat JavaScript's to the same deadline.
			return TimedOut, errContext(op, ctx.Err())
		}
		return 0, errContext(op, ctx.Err())
	}
	return parseResult(val.String()), nil
}

// jsError wraps an exception the helpers caught. Arguments are validated
// before every call, so reaching this means the engine refused something
// this package does not know about.
func jsError(op string, e js.Value) *Error {
	kind := ErrUnsupported
	if jsinterop.ErrorName(e) == "TypeError" && !CanBlock() {
		kind = ErrMainThread
	}
	return &Error{Op: op, Kind: kind, Detail: "JavaScript threw", Err: &jsinterop.Thrown{Value: e}}
}
