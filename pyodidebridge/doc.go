//go:build js && wasm

// Package pyodidebridge lets Go (and JavaScript) share arrays with Python
// running in Pyodide on the same thread, without copying.
//
// # The model
//
// Pyodide's Python can address only its own heap, one WebAssembly.Memory.
// Go's heap is never shared, and a SharedArrayBuffer is a third memory that
// Python cannot address either. So the shared bytes live in Pyodide's heap:
// Python owns them, a Python name refers to them as a NumPy ndarray (or, when
// NumPy is not importable, a memoryview cast to the element format and
// shape), and Go holds a sabview.View over the same bytes. Writes on either
// side are visible to the other at once; there is no synchronisation to do,
// because Go, JavaScript and Python all run on one thread, one at a time.
//
// The common recipe of passing a SharedArrayBuffer-backed typed array with
// pyodide.globals.set and calling .to_py() in Python copies: Python then
// works on a private copy, and its writes never reach the buffer. Use Alloc
// (or CopyIn, one explicit copy) instead.
//
// # Which operations alias and which copy
//
//	Operation                            Bytes                      Python name bound
//	Alloc[T](b, name, shape...)          aliases (new, zeroed)      name → ndarray/memoryview
//	View[T](b, name)                     aliases (pins the object)  existing name, unchanged
//	Share(b, name, view, shape...)       aliases (view in heap)     name → ndarray/memoryview
//	CopyIn(b, name, src, shape...)       copies src once            name → new ndarray/memoryview
//	CopyOut(b, name, dst)                copies once into dst       none
//	View.CopyFrom / CopyTo (sabview)     copies once, Go ↔ heap     none
//	pyodide.globals.set + .to_py()       copies (not this package)  a private copy
//
// Every view returned by Alloc, View and CopyIn follows the heap when Python
// grows it: a growth replaces the heap's ArrayBuffer and detaches every
// typed array over the old one, and the sabview views re-derive theirs, so
// Go never reads a stale or detached buffer. JavaScript code should fetch
// view.Array() again after anything that may run Python, rather than keep it.
//
// # Lifetimes
//
// The bridge keeps each allocation (and each object View pins) alive until
// Free or Close. After that every view under it, Subs and Casts included,
// returns an error wrapping sabview.ErrRevoked and ErrFreed (or ErrClosed)
// instead of touching memory that may belong to something else. Python is
// safe on its own side: arrays bound by Alloc, Share and CopyIn keep their
// bytes alive through Python's reference counting for as long as any Python
// name refers to them. Share of a heap view that the bridge did not make
// (sabview.FromMemory on Memory()) binds by address, and its owner must keep
// the bytes allocated while Python uses the name.
//
// # Talking to Python
//
// Attach installs a small helper module (embedded in the Go binary) into
// Pyodide's file system and binds its functions once; Alloc, View, Share,
// CopyIn, CopyOut and Free call them with numbers and strings, so no Python
// source is parsed when data changes hands. Run executes Python source (and
// parses it each time): use it for setup and for the computation itself.
// Python exceptions become errors of kind ErrPython wrapping a *PythonError
// with the exception's type, message and traceback.
//
// All errors are *Error values with Op, Kind (one of the Err sentinels, for
// errors.Is), Detail and Fix.
//
// # Threads
//
// A Bridge drives a Pyodide on the calling thread. Only that thread may
// grow Pyodide's memory. The bridge's calls into Python go through one
// internal interface, so a Bridge whose Pyodide runs in a worker can offer
// the same API.
package pyodidebridge
