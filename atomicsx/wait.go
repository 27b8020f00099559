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

var waits struct {
	ready                  bool
	wait, waitAsync        js.Value
	canBlock, hasWaitAsync bool
}

func initWaits() {
	if waits.ready {
		return
	}
	h := js.Global().Get("Function").New("AtomicsX", waitsJS).Invoke(atomicsX())
	waits.wait = h.Get("wait")
	waits.waitAsync = h.Get("waitAsync")
	waits.canBlock = h.Get("canBlock").Bool()
	waits.hasWaitAsync = h.Get("hasWaitAsync").Bool()
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

// pollEvery is how often WaitContext reads the element while it waits.
// WebKit can lose a waitAsync wake-up (the Notify removes the waiter but its
// promise never settles); reading again turns that into latency, not a hang.
const pollEvery = 100 * time.Millisecond

// fallbackRound caps one wait in a helper worker (WaitContext then starts
// the next round), so no helper stays blocked longer than that whatever
// becomes of its caller. A caller that gives up hands its helper back at
// once.
const fallbackRound = 10 * time.Second

// WaitContext waits like Wait, but only the calling goroutine waits: the
// JavaScript thread (and every other goroutine) keeps running, and it works
// on the browser main thread. It is built on Atomics.waitAsync; where an
// engine lacks that (Firefox ESR 140), a helper worker blocks in Atomics.wait
// on the caller's behalf and posts the result back.
//
// It returns Woken after a Notify and NotEqual at once when the element does
// not hold expect. When ctx ends first it returns an ErrCanceled error that
// wraps ctx.Err(); a deadline on ctx is reported as TimedOut together with an
// ErrCanceled error wrapping context.DeadlineExceeded.
//
// While it waits it also reads the element every pollEvery and returns
// Woken once it has changed, so a lost wake-up costs at most that long. The
// protocols in this package always change the element before they notify.
//
// Atomics.waitAsync cannot withdraw a waiter: after cancellation (not a
// deadline), or after such a read saw the change, it stays registered until
// the next Notify on the element, and it counts towards that Notify's
// count. The protocols in this package notify all waiters, so such a
// leftover waiter never swallows a wake-up. The fallback does withdraw it:
// WaitContext returns only once the helper has stopped waiting, which it
// makes happen with a Notify on the element; other waiters there then wake
// spuriously (Woken with the element unchanged) and must re-check, as the
// protocols do.
func WaitContext(ctx context.Context, v *sabview.View[int32], i int, expect int32) (WaitResult, error) {
	const op = "WaitContext"
	ta, err := waitable(op, v, i)
	if err != nil {
		return 0, err
	}
	fb := useWaitFallback()
	if fb && !hasWaitFallback() {
		return 0, errorf(op, ErrUnsupported, "use Wait in a Worker, or a newer engine",
			"Atomics.waitAsync is undefined and no Worker can be started to wait instead")
	}
	if err := ctx.Err(); err != nil {
		return 0, errContext(op, err)
	}
	dl, hasDeadline := ctx.Deadline()
	for round := 0; ; round++ {
		ms := math.Inf(1)
		if fb {
			ms = float64(fallbackRound / time.Millisecond)
		}
		if hasDeadline {
			left := time.Until(dl)
			if left <= 0 {
				return TimedOut, errContext(op, context.DeadlineExceeded)
			}
			ms = min(ms, float64(left)/float64(time.Millisecond))
		}
		if fb {
			// The helper compares later than now; comparing here keeps
			// NotEqual meaning "differed when WaitContext was called".
			if x, err := Load(v, i); err != nil || x != expect {
				if round == 0 {
					return NotEqual, err
				}
				return Woken, err
			}
		}
		res, err := waitRound(ctx, op, v, ta, i, expect, ms, fb)
		if err != nil {
			return res, err
		}
		switch res {
		case Woken:
			return Woken, nil
		case NotEqual:
			if round == 0 && !fb {
				return NotEqual, nil
			}
			// The element changed after the call began.
			return Woken, nil
		}
		// TimedOut: the fallback's round ended, or the deadline is near.
	}
}

// waitRound runs one JavaScript wait of at most ms milliseconds, reading the
// element every pollEvery meanwhile.
func waitRound(ctx context.Context, op string, v *sabview.View[int32], ta js.Value, i int, expect int32, ms float64, fb bool) (WaitResult, error) {
	var r js.Value
	// handBack, in the fallback, withdraws the helper's wait when this
	// round returns before the helper answered.
	var handBack func()
	defer func() {
		if handBack != nil {
			handBack()
		}
	}()
	if fb {
		r, handBack = fallbackWait(ta, i, expect, ms)
	} else {
		r = waits.waitAsync.Invoke(ta, i, expect, ms)
	}
	if r.Type() == js.TypeString {
		return parseResult(r.String()), nil
	}
	if r.Type() != js.TypeObject || r.Get("then").Type() != js.TypeFunction {
		return 0, jsError(op, r)
	}
	type settled struct {
		v   js.Value
		err error
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan settled, 1)
	go func() {
		val, err := promise.Await(actx, r)
		done <- settled{val, err}
	}()
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	for {
		select {
		case <-poll.C:
			if x, err := Load(v, i); err == nil && x != expect {
				return Woken, nil
			}
			continue
		case s := <-done:
			var rej *promise.RejectedError
			if s.err == nil || errors.As(s.err, &rej) {
				handBack = nil // the helper answered
			}
			if s.err == nil {
				return parseResult(s.v.String()), nil
			}
			if rej != nil {
				return 0, &Error{Package: "atomicsx", Op: op, Kind: ErrUnsupported, Err: s.err}
			}
			if errors.Is(s.err, context.DeadlineExceeded) {
				// Go's timer beat JavaScript's to the same deadline.
				return TimedOut, errContext(op, s.err)
			}
			return 0, errContext(op, s.err)
		}
	}
}

// jsError wraps an exception the helpers caught. Arguments are validated
// before every call, so reaching this means the engine refused something
// this package does not know about.
func jsError(op string, e js.Value) *Error {
	kind := ErrUnsupported
	if jsinterop.ErrorName(e) == "TypeError" && !CanBlock() {
		kind = ErrMainThread
	}
	return &Error{Package: "atomicsx", Op: op, Kind: kind, Detail: "JavaScript threw", Err: &jsinterop.Thrown{Value: e}}
}
