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

// dtype is how an element type looks on the Python side: sabview's one
// element table says it.
type dtype = sabview.ElementType

func dtypeOf[T sabview.Element]() dtype { return sabview.TypeOf[T]() }

// goTypeFor names the Go element type for a Python buffer's kind and size.
func goTypeFor(kind byte, size int) string {
	for _, e := range sabview.ElementTypes() {
		if e.Kind == kind && e.Size == size {
			return e.Go
		}
	}
	return ""
}

// maxAllocBytes is the largest allocation: a Python bytearray (and a
// memoryview) on wasm32 holds at most 2**31-1 bytes, less the alignment slack.
const maxAllocBytes = 1<<31 - 1 - 16

// leased is any view, whatever its element type: every *sabview.View[T].
type leased = interface{ Lease() *sabview.Lease }

// Alloc allocates zeroed memory for an array of T with the given shape in
// Pyodide's heap, owned by Python, and binds the Python global name to it: a
// NumPy ndarray of T's dtype when NumPy can be imported, else a memoryview
// cast to T's format and the shape. A name that is already bound is
// rebound. The returned view aliases those bytes
// (flat, in C order): writes through either side are seen by the other, and
// the view follows the heap when Python grows it.
//
// The bridge keeps the memory alive until Free or Close; after that the view
// returns a sabview.ErrRevoked error instead of touching the memory. Python
// names that still refer to the array keep it alive on their own.
//
// ctx bounds the wait for the worker on a LoadWorker bridge (behind a long
// Run, say); when it ends the call returns ErrCanceled, matching ctx.Err().
func Alloc[T sabview.Element](ctx context.Context, b *Bridge, name string, shape ...int) (*sabview.View[T], error) {
	const op = "Alloc"
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	d := dtypeOf[T]()
	n, err := checkShape(op, shape, -1)
	if err != nil {
		return nil, err
	}
	if n > maxAllocBytes/d.Size {
		return nil, errorf(op, ErrShape, "split the data into several arrays",
			"shape %v is %d elements of %d bytes; at most %d bytes fit in one Python buffer", shape, n, d.Size, maxAllocBytes)
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	return alloc[T](ctx, b, op, name, d, shape, n)
}

func alloc[T sabview.Element](ctx context.Context, b *Bridge, op, name string, d dtype, shape []int, n int) (*sabview.View[T], error) {
	// 16-byte alignment suits every element type and SIMD loads.
	r, err := b.py.request(ctx, op, "alloc", withShape([]any{name, n * d.Size, 16, d.Format}, shape)...)
	handle, addr, ok := allocated(r)
	if completed(err) && ok {
		// The caller is gone: the allocation nobody will Free is released
		// before the bridge's next request.
		b.queueRelease(handle)
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(op, ErrWorker, "keep the helper module and the Go package from the same sabkit",
			"the helper's alloc answered %s", jsinterop.Describe(r))
	}
	return track[T](ctx, b, op, handle, addr, n, shape, name)
}

// allocated reads the helper's alloc answer, "handle address".
func allocated(r js.Value) (handle, addr int, ok bool) {
	if r.Type() != js.TypeString {
		return 0, 0, false
	}
	h, a, found := strings.Cut(r.String(), " ")
	handle, err1 := strconv.Atoi(h)
	addr, err2 := strconv.Atoi(a)
	return handle, addr, found && err1 == nil && err2 == nil
}

// track wraps a pinned Python buffer in a view under a new lease, and
// remembers the buffer until Free.
func track[T sabview.Element](ctx context.Context, b *Bridge, op string, handle, addr, n int, shape []int, name string) (*sabview.View[T], error) {
	lease := sabview.NewLease()
	v, err := sabview.FromMemory[T](b.mem, addr, n)
	if err != nil {
		b.release(ctx, handle)
		return nil, &Error{Package: "pyodidebridge", Op: op, Kind: ErrLayout, Detail: "viewing the Python buffer from Go", Err: err}
	}
	v = v.WithLease(lease)
	b.addEntry(&entry{handle: handle, addr: addr, nbytes: n * sabview.TypeOf[T]().Size,
		shape: append([]int(nil), shape...), name: name, lease: lease})
	if err := b.usable(op); err != nil {
		// The worker died (or the bridge closed) while the call was answered.
		b.takeEntry(lease)
		lease.Revoke(err)
		return nil, err
	}
	return v, nil
}

// checkShape validates a shape and returns its number of elements. want >= 0
// requires that many elements.
func checkShape(op string, shape []int, want int) (int, error) {
	if len(shape) == 0 {
		return 0, errorf(op, ErrShape, "give at least one dimension, such as Alloc[float32](ctx, b, \"x\", 1024)", "no dimensions")
	}
	if len(shape) > 64 {
		return 0, errorf(op, ErrShape, "use at most 64 dimensions (memoryview and NumPy limits)", "%d dimensions", len(shape))
	}
	n := 1
	for i, dim := range shape {
		if dim <= 0 {
			return 0, errorf(op, ErrShape, "use dimensions of at least 1; zero-size arrays have no bytes to share",
				"dimension %d of shape %v is %d", i, shape, dim)
		}
		if n > maxAllocBytes/dim {
			return 0, errorf(op, ErrShape, "split the data into several arrays", "shape %v has too many elements", shape)
		}
		n *= dim
	}
	if want >= 0 && n != want {
		return 0, errorf(op, ErrShape, fmt.Sprintf("give a shape whose dimensions multiply to %d", want),
			"shape %v has %d elements, the view %d", shape, n, want)
	}
	return n, nil
}
