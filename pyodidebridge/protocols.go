//go:build js && wasm

package pyodidebridge

import (
	"context"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

// The Alloc* protocol helpers need a shared heap (LoadWorker, or Load with
// Options.SharedHeap) and return ErrNotShared otherwise. Their ctx bounds the
// wait for the worker, as for Alloc.

// AllocFrames allocates a zeroed triple-buffer region (atomicsx/LAYOUT.md,
// "Frames") for frames of up to frameBytes in Pyodide's heap and binds the
// Python global name to a sabkit_atomics.FrameWriter over it. The returned
// view aliases the region: pass it to atomicsx.NewFrameReader. Python fills
// name.back() (a writable memoryview of the slot, no copy) and calls
// name.publish_back(nbytes), or name.publish(data) (one copy).
//
// For frames going the other way, Python makes a reader over the same bytes:
// sabkit_atomics.FrameReader(name.addr, frameBytes, owner=name).
// Free(ctx, view) ends the Go side; the Python object keeps the bytes alive.
func AllocFrames(ctx context.Context, b *Bridge, name string, frameBytes int) (*sabview.View[int32], error) {
	if frameBytes < 1 {
		return nil, errorf("AllocFrames", ErrShape, "give a frame size of at least 1 byte", "frameBytes %d", frameBytes)
	}
	return allocRegion(ctx, b, "AllocFrames", name, atomicsx.FramesWords(frameBytes), "FrameWriter", frameBytes)
}

// AllocSeqlock allocates a zeroed Seqlock region for values of up to
// maxBytes and binds name to a sabkit_atomics.Seqlock (write(data),
// read() → (bytes, version)). The view aliases the region: pass it to
// atomicsx.NewSeqlock.
func AllocSeqlock(ctx context.Context, b *Bridge, name string, maxBytes int) (*sabview.View[int32], error) {
	if maxBytes < 1 {
		return nil, errorf("AllocSeqlock", ErrShape, "give a value size of at least 1 byte", "maxBytes %d", maxBytes)
	}
	return allocRegion(ctx, b, "AllocSeqlock", name, atomicsx.SeqlockWords(maxBytes), "Seqlock", maxBytes)
}

// AllocRing allocates a zeroed ring of capacity elements of T and binds name
// to a sabkit_atomics.Ring (push(buffer), pop(buffer), push_all,
// pop_some, counts in elements). The view aliases the region: pass it to
// atomicsx.NewRing[T]. One side pushes, the other pops.
func AllocRing[T sabview.Element](ctx context.Context, b *Bridge, name string, capacity int) (*sabview.View[int32], error) {
	if capacity < 1 {
		return nil, errorf("AllocRing", ErrShape, "give a capacity of at least 1 element", "capacity %d", capacity)
	}
	return allocRegion(ctx, b, "AllocRing", name, atomicsx.RingWords[T](capacity), "Ring", capacity, sabview.TypeOf[T]().Size)
}

// AllocMutex allocates a zeroed (unlocked) mutex word and binds name to a
// sabkit_atomics.Mutex (lock, unlock, try_lock, and a context manager). The
// view aliases the word: pass it to atomicsx.NewMutex(view, 0).
func AllocMutex(ctx context.Context, b *Bridge, name string) (*sabview.View[int32], error) {
	return allocRegion(ctx, b, "AllocMutex", name, 1, "Mutex")
}

// allocRegion needs a shared heap: the Go end (atomicsx) and any other
// thread only work on SharedArrayBuffers.
func allocRegion(ctx context.Context, b *Bridge, op, name string, words int, class string, args ...int) (*sabview.View[int32], error) {
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	if !b.Shared() {
		return nil, errorf(op, ErrNotShared, "use LoadWorker, or Load with Options.SharedHeap (both need cross-origin isolation in a browser)",
			"the heap is a %s; atomicsx and other threads need a SharedArrayBuffer", jsinterop.Tag(b.mem.Get("buffer")))
	}
	v, err := alloc[int32](ctx, b, op, name, dtypeOf[int32](), []int{words}, words)
	if err != nil {
		return nil, err
	}
	if _, err := b.py.request(ctx, op, "region", append([]any{class, name, v.ByteOffset()}, anys(args)...)...); settled(err) != nil {
		b.Free(ctx, v)
		return nil, err
	}
	return v, nil
}
