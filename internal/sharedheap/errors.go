package sharedheap

import (
	"errors"

	"github.com/sabkit/sabkit"
)

// Sentinel errors. Every error this package returns is an *Error whose Kind
// is one of these, so callers can branch with errors.Is. The kinds sabkit's
// packages share are the module's (see package sabkit).
var (
	// ErrNotIsolated: the page or worker is not cross-origin isolated, so
	// there is no SharedArrayBuffer and no shared heap.
	ErrNotIsolated = sabkit.ErrNotIsolated
	// ErrNotShared: Pyodide booted, but its heap is not a SharedArrayBuffer.
	ErrNotShared = sabkit.ErrNotShared
	// ErrPython: Python code raised an exception; Err is a *PythonError.
	ErrPython = sabkit.ErrPython
	// ErrArgument: an argument was invalid (an empty index URL, an unknown
	// request).
	ErrArgument = sabkit.ErrArgument
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
	// ErrWorker: the worker could not start, or its script failed.
	ErrWorker = errors.New("worker failed")
)

// Error is sabkit's one error type (sabkit.Error).
type Error = sabkit.Error

// PythonError is sabkit's one Python exception type (sabkit.PythonError).
type PythonError = sabkit.PythonError
