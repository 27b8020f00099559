//go:build js && wasm

package sabview

import (
	"errors"
	"fmt"

	"github.com/sabkit/sabkit/internal/fault"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is.
//
// ErrUnavailable and ErrNotShared are sabkit's one name for their condition:
// atomicsx, gpuupload and pyodidebridge return errors that match them too,
// whatever package-level alias those packages also export.
var (
	// ErrUnavailable: SharedArrayBuffer is not defined, which in a browser
	// means the page is not cross-origin isolated.
	ErrUnavailable = errors.New("SharedArrayBuffer unavailable (not cross-origin isolated)")
	// ErrNotShared: the memory is an ArrayBuffer or a non-shared
	// WebAssembly.Memory where the operation needs memory other threads
	// see (Atomics.wait and notify, the atomicsx protocols, a worker's
	// heap). sabview itself never needs shared memory, so only the packages
	// built on it return this.
	ErrNotShared = errors.New("memory is not shared")
	// ErrMisaligned: a byte offset or length is not a multiple of the element size.
	ErrMisaligned = errors.New("misaligned")
	// ErrOutOfRange: an index, offset or length lies outside the view or source.
	ErrOutOfRange = errors.New("out of range")
	// ErrDetached: the underlying ArrayBuffer was detached (transferred, or
	// shrunk below the view) and the view cannot be re-derived.
	ErrDetached = errors.New("detached buffer")
	// ErrSource: the value passed as a memory source is not one this package
	// understands.
	ErrSource = errors.New("unsupported source")
	// ErrElementType: an existing typed array holds a different element type.
	ErrElementType = errors.New("element type mismatch")
	// ErrRevoked: the owner of the memory revoked the view (for example the
	// Python object that owned the bytes was freed).
	ErrRevoked = errors.New("view revoked")
)

// Error is the error type returned by sabview. Op names the function that
// failed, Kind is one of the sentinel errors above, Detail says what was wrong
// and Fix says what to change.
type Error struct {
	Op     string
	Kind   error
	Detail string
	Fix    string
	Err    error // underlying cause, such as a JavaScript exception; may be nil
}

func (e *Error) Error() string {
	return fault.Message("sabview", e.Op, e.Kind, e.Detail, e.Err, e.Fix)
}

// Is makes errors.Is(err, ErrMisaligned) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

func errUnavailable(op string) *Error {
	return errorf(op, ErrUnavailable, jsinterop.IsolationFix,
		"globalThis.SharedArrayBuffer is undefined (crossOriginIsolated=%v)", jsinterop.CrossOriginIsolated())
}

func errIndex(op string, i, n int) *Error {
	return errorf(op, ErrOutOfRange, "", "index %d not in [0, %d)", i, n)
}

func errDetached(op string) *Error {
	return errorf(op, ErrDetached,
		"create a new view from the buffer's new owner; a transferred ArrayBuffer cannot be used again",
		"the view's ArrayBuffer was detached or shrunk below the view")
}
