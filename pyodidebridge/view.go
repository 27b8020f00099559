//go:build js && wasm

package pyodidebridge

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"

	"github.com/sabkit/sabkit/sabview"
)

// ViewOf returns a view of the Python object bound to the global name, which
// must support the buffer protocol (a NumPy ndarray, array.array, bytearray,
// memoryview, ...), be writable and C-contiguous, and hold elements of T's
// type and size. The view aliases the object's bytes, flat in C order
// (Shape gives the object's shape). The bridge pins the object until Free or
// Close: Python cannot resize it meanwhile (it raises BufferError), so its
// address stays valid.
func ViewOf[T sabview.Element](ctx context.Context, b *Bridge, name string) (*sabview.View[T], error) {
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
	info, ok := exported(r)
	if completed(err) && ok && info.handle != 0 {
		b.queueRelease(info.handle)
	}
	if err != nil {
		return bufferInfo{}, err
	}
	if !ok {
		return bufferInfo{}, errorf(op, ErrWorker, "keep the helper module and the Go package from the same sabkit",
			"the helper's export answered %s", jsinterop.Describe(r))
	}
	return info, nil
}

// exported reads the helper's export answer: status, format, kind,
// itemsize, nbytes, handle, address and the shape, joined by "\x1f"
// (sabkit_bridge.FIELDS).
func exported(r js.Value) (bufferInfo, bool) {
	if r.Type() != js.TypeString {
		return bufferInfo{}, false
	}
	f := strings.Split(r.String(), "\x1f")
	if len(f) < 7 || len(f[2]) != 1 {
		return bufferInfo{}, false
	}
	ints := make([]int, 0, len(f)-3)
	for _, x := range append(f[3:7:7], f[7:]...) {
		n, err := strconv.Atoi(x)
		if err != nil {
			return bufferInfo{}, false
		}
		ints = append(ints, n)
	}
	return bufferInfo{status: f[0], format: f[1], kind: f[2][0], itemsize: ints[0], nbytes: ints[1],
		handle: ints[2], addr: ints[3], shape: ints[4:]}, true
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
