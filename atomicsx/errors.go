//go:build js && wasm

package atomicsx

import (
	"errors"
	"fmt"

	"github.com/sabkit/sabkit"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is; errors.As with
// an *Error gives the operation and the fix. The kinds sabkit's packages
// share are the module's (see package sabkit), the same value in every
// package. Errors from the view itself (a revoked lease, a detached buffer)
// keep their sabview sentinel reachable through errors.Is as well, and a
// context's end keeps the context's error reachable.
var (
	// ErrOutOfRange: an index lies outside the view, or a count is negative.
	ErrOutOfRange = sabkit.ErrOutOfRange
	// ErrNotShared: Wait, WaitContext and Notify, and every protocol, need a
	// view on a SharedArrayBuffer (or a shared WebAssembly.Memory).
	ErrNotShared = sabkit.ErrNotShared
	// ErrUnsupported: the JavaScript engine lacks the feature (for example
	// Atomics.waitAsync).
	ErrUnsupported = sabkit.ErrUnsupported
	// ErrView: the view is nil or cannot be used any more (revoked,
	// detached); the sabview error is wrapped.
	ErrView = sabkit.ErrView
	// ErrArgument: an argument is invalid (an oversized payload, unlocking
	// an unlocked mutex).
	ErrArgument = sabkit.ErrArgument
	// ErrCanceled: the context given to WaitContext, or to a protocol call
	// built on it (LockContext, PushContext, PopContext, WaitNewer,
	// FrameReader.Next), ended first. The context's error is wrapped, so
	// errors.Is(err, context.Canceled) or context.DeadlineExceeded holds
	// too.
	ErrCanceled = sabkit.ErrCanceled
	// ErrMainThread: the operation would block, and the browser main thread
	// may not block (Atomics.wait throws there).
	ErrMainThread = errors.New("cannot block on the browser main thread")
	// ErrRegion: a region is too small or misaligned for a protocol, or its
	// header holds values no implementation following LAYOUT.md writes.
	ErrRegion = errors.New("bad protocol region")
	// ErrBusy: a Seqlock reader kept finding a write in progress.
	ErrBusy = errors.New("busy")
)

// Error is sabkit's one error type (sabkit.Error).
type Error = sabkit.Error

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Package: "atomicsx", Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

// errContext reports that ctx ended with err while op waited.
func errContext(op string, err error) *Error {
	return &Error{Package: "atomicsx", Op: op, Kind: ErrCanceled, Err: err, Detail: "gave up waiting"}
}

func errView(op string, err error) *Error {
	return &Error{Package: "atomicsx", Op: op, Kind: ErrView, Err: err, Fix: "derive a new view from the memory's current owner"}
}

func errNil(op string) *Error {
	return errorf(op, ErrView, "pass a view from sabview.NewShared, FromBuffer or FromMemory", "nil view")
}

const sharedFix = "allocate the view with sabview.NewShared (or over a shared WebAssembly.Memory); " +
	"Atomics.wait and notify only work on SharedArrayBuffers"

func errNotShared(op string, v interface{ String() string }) *Error {
	return errorf(op, ErrNotShared, sharedFix, "%s", v.String())
}

const mainThreadFix = "use WaitContext (Atomics.waitAsync) on the main thread, or move the blocking code into a Worker"

func errMainThread(op string) *Error {
	return errorf(op, ErrMainThread, mainThreadFix, "Atomics.wait is not allowed in this context")
}
