//go:build js && wasm

package atomicsx

import (
	"errors"
	"fmt"

	"github.com/sabkit/sabkit/internal/fault"
	"github.com/sabkit/sabkit/sabview"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is; errors.As with
// an *Error gives the operation and the fix. Errors from the view itself (a
// revoked lease, a detached buffer) keep their sabview sentinel reachable
// through errors.Is as well, and a context's end keeps the context's error
// reachable.
var (
	// ErrOutOfRange: an index lies outside the view, or a count is negative.
	ErrOutOfRange = errors.New("out of range")
	// ErrNotShared: Wait, WaitContext and Notify, and every protocol, need a
	// view on a SharedArrayBuffer (or a shared WebAssembly.Memory). It is
	// sabview.ErrNotShared, so either name matches.
	ErrNotShared = sabview.ErrNotShared
	// ErrMainThread: the operation would block, and the browser main thread
	// may not block (Atomics.wait throws there).
	ErrMainThread = errors.New("cannot block on the browser main thread")
	// ErrUnsupported: the JavaScript engine lacks the feature (for example
	// Atomics.waitAsync).
	ErrUnsupported = errors.New("unsupported by this JavaScript engine")
	// ErrView: the view cannot be used any more (revoked, detached); the
	// sabview error is wrapped.
	ErrView = errors.New("view unusable")
	// ErrRegion: a region is too small or misaligned for a protocol, or its
	// header holds values no implementation following LAYOUT.md writes.
	ErrRegion = errors.New("bad protocol region")
	// ErrArgument: an argument is invalid (nil view, oversized payload,
	// unlocking an unlocked mutex).
	ErrArgument = errors.New("invalid argument")
	// ErrBusy: a Seqlock reader kept finding a write in progress.
	ErrBusy = errors.New("busy")
	// ErrContext: the context given to WaitContext, or to a protocol call
	// built on it (LockContext, PushContext, PopContext, WaitNewer,
	// FrameReader.Next), ended first. The context's
	// error is wrapped, so errors.Is(err, context.Canceled) or
	// context.DeadlineExceeded holds too.
	ErrContext = errors.New("context ended")
)

// Error is the error type returned by atomicsx. Op names the function that
// failed, Kind is one of the sentinel errors above, Detail says what was wrong
// and Fix says what to change.
type Error struct {
	Op     string
	Kind   error
	Detail string
	Fix    string
	Err    error // underlying cause (a sabview error, a JS exception); may be nil
}

func (e *Error) Error() string {
	return fault.Message("atomicsx", e.Op, e.Kind, e.Detail, e.Err, e.Fix)
}

// Is makes errors.Is(err, ErrNotShared) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

// errContext reports that ctx ended with err while op waited.
func errContext(op string, err error) *Error {
	return &Error{Op: op, Kind: ErrContext, Err: err, Detail: "gave up waiting"}
}

func errView(op string, err error) *Error {
	return &Error{Op: op, Kind: ErrView, Err: err, Fix: "derive a new view from the memory's current owner"}
}

func errNil(op string) *Error {
	return errorf(op, ErrArgument, "pass a view from sabview.NewShared, FromBuffer or FromMemory", "nil view")
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
