//go:build js && wasm

package pyodidebridge

import (
	"context"
	"fmt"

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
	info, err := b.export(ctx, op, name)
	if err != nil {
		return nil, err
	}
	if err := checkExport(op, name, d, info); err != nil {
		if info.handle != 0 {
			b.release(ctx, info.handle)
		}
		return nil, err
	}
	return track[T](ctx, b, op, info.handle, info.addr, info.nbytes/d.Size, info.shape, "")
}

// export describes the buffer bound to name and pins it when it can be
// viewed. A pin made after the caller's context ended is released before
// the bridge's next request.
func (b *Bridge) export(ctx context.Context, op, name string) (bufferInfo, error) {
	r, err := b.py.request(ctx, op, "export", name)
	if completed(err) {
		if h := r.Index(5).Int(); h != 0 {
			b.queueRelease(h)
		}
	}
	if err != nil {
		return bufferInfo{}, err
	}
	info := bufferInfo{
		status:   r.Index(0).String(),
		format:   r.Index(1).String(),
		kind:     r.Index(2).String()[0],
		itemsize: r.Index(3).Int(),
		nbytes:   r.Index(4).Int(),
		handle:   r.Index(5).Int(),
		addr:     r.Index(6).Int(),
	}
	for i := 7; i < r.Length(); i++ {
		info.shape = append(info.shape, r.Index(i).Int())
	}
	return info, nil
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
	if info.kind != d.Kind || info.itemsize != d.Size {
		fix := fmt.Sprintf("convert in Python (for NumPy, x.astype(%q))", d.Format)
		if g := goTypeFor(info.kind, info.itemsize); g != "" {
			fix = fmt.Sprintf("use View[%s], or %s", g, fix)
		}
		return errorf(op, ErrDType, fix, "%s holds %q elements of %d bytes; View[%s] wants %q", name, info.format, info.itemsize, d.Go, d.Format)
	}
	if info.addr%d.Size != 0 {
		return errorf(op, ErrLayout, "make an aligned copy in Python first (x.copy())",
			"%s starts at address %d, not a multiple of %d", name, info.addr, d.Size)
	}
	return nil
}
