package sharedheap

import (
	"errors"

	"github.com/sabkit/sabkit/internal/fault"
)

// Sentinel errors. Every error this package returns is an *Error whose Kind
// is one of these, so callers can branch with errors.Is.
var (
	// ErrNotIsolated: the page or worker is not cross-origin isolated, so
	// there is no SharedArrayBuffer and no shared heap.
	ErrNotIsolated = errors.New("not cross-origin isolated")
	// ErrRewrite: a WebAssembly module could not be made shared.
	ErrRewrite = errors.New("module rewrite failed")
	// ErrLink: a module compiled with shared memory did not link (its memory
	// import and the memory it was given disagree), so this Pyodide build
	// cannot boot on a shared heap. Emscripten would wait forever; the boot
	// fails at once instead.
	ErrLink = errors.New("shared module did not link")
	// ErrFeature: Pyodide booted but lacks what the shared heap needs
	// (pyodide._module.HEAPU8, its heap's Memory); Detail names it.
	ErrFeature = errors.New("missing Pyodide feature")
	// ErrBoot: Pyodide did not load or boot from the given index URL.
	ErrBoot = errors.New("booting Pyodide failed")
	// ErrNotShared: Pyodide booted, but its heap is not a SharedArrayBuffer.
	ErrNotShared = errors.New("heap not shared")
	// ErrWorker: the worker could not start, or its script failed.
	ErrWorker = errors.New("worker failed")
	// ErrPython: Python code raised an exception; Err is a *PythonError.
	ErrPython = errors.New("exception raised in Python")
	// ErrArgument: an argument was invalid (an empty index URL, an unknown
	// request).
	ErrArgument = errors.New("invalid argument")
)

// Error is the error type of this package. Op names the function that
// failed, Kind is one of the sentinels above, Detail says what was wrong and
// Fix what to change.
type Error struct {
	Op     string
	Kind   error
	Detail string
	Fix    string
	Err    error // the underlying cause, such as a *PythonError; may be nil
}

func (e *Error) Error() string {
	return fault.Message("sharedheap", e.Op, e.Kind, e.Detail, e.Err, e.Fix)
}

// Is makes errors.Is(err, ErrNotIsolated) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// PythonError is an exception raised by Python in the worker.
type PythonError struct {
	Type      string // the exception class, like "ValueError"
	Message   string // str(exception)
	Traceback string // the formatted traceback
}

func (e *PythonError) Error() string { return e.Type + ": " + e.Message }
