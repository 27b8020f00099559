//go:build js && wasm

// Package pyodidebridge lets Go (and JavaScript) share arrays with Python
// running in Pyodide, without copying: Pyodide on the same thread (Attach,
// Load), or on a shared heap in a worker (LoadWorker), where Python computes
// off the UI thread and the UI thread reads its arrays in place.
//
// # The model
//
// Pyodide's Python can address only its own heap, one WebAssembly.Memory.
// Go's heap is never shared, and a SharedArrayBuffer is a third memory that
// Python cannot address either. So the shared bytes live in Pyodide's heap:
// Python owns them, a Python name refers to them as a NumPy ndarray (or, when
// NumPy is not importable, a memoryview cast to the element format and
// shape), and Go holds a sabview.View over the same bytes. On one thread,
// writes on either side are visible to the other at once and there is no
// synchronisation to do, because Go, JavaScript and Python run one at a
// time. Across threads, see "Worker mode" below.
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
//	ViewOf[T](b, name)                   aliases (pins the object)  existing name, unchanged
//	Share(b, name, view, shape...)       aliases (view in heap)     name → ndarray/memoryview
//	CopyIn(b, name, src, shape...)       copies src once            name → new ndarray/memoryview
//	CopyOut(b, name, dst)                copies once into dst       none
//	b.Call / Func.Call, view argument    aliases (view in heap)     none (the argument is an ndarray/memoryview)
//	b.Call / Func.Call, []byte / bytes   copies (argument, result)  none; numbers, str, None are values
//	View.CopyFrom / CopyTo (sabview)     copies once, Go ↔ heap     none
//	pyodide.globals.set + .to_py()       copies (not this package)  a private copy
//
//	With LoadWorker (Pyodide in a worker, shared heap)
//	Memory()                             aliases the worker's heap  (a shared WebAssembly.Memory)
//	Alloc / ViewOf / Share               alias, as above, across threads: this thread reads Python's bytes in place
//	CopyIn / CopyOut                     copy once, as above
//	Run                                  sends the source; nothing is copied back (use arrays)
//	Call / Func.Call                     one request, no source: views alias, []byte and bytes results copy
//	AllocFrames/Seqlock/Ring/Mutex       alias: one region, a Go view and a Python object (shared heap only)
//	FrameWriter.back() (Python)          aliases the back slot; publish(data) copies data once
//	atomicsx FrameReader.Take / Front    Take copies the frame into Go; Front aliases the slot
//
//	Without cross-origin isolation (no SharedArrayBuffer)
//	LoadWorker, Load{SharedHeap: true}   fail with ErrNotIsolated
//	Load (same thread, stock heap)       works; moving data to another thread means copying it
//
// Every view returned by Alloc, ViewOf and CopyIn follows the heap when Python
// grows it: a growth replaces the heap's ArrayBuffer (a stock heap's growth
// also detaches every typed array over the old one), and the sabview views
// re-derive theirs, so Go never reads a stale or detached buffer.
// JavaScript code should fetch view.Array() again after anything that may
// run Python, rather than keep it.
//
// # Lifetimes
//
// The bridge keeps each allocation (and each object ViewOf pins) alive until
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
// Every operation of the bridge is one request of a fixed vocabulary to a
// small helper module (sabkit_bridge.py, embedded in the Go binary):
// alloc, export, prepare, rebind, forget, release, numpy, resolve, unpin,
// call and region, with numbers and strings as arguments. Attach and
// LoadWorker install the module into Pyodide's file system and take its
// request functions once, by reference, outside __main__: nothing the user
// binds or deletes in __main__ (__import__, __builtins__, len) changes how
// they run, and no Python source is parsed for them. Run is the one
// operation that parses source, the user's own: use it for setup. Call and
// Func call a Python callable by dotted name with numbers, strings, bytes,
// None and heap views as arguments.
//
// On a worker bridge every request travels the same way, through one client
// (internal/sharedheap's worker.js lists the vocabulary): over a shared
// channel with Atomics while the worker spins for the next request and
// nothing else is pending, by postMessage otherwise, so a thread that
// sleeps is woken by a message. The worker listens with Atomics.waitAsync,
// so its event loop stays free, and it serves requests in the order they
// were made.
// Python exceptions become errors of kind ErrPython wrapping a *PythonError
// with the exception's type, message and traceback.
//
// All errors are *Error values (sabkit.Error, the one error type of every
// sabkit package) with Op, Kind (one of the Err sentinels, for errors.Is),
// Detail and Fix. An ErrCanceled error also matches the
// context's error (context.Canceled or context.DeadlineExceeded).
//
// # Shared heap
//
// Options.SharedHeap makes Load boot Pyodide with its heap in a
// SharedArrayBuffer (internal/sharedheap: WebAssembly compilation in this
// thread is hooked so Pyodide's modules declare their memory shared, and in
// browsers three Web APIs that refuse shared views are shimmed). Memory()
// can then be posted to workers, which view the same bytes. A shared heap
// never detaches on growth: an old typed array stays valid but keeps its
// old length; sabview views re-derive when memory.buffer.byteLength
// changes. Python's speed on a shared heap against stock Pyodide is in the
// README (go test ./internal/sharedheap -run Browser -bench PythonSpeed).
//
// # Worker mode
//
// LoadWorker boots shared-heap Pyodide in a DedicatedWorker (worker_threads
// under Node) and returns a Bridge with the same API. The worker posts its
// heap's WebAssembly.Memory; views are sabview.FromMemory over it, so this
// thread reads and writes Python's arrays in place while Python runs in the
// worker. Only the worker grows the heap (growing it from another thread
// would leave Emscripten's own views stale); views here re-derive.
//
// Every call into Python (Alloc, ViewOf, Share, Free, Run, ...) is a request
// to the worker, served in order; Run is asynchronous for Go (it parks the
// goroutine), and Python exceptions arrive as the same *PythonError. A long
// Run may go on in one goroutine while another reads frames; bridge calls
// made meanwhile wait for it, for as long as their context allows.
//
// # Faults
//
// Every call takes a context.Context, and nothing waits without one. What
// happens when Python loops, crashes or dies, on a LoadWorker bridge:
//
//	Fault                                   What the caller sees
//	context ends, call still queued         ErrCanceled (and ctx.Err()) saying "skipped"; the worker skips the call
//	context ends during Run or Call         KeyboardInterrupt in Python; ErrCanceled saying "interrupted"; the worker is ready
//	  ... Python blocked outside bytecode   after 1 s more, ErrCanceled saying Python keeps running
//	  ... Python finished first             the call's result, no error
//	context ends during bookkeeping         it runs to completion: Alloc, ViewOf, CopyIn and Func release what
//	(Alloc, ViewOf, Share, Free, ...)       they made and return ErrCanceled saying "ran to completion";
//	                                          Share, Free and NumPy return their result
//	an interrupt noticed after its Run      dropped: KeyboardInterrupt reaches only the canceled request
//	context ends during Free                the views are revoked at once; the release runs with the next call
//	Python exception                        ErrPython wrapping *PythonError; the worker is ready
//	MemoryError (heap full)                 ErrPython with Type "MemoryError"; the worker is ready
//	wasm trap / Pyodide fatal error         ErrWorkerDead for the pending call, within 1 s
//	js.close(), self.close(), terminate()   ErrWorkerDead, noticed within 1 s without a call
//	after the worker died                   every view: sabview.ErrRevoked wrapping ErrWorkerDead;
//	                                        every call: ErrWorkerDead at once; LoadWorker starts afresh
//	Close (whatever Python is doing)        returns at once: views revoked (ErrClosed), worker terminated,
//	                                        pending calls fail with ErrClosed
//	boot failure (bad files, loader throws) LoadWorker: ErrLoad naming the URL and, for HTTP, "404 Not Found"
//	the browser refuses the heap            LoadWorker: ErrLoad at once ("refused to create Pyodide's heap"), with a
//	  (RangeError; WebKit with many heaps)  Fix; ended heaps come back when the page collects them
//	Pyodide lacking a feature, or whose     ErrVersion naming the feature and TestedRange, at once: a shared
//	modules do not link on a shared heap    module that fails to link never leaves loadPyodide unsettled
//	reserved names                          ErrName for keywords, dunder names (__builtins__, __import__),
//	                                        and the _sabkit prefix, before any call
//
// The worker holds a Web Lock for its whole life; the lock manager releases
// it when the worker ends for any reason, which is how the bridge notices a
// death while no call is pending (worker_threads' exit event under Node).
// Pyodide's fatal-error hook reports a trap and ends the worker, whose heap
// cannot be trusted any more.
//
// Code without top-level await runs synchronously in the worker, where
// KeyboardInterrupt unwinds cleanly. Code that awaits runs through Pyodide's
// event loop, which an interrupt can leave unsettled: if such a Run reports
// that Python keeps running, later calls wait behind it (each bounded by its
// context); Close and LoadWorker again.
//
// On the same-thread bridge (Attach, Load) Python holds the calling thread
// while it runs, so nothing can interrupt it: a context that ends while Run
// awaits returns ErrCanceled, and the Python code carries on when it
// resumes.
//
// Ordering: what Python wrote before a Run returned is visible here after it
// returns, and what Go wrote before calling Run is visible to it. While
// Python runs, plain accesses carry no ordering across threads: hand data
// over with the atomicsx protocols.
//
// # Protocols across languages
//
// The Python module sabkit_atomics (embedded in the Go binary and installed
// by Attach, Load and LoadWorker) implements atomicsx/LAYOUT.md over heap
// addresses, with js.Atomics on an Int32Array over Pyodide's heap:
// Mutex(addr), Seqlock(addr, max_bytes).write/read,
// FrameWriter(addr, frame_bytes).back()/publish_back(n)/publish(data),
// FrameReader(addr, frame_bytes).take/next, and
// Ring(addr, capacity, itemsize).push/pop/push_all/pop_some. AllocFrames,
// AllocSeqlock, AllocRing and AllocMutex allocate a zeroed region in the
// heap, bind a Python name to the protocol object (FrameWriter for frames)
// and return the region as the *sabview.View[int32] that atomicsx's
// NewFrameReader, NewSeqlock, NewRing and NewMutex take; they need a shared
// heap (ErrNotShared otherwise), since atomicsx works on SharedArrayBuffers
// only. Python blocks in
// Atomics.wait where the thread may block (a worker) and spins elsewhere;
// Go on the browser's main thread waits with Atomics.waitAsync (Next,
// PopContext, LockContext, WaitNewer).
//
// # Pyodide versions
//
// The bridge detects what it needs rather than checking the version:
// pyodide._module.HEAPU8 (the heap's view), the FS and pyimport API, and the
// heap's WebAssembly.Memory where Pyodide exposes it (_module.memory from
// 314 on). TestedPyodide() is the tested range (0.27.7, 0.28.3, 0.29.5, 314.0.7
// and 315.0.0-alpha.2, all three modes on each); a release outside it that
// has these features works, untested, and one that lacks one returns
// ErrVersion naming it and the range. 0.27 to 0.29 keep their Memory
// private: a bridge attached to one on a stock heap has a stand-in Memory()
// that follows HEAPU8.buffer (views work; it cannot be grown or posted),
// and on a shared heap the Memory created while Pyodide booted.
//
// # Without isolation
//
// A page without Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp has no SharedArrayBuffer:
// LoadWorker and Load with SharedHeap fail with ErrNotIsolated, whose Fix
// names the headers. The fallback is Load on the calling thread (stock
// heap): the bridge works as on any page, and data that must reach another
// thread is copied (CopyOut, or postMessage of a copy).
package pyodidebridge
