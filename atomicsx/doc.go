//go:build js && wasm

// Package atomicsx gives Go (GOOS=js GOARCH=wasm) the JavaScript Atomics
// operations on shared memory, with typed errors instead of exceptions, and
// four small synchronisation protocols whose byte layouts JavaScript and
// Python implement identically (LAYOUT.md). The JavaScript implementation
// ships with the package (JSModule: assets/sabkit-atomics.mjs, served by `sabkit
// serve` at /sabkit/sabkit-atomics.mjs) for a page's own JavaScript, and the
// tests run it against this one across threads.
//
// Go's own heap is never shared with other threads. The memory here is a
// SharedArrayBuffer (or a shared WebAssembly.Memory, such as a shared-heap
// Pyodide's) reached through a sabview.View, which other threads see too.
//
// # Raw operations
//
// Load, Store, Add, Sub, And, Or, Xor, Exchange, CompareExchange and Notify
// act on element i of a *sabview.View[int32]; Load64 … CompareExchange64 on
// a *sabview.View[int64] (a BigInt64Array). Each checks the view and index in
// Go first, so the JavaScript call cannot throw, and then makes one
// syscall/js Invoke of a cached function; a view over a WebAssembly.Memory
// adds the view's growth check, one more call. None allocates in Go. The
// 64-bit forms rebuild a BigInt from two 32-bit halves in a small JavaScript
// helper, and return results beyond ±2^53 through an 8-byte scratch buffer,
// one bulk copy more. BenchmarkOps measures each against a bare Invoke; the
// README lists the figures.
//
// Wait blocks the thread in Atomics.wait. js/wasm Go runs all goroutines and
// timers on that one thread, so while Go is blocked in Wait nothing else in
// the program runs: use it in Workers that do nothing else. On the browser
// main thread, where Atomics.wait throws, Wait returns ErrMainThread up front
// (CanBlock reports which case applies). WaitContext is built on
// Atomics.waitAsync and a channel: only the calling goroutine parks, it
// works on the main thread, and it honours context cancellation and
// deadlines. Where an engine has no Atomics.waitAsync (Firefox ESR 140), a
// helper worker blocks in Atomics.wait instead and posts the result back;
// feature detection picks it. Cancelling such a wait wakes its helper (by a
// Notify on the element, so other waiters on it may wake spuriously and
// re-check, as the protocols do) and returns once the helper is back in the
// pool. While it waits, WaitContext also reads the element at a fixed
// interval, which survives WebKit's lost waitAsync wake-ups.
//
// # Protocols
//
//	Mutex        one int32 word       Lock, LockContext, TryLock, Unlock
//	Seqlock      one writer, many readers; readers retry and never see a torn value
//	FrameWriter/FrameReader  triple buffer: the writer publishes without waiting,
//	             the reader takes the latest complete frame; frame numbers, dropped count
//	Ring[T]      wait-free SPSC queue, ringbuf.js's layout, batch Push/Pop
//
// Regions are *sabview.View[int32] sized with SeqlockWords, FramesWords and
// RingWords. Zeroed shared memory is a valid initial state for every
// protocol, so no party has to initialise a region before the others attach.
//
// # Byte layouts (little-endian int32 words; details in LAYOUT.md)
//
//	Mutex    word:  0 unlocked, 1 locked, 2 locked and maybe waited on
//	Seqlock  [0] sequence (odd while a write is in progress; version = sequence/2)
//	         [1] value length in bytes   [2…] value bytes (from byte 8)
//	Frames   [0] latest slot | 4 while not yet taken   [1] writer's slot + 1
//	         [2] reader's slot + 1   [3] published   [4] taken   [5] dropped
//	         [6,7] reserved, 0       then 3 slots of [frame number, length, bytes…]
//	Ring     [0] write index   [1] read index   elements from byte 8,
//	         capacity+1 slots (one always empty)
//
// # Aliasing and copies
//
//	Operation                                   Aliases or copies
//	Load … CompareExchange, *64, Notify, Wait   act in place on the shared word
//	Seqlock.Write                               copies Go → shared memory, once
//	Seqlock.Read                                copies shared memory → Go, once per attempt
//	FrameWriter.Publish                         copies Go → the back slot, once
//	FrameWriter.Back, PublishBack               Back aliases the back slot; PublishBack copies nothing
//	FrameReader.Take, Next                      copy the taken slot → Go, once
//	FrameReader.Front                           aliases the reader's slot until the next Take
//	Ring.Push, PushContext                      copy Go → ring slots (bulk, ≤ 2 runs)
//	Ring.Pop, PopContext                        copy ring slots → Go (bulk, ≤ 2 runs)
//
//	JSModule (sabkit-atomics.mjs), in JavaScript
//	FrameReader.take                            aliases: bytes is a view of the slot until the next take
//	FrameWriter.publish, Seqlock.write          copy the given bytes into the region, once
//	Seqlock.read, Ring.push / pop               copy into or out of the region, once (bulk TypedArray.set)
//
// Copies are unavoidable between Go's private heap and shared memory; each is
// one bulk js.CopyBytesToJS/ToGo, never element by element.
//
// # Memory ordering
//
// In the terminology of the ECMAScript memory model, every operation in this
// package that reads or writes a word (Load, Store, the read-modify-write
// operations, and the words the protocols use) is a sequentially consistent
// atomic: all of them, in every agent (Go, JavaScript or Python threads using
// Atomics), appear to happen in a single total order, and if an atomic write
// A is observed by an atomic read B then A synchronizes with B, so every plain
// write made before A (TypedArray stores, sabview Set and CopyFrom) is
// visible to every plain read made after B. This is the guarantee that
// sync/atomic gives Go's memory model, across threads and languages.
//
// The protocols build on it: an Unlock synchronizes with the Lock that next
// acquires the mutex; a Publish synchronizes with the Take that gets its
// frame, so the frame's bytes are complete; a Push synchronizes with the Pop
// that returns its elements. A Seqlock copies its payload with plain
// accesses while a write may be running, as every seqlock does: its reader
// validates the copy with the sequence word and retries, so the bytes it
// returns were written by exactly one Write. Its readers and writers
// bracket the plain copies with atomic read-modify-write operations, which
// the JavaScript memory model orders with the same thread's plain accesses;
// the Seqlock assumes nothing of an engine beyond that model.
package atomicsx
