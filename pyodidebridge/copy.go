//go:build js && wasm

package pyodidebridge

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

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
		return nil, errorf(op, ErrView, "pass a view to copy", "nil view")
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
		return nil, &Error{Package: "pyodidebridge", Op: op, Kind: ErrView, Detail: "reading the source view", Err: err}
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
		return nil, &Error{Package: "pyodidebridge", Op: op, Kind: ErrView, Detail: "re-reading the views after allocating", Err: firstErr(err1, err2)}
	}
	to.Call("set", from)
	return dst, nil
}

// CopyOut copies the Python buffer bound to name into dst: exactly one copy,
// in bulk by JavaScript, of a buffer that ViewOf would accept. dst must hold at
// least as many elements; it returns the number copied. Later writes on
// either side do not reach the other. To copy into a Go slice, use ViewOf and
// the view's CopyTo (also one copy), then Free.
func CopyOut[T sabview.Element](ctx context.Context, b *Bridge, name string, dst *sabview.View[T]) (int, error) {
	const op = "CopyOut"
	if dst == nil {
		return 0, errorf(op, ErrView, "pass a destination view", "nil view")
	}
	if err := checkName(op, name); err != nil {
		return 0, err
	}
	if err := b.begin(ctx, op); err != nil {
		return 0, err
	}
	d := dtypeOf[T]()
	info, err := b.export(ctx, op, name)
	if err != nil {
		return 0, err
	}
	if info.handle != 0 {
		defer b.releaseLater(ctx, info.handle)
	}
	if err := checkExport(op, name, d, info); err != nil {
		return 0, err
	}
	n := info.nbytes / d.Size
	if dst.Len() < n {
		return 0, errorf(op, ErrShape, fmt.Sprintf("pass a view of at least %d elements", n),
			"%s has %d elements, dst only %d", name, n, dst.Len())
	}
	to, err := dst.Bytes()
	if err != nil {
		return 0, &Error{Package: "pyodidebridge", Op: op, Kind: ErrView, Detail: "writing the destination view", Err: err}
	}
	from := js.Global().Get("Uint8Array").New(b.mem.Get("buffer"), info.addr, info.nbytes)
	if n < dst.Len() {
		to = to.Call("subarray", 0, info.nbytes)
	}
	to.Call("set", from)
	return n, nil
}
