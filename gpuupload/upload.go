//go:build js && wasm

package gpuupload

import (
	"syscall/js"
	"unsafe"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

// Upload copies all of src into dst at byte offset dstOffset through
// queue.writeBuffer, straight from the bytes src aliases (a
// SharedArrayBuffer, an ArrayBuffer, or a WebAssembly.Memory such as
// Pyodide's heap): exactly one copy, into the GPU's staging memory, made
// during the call, so src may be changed as soon as Upload returns. Writes
// larger than the device's write chunk are split into several calls.
// In steady state it allocates nothing in Go.
func Upload[T sabview.Element](dst *Buffer, dstOffset int, src *sabview.View[T]) error {
	if src == nil {
		return errorf("Upload", ErrView, "pass a view", "nil view")
	}
	return upload("Upload", dst, dstOffset, src, 0, src.Len())
}

// UploadRange copies elements [first, first+count) of src into dst at byte
// offset dstOffset, for dirty-range updates: one copy of just those bytes.
func UploadRange[T sabview.Element](dst *Buffer, dstOffset int, src *sabview.View[T], first, count int) error {
	if src == nil {
		return errorf("UploadRange", ErrView, "pass a view", "nil view")
	}
	if first < 0 || count < 0 || first > src.Len() || count > src.Len()-first {
		return errorf("UploadRange", ErrOutOfRange, "pick a range inside the view",
			"elements [%d, %d+%d) not within a view of %d", first, first, count, src.Len())
	}
	return upload("UploadRange", dst, dstOffset, src, first, count)
}

func upload[T sabview.Element](op string, dst *Buffer, dstOffset int, src *sabview.View[T], first, count int) error {
	size := sabview.TypeOf[T]().Size
	n := count * size
	if err := dst.usable(op, nil, CopyDst, "CopyDst"); err != nil {
		return err
	}
	if err := dst.checkRegion(op, dstOffset, n); err != nil {
		return err
	}
	if l := src.Lease(); l != nil && l.Revoked() {
		_, err := src.Bytes() // the view's own error says whose memory was released
		return &Error{Package: "gpuupload", Op: op, Kind: ErrView, Err: err, Fix: "upload from a live view"}
	}
	// For a WebAssembly.Memory the view's cached buffer follows growth
	// without re-reading memory.buffer (sabview's growth check).
	data, err := src.Buffer()
	if err != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrView, Err: err, Fix: "upload from a live view"}
	}
	if n == 0 {
		return nil
	}
	return dst.d.write(op, dst, dstOffset, data, src.ByteOffset()+first*size, n)
}

// write issues queue.writeBuffer(dst, off, data, dataOff, n) on an
// ArrayBuffer or SharedArrayBuffer data (offsets in bytes), in chunks.
func (d *Device) write(op string, dst *Buffer, off int, data js.Value, dataOff, n int) error {
	for n > 0 {
		c := min(n, d.writeChunk)
		if err := jsinterop.Do(func() { d.writeBuffer.Invoke(dst.v, off, data, dataOff, c) }); err != nil {
			// What Go-side checks cannot see, such as a resizable
			// ArrayBuffer (which WebGPU refuses).
			return &Error{Package: "gpuupload", Op: op, Kind: ErrView, Detail: "queue.writeBuffer threw", Err: err,
				Fix: "upload from a SharedArrayBuffer, a fixed-length ArrayBuffer or a WebAssembly.Memory"}
		}
		off, dataOff, n = off+c, dataOff+c, n-c
	}
	return nil
}

