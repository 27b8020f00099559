//go:build js && wasm

package pyodidebridge

import (
	"context"
	"errors"
	"reflect"

	"github.com/sabkit/sabkit/sabview"
)

// Free releases memory the bridge holds for v, a *sabview.View of any
// element type (from Alloc, CopyIn or ViewOf; any Sub or Cast of such a view
// frees the whole allocation): every view under it returns a
// sabview.ErrRevoked error from then on. For Alloc and CopyIn it also
// deletes the global the bridge bound, if it still refers to the array;
// Python names that still refer to the bytes keep them alive. For ViewOf it
// unpins the Python object, which Python may then resize.
//
// The views are revoked at once. When ctx ends before the worker could
// release the memory (behind a long Run), Free returns ErrCanceled and the
// release is retried by the bridge's next call.
func (b *Bridge) Free(ctx context.Context, v interface{ Lease() *sabview.Lease }) error {
	const op = "Free"
	if err := b.usable(op); err != nil {
		return err
	}
	if isNil(v) {
		return errorf(op, ErrView, "pass a view from Alloc, ViewOf or CopyIn", "nil view")
	}
	lease := leaseOf(v)
	e, ok := b.takeEntry(lease)
	if !ok {
		return errorf(op, ErrNotOwned, "free each view from Alloc, ViewOf or CopyIn once",
			"the view was not made by this bridge, or was freed already")
	}
	lease.Revoke(&Error{Package: "pyodidebridge", Op: op, Kind: ErrFreed, Detail: "the memory was freed with Bridge.Free"})
	if err := b.begin(ctx, op); err != nil {
		b.queueRelease(e.handle)
		return err
	}
	return b.releaseLater(ctx, e.handle)
}

// releaseLater releases a Python-side entry, or queues it for the next call
// when ctx ended first.
func (b *Bridge) releaseLater(ctx context.Context, handle int) error {
	err := b.release(ctx, handle)
	if errors.Is(err, ErrCanceled) {
		b.queueRelease(handle)
	}
	return err
}

// queueRelease leaves a release for the bridge's next call.
func (b *Bridge) queueRelease(handle int) {
	b.mu.Lock()
	b.orphans = append(b.orphans, handle)
	b.mu.Unlock()
}

// Shape returns the shape of the array behind v (the Python object's shape
// for ViewOf), or nil when the bridge does not hold v's memory.
func (b *Bridge) Shape(v interface{ Lease() *sabview.Lease }) []int {
	if b == nil {
		return nil
	}
	if e, ok := b.entryOf(leaseOf(v)); ok && e.lease != nil {
		return append([]int(nil), e.shape...)
	}
	return nil
}

// leaseOf returns v's lease, or nil for a nil interface or nil pointer
// (whose Lease method would dereference nil).
func leaseOf(v leased) *sabview.Lease {
	if isNil(v) {
		return nil
	}
	return v.Lease()
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// isNil reports whether v is a nil interface or a nil pointer.
func isNil(v leased) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
