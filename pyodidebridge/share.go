//go:build js && wasm

package pyodidebridge

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// View returns a view of the Python object bound to the global name, which
// must support the buffer protocol (a NumPy ndarray, array.array, bytearray,
// memoryview, ...), be writable and C-contiguous, and hold elements of T's
// type and size. The view aliases the object's bytes, flat in C order
// (Shape gives the object's shape). The bridge pins the object until Free or
// Close: Python cannot resize it meanwhile (it raises BufferError), so its
// address stays valid.
func View[T sabview.Element](ctx context.Context, b *Bridge, name string) (*sabview.View[T], error) {
	const op = "View"
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	d := dtypeOf[T]()
	info, err := b.py.export(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := checkExport(op, name, d, info); err != nil {
		if info.handle != 0 {
			b.py.release(ctx, info.handle)
		}
		return nil, err
	}
	return track[T](ctx, b, op, info.handle, info.addr, info.nbytes/d.size, info.shape, "")
}

func checkExport(op, name string, d dtype, info bufferInfo) error {
	switch info.status {
	case "ok":
	case "missing":
		return errorf(op, ErrName, "bind the name in Python first, or check its spelling", "no Python global %q", name)
	case "notbuffer":
		return errorf(op, ErrNotBuffer, "bind the name to a NumPy array, array.array, bytearray or memoryview",
			"%s is a %s, which does not support the buffer protocol", name, info.format)
	case "readonly":
		return errorf(op, ErrLayout, "use a writable buffer, such as bytearray(...) instead of bytes, or a copy",
			"%s is read-only, and Go views write", name)
	case "noncontiguous":
		return errorf(op, ErrLayout, "make a contiguous copy in Python first (numpy.ascontiguousarray(x) or x.copy())",
			"%s is not C-contiguous (shape %v)", name, info.shape)
	case "empty":
		return errorf(op, ErrLayout, "use a buffer with at least one element", "%s holds no bytes", name)
	default:
		return errorf(op, ErrNotBuffer, "", "helper reported %q for %s", info.status, name)
	}
	if info.kind != d.kind || info.itemsize != d.size {
		fix := fmt.Sprintf("convert in Python (for NumPy, x.astype(%q))", d.format)
		if g := goTypeFor(info.kind, info.itemsize); g != "" {
			fix = fmt.Sprintf("use View[%s], or %s", g, fix)
		}
		return errorf(op, ErrDType, fix, "%s holds %q elements of %d bytes; View[%s] wants %q", name, info.format, info.itemsize, d.goName, d.format)
	}
	if info.addr%d.size != 0 {
		return errorf(op, ErrLayout, "make an aligned copy in Python first (x.copy())",
			"%s starts at address %d, not a multiple of %d", name, info.addr, d.size)
	}
	return nil
}

// Share binds the Python global name to an array that aliases v's bytes
// (no copy, so its cost does not depend on the size): an ndarray (or memoryview) with T's dtype and the given shape
// (default: one dimension of v.Len()). v must lie in this bridge's heap, such
// as a view from Alloc, View or CopyIn or a Sub of one; any other view (a
// SharedArrayBuffer, another module's memory) returns ErrOutsideHeap, because
// Python can only address its own heap: copy such data in with CopyIn.
//
// When v's bytes belong to memory the bridge holds (Alloc, View, CopyIn), the
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
		return errorf(op, ErrOutsideHeap, "pass a view from Alloc, View or CopyIn", "nil view")
	}
	if mem, ok := v.Memory(); !ok || !mem.Equal(b.mem) {
		return errorf(op, ErrOutsideHeap,
			"copy it in with pyodidebridge.CopyIn (one copy), or allocate it in Pyodide's heap with Alloc and write there",
			"%v is not in this Pyodide's heap", v)
	}
	if l := v.Lease(); l != nil && l.Revoked() {
		return errorf(op, ErrFreed, "share a live view", "%v was freed", v)
	}
	if len(shape) == 0 {
		shape = []int{v.Len()}
	}
	if _, err := checkShape(op, shape, v.Len()); err != nil {
		return err
	}
	d := dtypeOf[T]()
	key := shareKey{name: name, offset: v.ByteOffset(), n: v.ByteLength(), format: d.format, ndim: len(shape)}
	handle := 0
	if e, ok := b.entryOf(v.Lease()); ok {
		key.lease, key.offset, handle = e.lease, v.ByteOffset()-e.addr, e.handle
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
			return b.py.rebind(ctx, binding)
		}
	}
	binding, err := b.py.prepare(ctx, key.name, handle, key.offset, key.n, key.format, shape)
	if err != nil {
		return err
	}
	if !cacheable {
		return b.py.forget(ctx, binding)
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
		return b.py.forget(ctx, evicted)
	}
	return nil
}