// UploadGo copies src, a Go slice, into dst at byte offset dstOffset. Go's
// heap cannot be shared with JavaScript, but js.CopyBytesToJS hands its
// destination's set method a Uint8Array over Go's memory at src's address;
// UploadGo makes that method queue.writeBuffer, so the bytes go from the Go
// heap to the GPU in exactly one copy, within one JavaScript call (no Go
// allocation can grow and detach Go's memory in between). When this
// behaviour of wasm_exec.js is not found, it copies through a reused staging
// array instead: two copies. GoUploadCopies reports which.
func UploadGo[T sabview.Element](dst *Buffer, dstOffset int, src []T) error {
	const op = "UploadGo"
	var zero T
	n := len(src) * int(unsafe.Sizeof(zero))
	if err := dst.usable(op, nil, CopyDst, "CopyDst"); err != nil {
		return err
	}
	if err := dst.checkRegion(op, dstOffset, n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(src))), n)
	d := dst.d
	if GoUploadCopies() == 1 {
		for len(b) > 0 {
			c := min(len(b), d.writeChunk)
			js.CopyBytesToJS(dst.captureAt(dstOffset), b[:c])
			dstOffset, b = dstOffset+c, b[c:]
		}
		return nil
	}
	if d.stage.IsUndefined() {
		d.stage = js.Global().Get("Uint8Array").New(min(d.writeChunk, max(n, 1<<20)))
	} else if l := d.stage.Get("length").Int(); l < min(n, d.writeChunk) {
		d.stage = js.Global().Get("Uint8Array").New(min(d.writeChunk, max(n, 2*l)))
	}
	stageBuf := d.stage.Get("buffer")
	for len(b) > 0 {
		c := min(len(b), d.stage.Get("length").Int())
		js.CopyBytesToJS(d.stage, b[:c])
		if err := d.write(op, dst, dstOffset, stageBuf, 0, c); err != nil {
			return err
		}
		dstOffset, b = dstOffset+c, b[c:]
	}
	return nil
}

// captureAt returns b's capture array with set bound to write at off.
func (b *Buffer) captureAt(off int) js.Value {
	if b.capture.IsUndefined() {
		b.capture = newCapture()
	}
	if b.captureOff != off {
		b.capture.Set("set", b.d.writeBuffer.Call("bind", nil, b.v, off))
		b.captureOff = off
	}
	return b.capture
}

// newCapture returns an empty Uint8Array that claims a huge length, so that
// wasm_exec.js's copyBytesToJS passes it the whole source slice
// (src.subarray(0, dst.length)) and then calls dst.set with it.
func newCapture() js.Value {
	c := js.Global().Get("Uint8Array").New(0)
	js.Global().Get("Object").Call("defineProperty", c, "length", map[string]any{"value": 1 << 52})
	return c
}

var goCopies int

// probeBuf lives on the heap (it is a package variable's target), so its
// address is stable while the probe runs.
var probeBuf []byte

// GoUploadCopies reports how many copies UploadGo makes: 1 when
// js.CopyBytesToJS exposes Go's memory to its destination's set method (the
// wasm_exec.js shipped with Go does), 2 otherwise. It checks once, by
// capturing the array CopyBytesToJS passes and writing through the Go slice:
// only a view of Go's memory sees that write. It is exported because the
// answer depends on the wasm_exec.js a page ships, not on sabkit, and every
// sabkit operation says how many copies it makes.
func GoUploadCopies() int {
	if goCopies == 0 {
		goCopies = 2
		if probeGoMemory() {
			goCopies = 1
		}
	}
	return goCopies
}

// probeGoMemory reports whether the probe succeeds; a JavaScript host whose
// copyBytesToJS throws on the capture array fails it.
func probeGoMemory() bool {
	ok := false
	if err := jsinterop.Do(func() { ok = probeCapture() }); err != nil {
		return false
	}
	return ok
}

func probeCapture() bool {
	probeBuf = make([]byte, 8)
	defer func() { probeBuf = nil }()
	probeBuf[3] = 1
	seen := js.Global().Get("Array").New()
	c := newCapture()
	c.Set("set", seen.Get("push").Call("bind", seen))
	if js.CopyBytesToJS(c, probeBuf) != len(probeBuf) || seen.Length() != 1 {
		return false
	}
	got := seen.Index(0)
	if got.Get("length").Int() != len(probeBuf) || got.Index(3).Int() != 1 {
		return false
	}
	probeBuf[3] = 0xA5
	return got.Index(3).Type() == js.TypeNumber && got.Index(3).Int() == 0xA5
}
