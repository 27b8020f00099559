// Package sharedheap runs Pyodide on a shared heap: its WebAssembly memory is
// a SharedArrayBuffer, so Python in a worker and the UI thread read and write
// the same bytes with no copy.
//
// Stock Pyodide declares its memory unshared. The JavaScript half of this
// package, sharedheap.js (embedded as Script, served from Assets), makes it
// shared in the thread that runs Pyodide, before Pyodide loads:
//
//   - Rewriting: shareMemory is the JavaScript twin of internal/wasmrewrite
//     (the same test vectors): memory-section limits become shared, memory
//     imports become shared with a maximum of 65536 pages when they have
//     none, already-shared modules are returned as they are, and malformed or
//     unsupported modules throw a ShareError saying what is wrong and where.
//   - Hooks: install() wraps WebAssembly.Module (in a Proxy, so instanceof
//     keeps working), compile, instantiate (bytes; the Module form passes
//     through) and compileStreaming / instantiateStreaming (which become
//     buffer-then-compile), so pyodide.asm.wasm, Pyodide's call trampoline
//     and wheel side modules are all compiled shared. Modules without a
//     memory pass through; the check parses only the header, section
//     framing, import and memory sections. Note that the hooks apply to
//     every module compiled in that thread.
//   - Shims (browsers only; Node needs none): TextDecoder.prototype.decode,
//     Crypto.prototype.getRandomValues and TextEncoder.prototype.encodeInto
//     refuse views on shared memory, and Pyodide calls all three with views
//     on its heap. The Blob, File and Response constructors are wrapped too:
//     Chromium and Firefox refuse shared views there, and WebKit stores their
//     text ("104,105") instead of their bytes. Each shim copies through a
//     private buffer, only for shared views. stats() counts rewrites, hook
//     calls and shim hits.
//
// Go reaches the same code through Load (Pyodide on this thread, hooks and
// shims installed first) and WorkerNamespace: sabkitWorker, the client half
// of worker.js (embedded as WorkerScript), whose start() boots Pyodide in a
// DedicatedWorker, or a worker_threads Worker under Node, that posts its
// heap's WebAssembly.Memory back. pyodidebridge drives that worker from Go;
// FromJS maps the errors of both scripts to *Error. Pyodide 314
// and 315 keep that Memory in pyodide._module.memory and define it in
// pyodide.asm.wasm (the memory section is rewritten); 0.27 to 0.29 import it
// and create it in JavaScript, so while Pyodide boots WebAssembly.Memory
// makes memories with a maximum shared and the heap's one is remembered.
// A module that still does not link fails the boot at once (ErrLink), where
// Emscripten alone would wait forever.
//
// # Aliasing and copying
//
//	Operation                                   Aliases or copies
//	client.memory (posted WebAssembly.Memory)   aliases the worker's whole heap
//	sabview.FromMemory over client.memory       aliases Python's array bytes
//	Heap.Memory (Load)                          aliases this thread's Pyodide heap
//	run reply                                   copies (structured clone of a JSON-able value)
//	call reply of bytes                         copies: the worker's copy is transferred
//	shims                                       copy shared input into a private buffer
//	shareMemory / rewrite                       copies the module when it changes it
//
// Only the worker grows its heap. Growth replaces memory.buffer by a larger
// SharedArrayBuffer over the same bytes; views made earlier keep their old
// length, so re-derive a view when view.buffer.byteLength differs from
// memory.buffer.byteLength (sabview.FromMemory does). Growing the heap from
// another thread would leave Emscripten's own views stale.
//
// The client's cancel(id) skips a request the worker has not started, and
// gives a running user request (run, call, loadPackage) KeyboardInterrupt
// through Pyodide's interrupt buffer. A worker that dies is noticed without
// a request (a Web Lock the worker holds for its life, Pyodide's fatal-error
// hook, the worker's error and exit events): onDeath runs, and its pending
// and later requests fail with a WorkerDeadError. terminate() ends the
// worker at once.
//
// Ordering: plain reads and writes through a shared view carry no ordering
// across threads. The worker serves requests one at a time, and the reply
// (posted, or written to the shared channel with Atomics) orders
// everything before it: what Python wrote before a run's reply is visible
// here after it arrives, and what this thread wrote before sending the
// request is visible to that run. For concurrent hand-offs use Atomics
// (package atomicsx).
//
// # Worker protocol
//
// assets/worker.js documents it in its header: the client posts
// {op: "init", indexURL, baseURL, shared, lockName, control, calls, helpers}; the
// worker takes the Web Lock lockName for its life, answers {type: "alive"},
// then {type: "ready", memory, version, shared, memoryProperty, stats} or
// {type: "error", error}, and {type: "fatal", error} if Pyodide fails
// fatally later; control is the shared block for interrupts and cancel
// marks, calls the shared request channel. Then requests {id, op, args}
// with op run, call, loadPackage, stdin, info, close or one the helper
// module lists get {id, ok, result} or {id, ok: false, error: {type,
// message, traceback}} (or {id, ok: false, skipped: true} for a request
// canceled before it ran). Python's output arrives as {type: "stdout" |
// "stderr", text}. input() reads lines queued with op stdin; an empty queue
// is end of file.
//
// # Without isolation
//
// Outside a cross-origin-isolated page there is no SharedArrayBuffer and a
// shared Memory cannot be posted: Load and a shared worker's start() fail
// with ErrNotIsolated (through FromJS) naming the COOP/COEP headers. The fallback is the
// same-thread bridge (pyodidebridge), which copies between threads.
package sharedheap
