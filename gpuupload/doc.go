//go:build js && wasm

// Package gpuupload moves bytes between sabkit views and WebGPU buffers with
// as few copies as WebGPU allows: exactly one each way.
//
// # Model
//
// Open acquires an adapter and a device in a page or a DedicatedWorker and
// returns a Device (each thread opens its own). Device.NewBuffer creates
// GPU buffers. Upload, UploadRange and UploadGo write into a buffer through
// queue.writeBuffer; Download reads a buffer back into a view through a
// reused pool of MAP_READ staging buffers; Device.Kernel and Kernel.Dispatch
// run a WGSL compute entry point over buffers, just enough for kernels over
// uploaded data.
//
// # Copies
//
//	operation                      source → destination                         CPU copies
//	Upload(dst, off, view)         view's bytes → GPU (writeBuffer)             1, during the call
//	UploadRange(dst, off, view…)   the chosen elements only → GPU               1, during the call
//	UploadGo(dst, off, []T)        Go heap → GPU (writeBuffer)                  1 (2 if GoUploadCopies says so)
//	Download(ctx, src, off, view)  GPU → staging (GPU copy) → view's bytes      1, after mapAsync
//	Kernel.Dispatch                runs on the GPU over the buffers             0
//	Buffer.JS, Device.JS           the GPUBuffer / GPUDevice themselves         aliases
//
// Views may live in a SharedArrayBuffer, an ArrayBuffer or a
// WebAssembly.Memory such as Pyodide's heap (sabview.FromMemory): Upload
// hands WebGPU the memory's buffer with the view's byte offset, so the bytes
// Python, NumPy or another thread see are the bytes that are copied, and
// Download writes into those same bytes, so Python sees the result without
// another copy.
//
// # Why one copy, and never zero
//
// WebGPU has two ways into a buffer: queue.writeBuffer, which copies the
// source bytes into memory the GPU process owns before returning, and
// mapping, which exposes a buffer as an ArrayBuffer that WebGPU allocates.
// A mapped range is a fresh ArrayBuffer, never a SharedArrayBuffer or a
// window onto a WebAssembly.Memory, so it cannot alias a view: reading it
// into the view, or writing the view into it, is a copy either way. Hence
// one copy is the minimum in both directions, and this package makes no
// more: Upload never stages the bytes in JavaScript, Download copies the
// mapped range straight into the view (the GPU-side copyBufferToBuffer into
// the staging buffer is not a CPU copy).
//
// Go's heap is not shared with JavaScript. UploadGo still makes one copy:
// js.CopyBytesToJS passes its destination's set method a Uint8Array over Go's
// memory at the slice's address, and UploadGo's destination is an array
// whose set method is queue.writeBuffer bound to the buffer, so WebGPU reads
// the Go slice directly, inside one JavaScript call, before any Go allocation
// could grow Go's memory and detach that array. This relies on the
// copyBytesToJS of wasm_exec.js (Go's, in every release so far); it is
// checked once at run time by writing through a probe slice and reading the
// write through the captured array, and when the check fails UploadGo copies
// through a staging array instead (two copies). GoUploadCopies reports which.
//
// # Ordering
//
// Upload copies during the call: a write to the view after Upload returns
// does not reach the GPU, and the view may be reused at once. Writes that
// other threads make to a shared view while Upload runs may or may not be
// included; finish and publish them (package atomicsx) before uploading.
// Download's write into the view happens before Download returns; threads
// that read the view must synchronize with the downloading thread as for any
// other write. WebGPU runs a device's queue in order, so an Upload, a
// Dispatch and a Download issued in that order see each other's results
// without waiting in between.
//
// # Allocation and limits
//
// In steady state (same buffer, same offset) Upload, UploadRange and
// UploadGo allocate nothing in Go: they invoke a bound writeBuffer with
// cached values, and a view over a WebAssembly.Memory hands over its cached
// buffer, which sabview re-reads only after the memory grew. Download
// allocates a few small values per call for its promises, and waits for a
// WebGPU validation error scope together with the map, so that a copy WebGPU
// refused (say, from a buffer destroyed through Buffer.JS) is reported
// instead of returning stale staging bytes; that wait costs small downloads
// some speed against a bare JavaScript readback (the README's benchmark
// section has the figures). Writes larger than the write chunk
// (Options.WriteChunk, 64 MiB by default) go out in several writeBuffer calls and
// downloads larger than the staging size (Options.StagingSize) in several
// rounds; each byte is still copied once. writeBuffer and copyBufferToBuffer
// need offsets and sizes that are multiples of 4: misaligned calls return
// ErrMisaligned rather than padding silently. By default Open asks for the
// adapter's maxBufferSize and maxStorageBufferBindingSize, so buffers as
// large as the adapter allows work.
//
// # Errors
//
// Every error is an *Error (sabkit's one error type) with Op, Kind, Detail
// and Fix; Kind is one of the sentinels (ErrNoWebGPU, ErrNoAdapter,
// ErrDevice, ErrDeviceLost, ErrMisaligned, ErrOutOfRange, ErrSize,
// ErrUsage, ErrFreed, ErrView, ErrShader, ErrDispatch, ErrForeign) or,
// when a context ended, ErrCanceled wrapping ctx.Err(), so errors.Is works
// for both. A JavaScript exception is wrapped as Err,
// with the exception's name and message as its text; a Go bug inside a call
// into WebGPU stays a panic. WebGPU's asynchronous validation errors in
// Download and Dispatch are caught with error scopes and returned.
//
// # Where it runs
//
// Chrome and Edge 113+ and Safari 26+ have WebGPU in secure contexts.
// Chromium on Linux, and headless Chromium, need --enable-unsafe-webgpu
// (then SwiftShader provides a software adapter, in pages and workers).
// Node has no WebGPU: Open returns ErrNoWebGPU there.
package gpuupload
