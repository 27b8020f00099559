//go:build js && wasm

package sabview

import (
	"errors"
	"fmt"

	"github.com/sabkit/sabkit"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is. The kinds
// sabkit's packages share are the module's (see package sabkit): the same
// value in every package.
var (
	// ErrNotIsolated: SharedArrayBuffer is not defined, which in a browser
	// means the page is not cross-origin isolated.
	ErrNotIsolated = sabkit.ErrNotIsolated
	// ErrNotShared: the memory is not shared where an operation needs
	// memory other threads see. sabview itself never needs shared memory,
	// so only the packages built on it return this.
	ErrNotShared = sabkit.ErrNotShared
	// ErrMisaligned: a byte offset or length is not a multiple of the element size.
	ErrMisaligned = sabkit.ErrMisaligned
	// ErrOutOfRange: an index, offset or length lies outside the view or source.
	ErrOutOfRange = sabkit.ErrOutOfRange
	// ErrRevoked: the owner of the memory revoked the view (for example the
	// Python object that owned the bytes was freed).
	ErrRevoked = sabkit.ErrRevoked
	// ErrDetached: the underlying ArrayBuffer was detached (transferred, or
	// shrunk below the view) and the view cannot be re-derived.
	ErrDetached = errors.New("detached buffer")
	// ErrSource: the value passed as a memory source is not one this package
	// understands.
	ErrSource = errors.New("unsupported source")
	// ErrElementType: an existing typed array holds a different element type.
	ErrElementType = errors.New("element type mismatch")
)

// Error is sabkit's one error type (sabkit.Error).
type Error = sabkit.Error

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Package: "sabview", Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

func errUnavailable(op string) *Error {
	return errorf(op, ErrNotIsolated, jsinterop.IsolationFix,
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
