package sabkit

import (
	"errors"

	"github.com/sabkit/sabkit/internal/fault"
)

// Error is the one error type of every sabkit package: each package's
// Error is an alias of it, so one errors.As finds any sabkit error.
// Package and Op name the function that failed ("pyodidebridge", "Alloc"),
// Kind is a sentinel (one of the kinds below or one of the package's own),
// Detail says what was wrong and Fix what to change.
type Error struct {
	Package string
	Op      string
	Kind    error
	Detail  string
	Fix     string
	Err     error // the underlying cause (a JavaScript exception, a *PythonError, a context's error); may be nil
}

func (e *Error) Error() string {
	return fault.Message(e.Package, e.Op, e.Kind, e.Detail, e.Err, e.Fix)
}

// Is makes errors.Is(err, ErrOutOfRange) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// The kinds every package shares: one sentinel per condition, the same
// value whichever package returns it (sabview.ErrOutOfRange,
// atomicsx.ErrOutOfRange and gpuupload.ErrOutOfRange are ErrOutOfRange).
var (
	// ErrOutOfRange: an index, offset, length or count lies outside the
	// view, the buffer or a limit.
	ErrOutOfRange = errors.New("out of range")
	// ErrMisaligned: an offset or length is not a multiple of what the
	// operation needs (the element size; 4 bytes for WebGPU copies).
	ErrMisaligned = errors.New("misaligned")
	// ErrNotShared: the memory is an ArrayBuffer or a non-shared
	// WebAssembly.Memory where the operation needs memory other threads see
	// (Atomics.wait and notify, the atomicsx protocols, a worker's heap).
	ErrNotShared = errors.New("memory is not shared")
	// ErrRevoked: the owner of the memory revoked the view (the Python
	// object that owned the bytes was freed, the worker died).
	ErrRevoked = errors.New("view revoked")
	// ErrView: a view argument cannot be used: nil, revoked or detached;
	// Err holds the view's own error.
	ErrView = errors.New("unusable view")
	// ErrArgument: another argument is invalid; Detail names it.
	ErrArgument = errors.New("invalid argument")
	// ErrCanceled: the context given to a blocking call ended first. Err is
	// the context's error, so errors.Is(err, context.Canceled) or
	// context.DeadlineExceeded holds too.
	ErrCanceled = errors.New("canceled")
	// ErrClosed: the object was closed (a bridge, a device).
	ErrClosed = errors.New("closed")
	// ErrFreed: the memory was given back with Free (a bridge's allocation,
	// a GPU buffer); views under it report ErrRevoked wrapping this.
	ErrFreed = errors.New("freed")
	// ErrWorkerDead: the worker behind the object died; Detail says how.
	ErrWorkerDead = errors.New("worker died")
	// ErrNotIsolated: SharedArrayBuffer is unavailable because the page is
	// not cross-origin isolated; Fix names the headers.
	ErrNotIsolated = errors.New("SharedArrayBuffer unavailable (not cross-origin isolated)")
	// ErrUnsupported: this JavaScript engine or Pyodide lacks a feature the
	// operation needs; Detail names it.
	ErrUnsupported = errors.New("unsupported by this JavaScript engine")
	// ErrName: not a usable Python name, or no such name.
	ErrName = errors.New("bad name")
	// ErrPython: Python raised an exception; Err is a *PythonError.
	ErrPython = errors.New("exception raised in Python")
)

// PythonError is an exception raised by Python code, as Pyodide reported it.
type PythonError struct {
	Type      string // the exception class, such as "ZeroDivisionError"
	Message   string // str(exception)
	Traceback string // the formatted traceback, ending with "Type: message"
}

func (e *PythonError) Error() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}
