//go:build js && wasm

package pyodidebridge

import (
	"context"

	"github.com/sabkit/sabkit/sabview"
)

// Share binds the Python global name to an array that aliases v's bytes
// (no copy, so its cost does not depend on the size): an ndarray (or memoryview) with T's dtype and the given shape
// (default: one dimension of v.Len()). v must lie in this bridge's heap, such
// as a view from Alloc, ViewOf or CopyIn or a Sub of one; any other view (a
// SharedArrayBuffer, another module's memory) returns ErrOutsideHeap, because
// Python can only address its own heap: copy such data in with CopyIn.
//
// When v's bytes belong to memory the bridge holds (Alloc, ViewOf, CopyIn), the
// Python array keeps that memory alive by itself, even after Free. For other
// views of the heap the caller must keep the bytes allocated while Python
// uses the name.
func Share[T sabview.Element](ctx context.Context, b *Bridge, name string, v *sabview.View[T], shape ...int) error {
	const op = "Share"
	if err := checkName(op, name); err != nil {
		return err
	}
	if err := b.begin(ctx, op); err != nil {
		return err
	}
	if v == nil {
		return errorf(op, ErrView, "pass a view from Alloc, ViewOf or CopyIn", "nil view")
	}
	handle, offset, err := b.heapRef(op, v, v.ByteOffset(), v.Lease())
	if err != nil {
		return err
	}
	if len(shape) == 0 {
		shape = []int{v.Len()}
	}
	if _, err := checkShape(op, shape, v.Len()); err != nil {
		return err
	}
	d := dtypeOf[T]()
	key := shareKey{name: name, offset: offset, n: v.ByteLength(), format: d.Format, ndim: len(shape)}
	if handle != 0 {
		key.lease = v.Lease()
	}
	return b.share(ctx, key, handle, shape)
}

// share performs a binding, through a prepared one when the same arguments
// were shared before.
func (b *Bridge) share(ctx context.Context, key shareKey, handle int, shape []int) error {
	cacheable := len(shape) <= maxCachedDims
	if cacheable {
		copy(key.shape[:], shape)
		b.mu.Lock()
		binding, ok := b.shares[key]
		b.mu.Unlock()
		if ok {
			_, err := b.py.request(ctx, "Share", "rebind", binding)
			return settled(err)
		}
	}
	r, err := b.py.request(ctx, "Share", "prepare", withShape([]any{key.name, handle, key.offset, key.n, key.format}, shape)...)
	if err = settled(err); err != nil {
		return err
	}
	binding := r.Int()
	if !cacheable {
		_, err := b.py.request(ctx, "Share", "forget", binding)
		return settled(err)
	}
	evicted := -1
	b.mu.Lock()
	if len(b.shares) >= maxCachedShares {
		for k, id := range b.shares {
			delete(b.shares, k)
			evicted = id
			break
		}
	}
	b.shares[key] = binding
	b.mu.Unlock()
	if evicted >= 0 {
		_, err := b.py.request(ctx, "Share", "forget", evicted)
		return settled(err)
	}
	return nil
}
