//go:build js && wasm

package pyodidebridge

import (
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is. The kinds
// sabkit's packages share are the module's (see package sabkit), the same
// value in every package.
var (
	// ErrPython: Python raised an exception; the *Error wraps a *PythonError.
	ErrPython = sabkit.ErrPython
	// ErrName: not a usable Python global name, or no such global.
	ErrName = sabkit.ErrName
	// ErrView: a view argument is nil, or cannot be read or written
	// (revoked, detached); Err holds the view's error.
	ErrView = sabkit.ErrView
	// ErrClosed: the bridge was closed.
	ErrClosed = sabkit.ErrClosed
	// ErrNotIsolated: LoadWorker or a SharedHeap Load ran where there is no
	// cross-origin isolation, hence no SharedArrayBuffer and no heap another
	// thread can see. The fix names the headers; the fallback is Load
	// without SharedHeap, where crossing threads means copies.
	ErrNotIsolated = sabkit.ErrNotIsolated
	// ErrNotShared: the operation needs Pyodide's heap in a SharedArrayBuffer
	// (Atomics across threads), and this bridge's heap is not shared.
	ErrNotShared = sabkit.ErrNotShared
	// ErrWorkerDead: the LoadWorker worker died: Pyodide suffered a fatal
	// error (a wasm trap, running out of memory inside the runtime), the
	// worker closed itself (js.close()), was terminated, or crashed. Detail
	// says which was seen. Every view of its heap is revoked, and every
	// pending and later call fails with it; LoadWorker starts a new one.
	ErrWorkerDead = sabkit.ErrWorkerDead
	// ErrCanceled: the call's context ended first. The error also matches
	// the context's error (context.Canceled or context.DeadlineExceeded);
	// Detail says whether the call did not run, Python was interrupted, or
	// Python is still running.
	ErrCanceled = sabkit.ErrCanceled
	// ErrNotPyodide: the value given to Attach is not a Pyodide API object.
	ErrNotPyodide = errors.New("not a Pyodide object")
	// ErrVersion: this Pyodide lacks a feature the bridge needs (a view of
	// its heap), or its modules do not link on a shared heap; Detail names
	// what is missing and Fix the tested range (TestedPyodide()).
	ErrVersion = errors.New("unsupported Pyodide version")
	// ErrLoad: Pyodide could not be loaded from the index URL, or a package
	// given to LoadPackage did not load; Detail names the URL and what the
	// server or the installer answered.
	ErrLoad = errors.New("loading failed")
	// ErrType: a Call argument or result has a type the bridge does not
	// convert; the Fix lists the types that work.
	ErrType = errors.New("unsupported type")
	// ErrNotBuffer: the Python object does not support the buffer protocol.
	ErrNotBuffer = errors.New("not a buffer")
	// ErrDType: the Python buffer's element type differs from the view's.
	ErrDType = errors.New("dtype mismatch")
	// ErrLayout: the Python buffer is read-only, not C-contiguous or empty.
	ErrLayout = errors.New("unsupported buffer layout")
	// ErrShape: a shape is empty, has a non-positive dimension, or does not
	// match the number of elements.
	ErrShape = errors.New("bad shape")
	// ErrOutsideHeap: the view does not lie in this Pyodide's heap, so
	// Python cannot address it; copy it in with CopyIn.
	ErrOutsideHeap = errors.New("view outside Pyodide's heap")
	// ErrNotOwned: the view was not made by this bridge (or was freed already).
	ErrNotOwned = errors.New("view not owned by this bridge")
	// ErrFreed: the memory was freed with Free; sabview views under it
	// report sabview.ErrRevoked wrapping this.
	ErrFreed = sabkit.ErrFreed
	// ErrWorker: the Pyodide worker failed to start or does not follow the
	// protocol.
	ErrWorker = errors.New("worker failed")
)

// Error is sabkit's one error type (sabkit.Error).
type Error = sabkit.Error

// PythonError is an exception raised by Python code, as Pyodide reported it
// (sabkit.PythonError).
type PythonError = sabkit.PythonError

// ranToEnd wraps the context's error in an ErrCanceled *Error for a request
// the worker had started and ran to its end: the caller keeps or rolls back
// its effects.
type ranToEnd struct{ err error }

func (r *ranToEnd) Error() string { return r.err.Error() }
func (r *ranToEnd) Unwrap() error { return r.err }

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Package: "pyodidebridge", Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

// pythonError converts a thrown Pyodide PythonError (or any JS error) into
// an *Error of kind ErrPython.
func pythonError(op string, thrown js.Value) *Error {
	pe := &PythonError{Type: "Error"}
	if thrown.Type() == js.TypeObject {
		if t := thrown.Get("type"); t.Type() == js.TypeString {
			pe.Type = t.String()
		} else if n := thrown.Get("name"); n.Type() == js.TypeString {
			pe.Type = n.String()
		}
		if m := thrown.Get("message"); m.Type() == js.TypeString {
			pe.Traceback = strings.TrimRight(m.String(), "\n")
		}
	} else {
		pe.Traceback = js.Global().Get("String").Invoke(thrown).String()
	}
	pe.Message = lastMessage(pe.Traceback, pe.Type)
	return &Error{Package: "pyodidebridge", Op: op, Kind: ErrPython, Err: pe}
}

// lastMessage extracts the exception message from a formatted traceback,
// whose last lines read "Type: message" (the message may span lines).
func lastMessage(tb, typ string) string {
	prefix := typ + ": "
	if i := strings.LastIndex(tb, "\n"+prefix); i >= 0 {
		return tb[i+1+len(prefix):]
	}
	if strings.HasPrefix(tb, prefix) {
		return tb[len(prefix):]
	}
	if strings.HasSuffix(tb, "\n"+typ) || tb == typ {
		return ""
	}
	return tb
}

// thrownValue is the JavaScript value behind a jsinterop.Try error.
func thrownValue(err error) js.Value {
	var t *jsinterop.Thrown
	if errors.As(err, &t) {
		return t.Value
	}
	return js.ValueOf(err.Error())
}

// packageError reports packages that did not load. The message of
// sharedheap.js's PackageLoadError names each package, the server's answer
// or the install error, and the fix.
func packageError(op, msg string) *Error {
	return &Error{Package: "pyodidebridge", Op: op, Kind: ErrLoad, Detail: strings.TrimPrefix(msg, "sabkitSharedHeap.loadPackages: "),
		Fix: "nothing was installed for the packages named; Python code that imports them fails until they load"}
}
