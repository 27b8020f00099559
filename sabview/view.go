//go:build js && wasm

package sabview

import (
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// View is a typed window of Len elements of T over memory that JavaScript
// owns: a SharedArrayBuffer, an ArrayBuffer, or a WebAssembly.Memory such as
// Pyodide's heap. A View aliases that memory; it never holds a Go copy. Every
// JS typed array it hands out covers exactly the view's bytes.
//
// A View is not safe for concurrent use by several goroutines (js/wasm Go is
// single-threaded; other threads see the same bytes only through
// SharedArrayBuffers, and coordinate with package atomicsx).
type View[T Element] struct {
	src  *source
	info *ElementType
	off  int // byte offset in the source
	n    int // elements

	// Arrays derived from src.buf at generation gen. Rebuilt when the
	// source's buffer changes.
	gen uint64
	ta  js.Value // typed array of T
	u8  js.Value // Uint8Array over the same bytes, for bulk copies; made on first use
	w32 js.Value // Uint32Array over the same bytes, for bitwise element types; made on first use
}

// NewShared allocates a new SharedArrayBuffer holding n zeroed elements of T.
// Outside a cross-origin-isolated page it returns an ErrNotIsolated error that
// names the headers to send.
func NewShared[T Element](n int) (*View[T], error) {
	const op = "NewShared"
	info := infoOf[T]()
	if n < 0 || n > maxBytes/info.Size {
		return nil, errorf(op, ErrOutOfRange, "", "length %d not in [0, %d]", n, maxBytes/info.Size)
	}
	if !Available() {
		return nil, errUnavailable(op)
	}
	buf, err := jsinterop.Try(func() js.Value { return ctor("SharedArrayBuffer").New(n * info.Size) })
	if err != nil {
		return nil, &Error{Package: "sabview", Op: op, Kind: ErrOutOfRange, Detail: fmt.Sprintf("allocating %d bytes", n*info.Size), Err: err}
	}
	src := &source{mem: js.Undefined(), buf: buf, shared: true, size: n * info.Size}
	return newView[T](src, info, 0, n), nil
}

// maxBytes bounds sizes so byte arithmetic cannot overflow an int on wasm32
// addressing; JS engines cap ArrayBuffers well below it anyway.
const maxBytes = 1 << 53

// FromBuffer views length elements of T starting byteOffset bytes into buf.
// buf may be an ArrayBuffer, a SharedArrayBuffer, or any ArrayBuffer view
// (typed array or DataView), in which case byteOffset is relative to the
// view's first byte and the region must lie inside it. The bytes are
// reinterpreted as T whatever the element type of a typed-array argument;
// use FromTypedArray to insist on a matching type.
func FromBuffer[T Element](buf js.Value, byteOffset, length int) (*View[T], error) {
	const op = "FromBuffer"
	info := infoOf[T]()
	tag := jsinterop.Tag(buf)
	base, limit := 0, 0
	switch {
	case tag == "ArrayBuffer" || tag == "SharedArrayBuffer":
		limit = buf.Get("byteLength").Int()
	case isTypedArrayTag(tag) || tag == "DataView":
		base = buf.Get("byteOffset").Int()
		limit = buf.Get("byteLength").Int()
		buf = buf.Get("buffer")
		tag = jsinterop.Tag(buf)
	case tag == "WebAssembly.Memory":
		return nil, errorf(op, ErrSource, "use FromMemory, which follows the memory when it grows",
			"got a WebAssembly.Memory")
	default:
		return nil, errorf(op, ErrSource, "pass an ArrayBuffer, SharedArrayBuffer or typed array",
			"got %s", jsinterop.Describe(buf))
	}
	shared := tag == "SharedArrayBuffer"
	if !shared && isDetached(buf) {
		return nil, errDetached(op)
	}
	if err := checkRegion(op, info, byteOffset, length, limit, base); err != nil {
		return nil, err
	}
	src := &source{mem: js.Undefined(), buf: buf, shared: shared, size: buf.Get("byteLength").Int()}
	return newView[T](src, info, base+byteOffset, length), nil
}

// FromTypedArray views all of ta, which must be a typed array whose element
// type is T's (a Float32Array for View[float32]). Views of a typed array over
// a WebAssembly.Memory's buffer do not follow growth: use FromMemory for those.
func FromTypedArray[T Element](ta js.Value) (*View[T], error) {
	const op = "FromTypedArray"
	info := infoOf[T]()
	tag := jsinterop.Tag(ta)
	if !isTypedArrayTag(tag) {
		return nil, errorf(op, ErrSource, "pass a typed array, or use FromBuffer for raw buffers",
			"got %s", jsinterop.Describe(ta))
	}
	if tag != info.ArrayType {
		return nil, errorf(op, ErrElementType,
			fmt.Sprintf("use View[%s], or FromBuffer to reinterpret the bytes", goTypeFor(tag)),
			"got %s, want %s", tag, info.ArrayType)
	}
	return FromBuffer[T](ta, 0, ta.Get("length").Int())
}

// FromMemory views length elements of T starting byteOffset bytes into a
// WebAssembly.Memory, such as Pyodide's heap (pyodide._module.memory in
// Pyodide 314) or another module's exported memory. The view follows the memory as it grows:
// it re-derives its typed arrays when the memory's buffer is replaced, so it
// never reads through a detached (non-shared) or stale (shared) buffer.
func FromMemory[T Element](mem js.Value, byteOffset, length int) (*View[T], error) {
	const op = "FromMemory"
	info := infoOf[T]()
	// One call answers the usual case: a bridge makes a view per operation,
	// and each call into JavaScript counts. The tags decide the rest.
	var buf js.Value
	var size int
	var shared bool
	if n := memoryInfo.Invoke(mem).Int(); n != 0 {
		buf = mem.Get("buffer")
		size, shared = max(n, -n), n < 0
	} else {
		if jsinterop.Tag(mem) != "WebAssembly.Memory" {
			return nil, errorf(op, ErrSource, "pass the WebAssembly.Memory object itself, not its buffer",
				"got %s", jsinterop.Describe(mem))
		}
		buf = mem.Get("buffer")
		size = byteLength.Invoke(buf).Int()
		shared = jsinterop.Tag(buf) == "SharedArrayBuffer"
	}
	if err := checkRegion(op, info, byteOffset, length, size, 0); err != nil {
		return nil, err
	}
	src := &source{mem: mem, buf: buf, shared: shared, size: size}
	return newView[T](src, info, byteOffset, length), nil
}

func checkRegion(op string, info *ElementType, byteOffset, length, limit, base int) error {
	if byteOffset < 0 || length < 0 {
		return errorf(op, ErrOutOfRange, "", "negative byte offset %d or length %d", byteOffset, length)
	}
	if (base+byteOffset)%info.Size != 0 {
		return errorf(op, ErrMisaligned, fmt.Sprintf("use a byte offset that is a multiple of %d", info.Size),
			"byte offset %d is not a multiple of %d, the size of a %s element", base+byteOffset, info.Size, info.ArrayType)
	}
	if length > (maxBytes-byteOffset)/info.Size || byteOffset+length*info.Size > limit {
		return errorf(op, ErrOutOfRange, "", "%d elements of %d bytes at byte offset %d exceed the %d bytes available",
			length, info.Size, byteOffset, limit)
	}
	return nil
}

func newView[T Element](src *source, info *ElementType, off, n int) *View[T] {
	v := &View[T]{src: src, info: info, off: off, n: n}
	v.derive()
	return v
}

// derive builds the cached arrays from the source's current buffer.
func (v *View[T]) derive() {
	b := v.src.buf
	v.ta = ctor(v.info.ArrayType).New(b, v.off, v.n)
	v.u8, v.w32 = js.Value{}, js.Value{}
	v.gen = v.src.gen
}

// bytes returns the Uint8Array over the view's bytes, made from the current
// buffer on first use after derive.
func (v *View[T]) bytes() js.Value {
	if v.u8.IsUndefined() {
		v.u8 = ctor("Uint8Array").New(v.src.buf, v.off, v.n*v.info.Size)
	}
	return v.u8
}

// words returns the Uint32Array over the view's bytes (bitwise types).
func (v *View[T]) words() js.Value {
	if v.w32.IsUndefined() {
		v.w32 = ctor("Uint32Array").New(v.src.buf, v.off, v.n*v.info.Size/4)
	}
	return v.w32
}

// current returns the view ready for use: lease checked, arrays re-derived if
// the memory grew, detachment reported. strict also re-derives after a shared
// memory grew; element access does not need that because a shared memory's
// old SharedArrayBuffer still covers the view's bytes, but arrays handed out
// must be over the memory's current buffer.
func (v *View[T]) current(op string, strict bool) error {
	if err := v.src.lease.check(op); err != nil {
		return err
	}
	if v.src.isMemory() {
		if strict || !v.src.shared {
			v.src.sync()
		}
		if v.gen != v.src.gen {
			v.derive()
		}
		return nil
	}
	if !v.src.shared && v.n > 0 && byteLength.Invoke(v.ta).Int() == 0 {
		return errDetached(op)
	}
	return nil
}

// Len returns the number of elements.
func (v *View[T]) Len() int { return v.n }

// ByteOffset returns the offset of the first byte in the underlying buffer or
// memory. For a view of Pyodide's heap it is the Python-side address.
func (v *View[T]) ByteOffset() int { return v.off }

// ByteLength returns Len() times the element size (TypeOf[T]().Size).
func (v *View[T]) ByteLength() int { return v.n * v.info.Size }

// Shared reports whether the bytes live in a SharedArrayBuffer (or a shared
// WebAssembly.Memory) and so can be seen by other threads.
func (v *View[T]) Shared() bool { return v.src.shared }

// Memory returns the WebAssembly.Memory the view lives in, or undefined
// for a view over a fixed buffer.
func (v *View[T]) Memory() js.Value { return v.src.mem }

// Lease returns the view's lease (see WithLease), or nil.
func (v *View[T]) Lease() *Lease { return v.src.lease }

// WithLease returns a view of the same bytes tied to l: it, and every view
// derived from it, checks l before each access and fails with ErrRevoked
// once l is revoked. v itself is unchanged; the owner of the memory hands
// out the leased view and keeps l.
func (v *View[T]) WithLease(l *Lease) *View[T] {
	if v == nil {
		return nil
	}
	src := *v.src
	src.lease = l
	w := *v // the arrays derived so far stay valid: same bytes, same generation
	w.src = &src
	return &w
}

// Array returns the JavaScript typed array (of T's type) over the view's
// bytes. It aliases: writes through it are seen by the view and vice versa.
// Call it again after anything that may grow the memory instead of keeping
// the result: for a WebAssembly.Memory source the array is rebuilt on growth.
func (v *View[T]) Array() (js.Value, error) {
	if err := v.current("Array", true); err != nil {
		return js.Undefined(), err
	}
	return v.ta, nil
}

// Bytes returns a Uint8Array over the view's bytes; it aliases like Array.
func (v *View[T]) Bytes() (js.Value, error) {
	if err := v.current("Bytes", true); err != nil {
		return js.Undefined(), err
	}
	return v.bytes(), nil
}

// Buffer returns the current ArrayBuffer or SharedArrayBuffer that holds the
// view's bytes, re-read from the memory for WebAssembly.Memory sources.
func (v *View[T]) Buffer() (js.Value, error) {
	if err := v.current("Buffer", true); err != nil {
		return js.Undefined(), err
	}
	return v.src.buf, nil
}

// Sub returns the view of elements [i, j) of v. It aliases v.
func (v *View[T]) Sub(i, j int) (*View[T], error) {
	if i < 0 || j < i || j > v.n {
		return nil, errorf("Sub", ErrOutOfRange, "", "[%d, %d) not within [0, %d]", i, j, v.n)
	}
	if err := v.current("Sub", false); err != nil {
		return nil, err
	}
	return newView[T](v.src, v.info, v.off+i*v.info.Size, j-i), nil
}

// String describes the view for debugging, without reading its contents.
func (v *View[T]) String() string {
	kind := "ArrayBuffer"
	switch {
	case v.src.isMemory() && v.src.shared:
		kind = "shared WebAssembly.Memory"
	case v.src.isMemory():
		kind = "WebAssembly.Memory"
	case v.src.shared:
		kind = "SharedArrayBuffer"
	}
	return fmt.Sprintf("sabview.View[%s]{len %d, bytes [%d, %d) of a %s}", v.info.ArrayType, v.n, v.off, v.off+v.ByteLength(), kind)
}

func goTypeFor(arrayType string) string {
	if e, ok := lookupArrayType(arrayType); ok {
		return e.Go
	}
	return "?"
}

// isDetached reports whether a non-shared ArrayBuffer was detached. Engines
// without ArrayBuffer.prototype.detached (Node 20) show it only by refusing
// to build a view over it.
func isDetached(buf js.Value) bool {
	if d := buf.Get("detached"); d.Type() == js.TypeBoolean {
		return d.Bool()
	}
	if buf.Get("byteLength").Int() != 0 {
		return false
	}
	_, err := jsinterop.Try(func() js.Value { return ctor("Uint8Array").New(buf) })
	return err != nil
}