// CopyIn allocates a new array in Pyodide's heap as Alloc does (binding
// name; shape defaults to one dimension of src.Len()) and copies src's bytes
// into it: exactly one copy, in bulk by JavaScript. src may be any view: a
// SharedArrayBuffer, another WebAssembly memory, or even this heap. Later
// writes to src do not reach Python, nor the reverse; the returned view
// aliases the new Python array.
func CopyIn[T sabview.Element](ctx context.Context, b *Bridge, name string, src *sabview.View[T], shape ...int) (*sabview.View[T], error) {
	const op = "CopyIn"
	if err := b.usable(op); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errorf(op, ErrShape, "pass a view to copy", "nil view")
	}
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	if len(shape) == 0 {
		shape = []int{src.Len()}
	}
	n, err := checkShape(op, shape, src.Len())
	if err != nil {
		return nil, err
	}
	// Check src before allocating, so a freed source costs nothing.
	if _, err := src.Bytes(); err != nil {
		return nil, &Error{Op: op, Kind: ErrNotOwned, Detail: "reading the source view", Err: err}
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	dst, err := alloc[T](ctx, b, op, name, dtypeOf[T](), shape, n)
	if err != nil {
		return nil, err
	}
	// The allocation may have grown the heap: fetch both arrays afterwards.
	from, err1 := src.Bytes()
	to, err2 := dst.Bytes()
	if err1 != nil || err2 != nil {
		b.Free(ctx, dst)
		return nil, &Error{Op: op, Kind: ErrNotOwned, Detail: "re-reading the views after allocating", Err: firstErr(err1, err2)}
	}
	to.Call("set", from)
	return dst, nil
}

// CopyOut copies the Python buffer bound to name into dst: exactly one copy,
// in bulk by JavaScript, of a buffer that View would accept. dst must hold at
// least as many elements; it returns the number copied. Later writes on
// either side do not reach the other. To copy into a Go slice, use View and
// the view's CopyTo (also one copy), then Free.
func CopyOut[T sabview.Element](ctx context.Context, b *Bridge, name string, dst *sabview.View[T]) (int, error) {
	const op = "CopyOut"
	if dst == nil {
		return 0, errorf(op, ErrShape, "pass a destination view", "nil view")
	}
	if err := checkName(op, name); err != nil {
		return 0, err
	}
	if err := b.begin(ctx, op); err != nil {
		return 0, err
	}
	d := dtypeOf[T]()
	info, err := b.py.export(ctx, name)
	if err != nil {
		return 0, err
	}
	if info.handle != 0 {
		defer b.releaseLater(ctx, info.handle)
	}
	if err := checkExport(op, name, d, info); err != nil {
		return 0, err
	}
	n := info.nbytes / d.size
	if dst.Len() < n {
		return 0, errorf(op, ErrShape, fmt.Sprintf("pass a view of at least %d elements", n),
			"%s has %d elements, dst only %d", name, n, dst.Len())
	}
	to, err := dst.Bytes()
	if err != nil {
		return 0, &Error{Op: op, Kind: ErrNotOwned, Detail: "writing the destination view", Err: err}
	}
	from := js.Global().Get("Uint8Array").New(b.mem.Get("buffer"), info.addr, info.nbytes)
	if n < dst.Len() {
		to = to.Call("subarray", 0, info.nbytes)
	}
	to.Call("set", from)
	return n, nil
}

// Free releases memory the bridge holds for v (from Alloc, CopyIn or View;
// any Sub or Cast of such a view frees the whole allocation): every view
// under it returns a sabview.ErrRevoked error from then on. For Alloc and
// CopyIn it also deletes the global the bridge bound, if it still refers to
// the array; Python names that still refer to the bytes keep them alive. For
// View it unpins the Python object, which Python may then resize.
//
// The views are revoked at once. When ctx ends before the worker could
// release the memory (behind a long Run), Free returns ErrCanceled and the
// release is retried by the bridge's next call.
func (b *Bridge) Free(ctx context.Context, v Leased) error {
	const op = "Free"
	if err := b.usable(op); err != nil {
		return err
	}
	lease := leaseOf(v)
	e, ok := b.takeEntry(lease)
	if !ok {
		return errorf(op, ErrNotOwned, "free each view from Alloc, View or CopyIn once",
			"the view was not made by this bridge, or was freed already")
	}
	lease.Revoke(&Error{Op: op, Kind: ErrFreed, Detail: "the memory was freed with Bridge.Free"})
	if err := b.begin(ctx, op); err != nil {
		b.queueRelease(e.handle)
		return err
	}
	return b.releaseLater(ctx, e.handle)
}

// releaseLater releases a Python-side entry, or queues it for the next call
// when ctx ended first.
func (b *Bridge) releaseLater(ctx context.Context, handle int) error {
	err := b.py.release(ctx, handle)
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
// for View), or nil when the bridge does not hold v's memory.
func (b *Bridge) Shape(v Leased) []int {
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
func leaseOf(v Leased) *sabview.Lease {
	if v == nil {
		return nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
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
