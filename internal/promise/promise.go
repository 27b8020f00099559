//go:build js && wasm

// Package promise waits for JavaScript promises from Go without blocking the
// JavaScript event loop: the calling goroutine parks on a channel while the
// promise settles, and other goroutines keep running.
package promise

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// RejectedError is a rejected promise's reason.
type RejectedError struct {
	Reason js.Value // the rejection value, usually an Error object
}

func (e *RejectedError) Error() string { return jsinterop.Message(e.Reason) }

// Name returns the JavaScript error name ("TypeError", "OperationError", …),
// or "" when the reason is not an Error.
func (e *RejectedError) Name() string { return jsinterop.ErrorName(e.Reason) }

// Await waits for p to settle and returns its value, a *RejectedError, or
// ctx's error when ctx ends first (the promise is then left to settle
// unobserved: its two callbacks stay registered until it does, which Pending
// counts). A value that is not a thenable is returned as is.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	if p.Type() != js.TypeObject || p.Get("then").Type() != js.TypeFunction {
		return p, nil
	}
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	pending.Add(1)
	release := func() { onOK.Release(); onErr.Release(); pending.Add(-1) }
	onOK = js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		release()
		return nil
	})
	onErr = js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{err: &RejectedError{Reason: arg0(args)}}
		release()
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}

// IsRejected reports whether err is a rejected promise, and returns it.
func IsRejected(err error) (*RejectedError, bool) {
	var r *RejectedError
	ok := errors.As(err, &r)
	return r, ok
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// pending counts Await calls whose promise has not settled yet, each holding
// two js.Funcs.
var pending atomic.Int64

// Pending returns how many awaited promises have not settled yet, abandoned
// ones included. Tests use it to prove that cancelled waits leave nothing
// behind once their promises settle.
func Pending() int { return int(pending.Load()) }
