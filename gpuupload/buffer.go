//go:build js && wasm

package gpuupload

import (
	"github.com/sabkit/sabkit/internal/jsinterop"
	"strings"
	"syscall/js"
)

// Usage is a set of GPUBufferUsage flags.
type Usage uint32

// The GPUBufferUsage flags, with WebGPU's values.
const (
	MapRead      Usage = 0x0001
	MapWrite     Usage = 0x0002
	CopySrc      Usage = 0x0004
	CopyDst      Usage = 0x0008
	Index        Usage = 0x0010
	Vertex       Usage = 0x0020
	Uniform      Usage = 0x0040
	Storage      Usage = 0x0080
	Indirect     Usage = 0x0100
	QueryResolve Usage = 0x0200
)

var usageNames = []struct {
	u    Usage
	name string
}{
	{MapRead, "MAP_READ"}, {MapWrite, "MAP_WRITE"}, {CopySrc, "COPY_SRC"}, {CopyDst, "COPY_DST"},
	{Index, "INDEX"}, {Vertex, "VERTEX"}, {Uniform, "UNIFORM"}, {Storage, "STORAGE"},
	{Indirect, "INDIRECT"}, {QueryResolve, "QUERY_RESOLVE"},
}

// String returns the flags as in WebGPU, joined by "|".
func (u Usage) String() string {
	if u == 0 {
		return "0"
	}
	var parts []string
	for _, n := range usageNames {
		if u&n.u != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, "|")
}

const allUsage = MapRead | MapWrite | CopySrc | CopyDst | Index | Vertex | Uniform | Storage | Indirect | QueryResolve

// Buffer is a GPUBuffer created by a Device.
type Buffer struct {
	d     *Device
	v     js.Value
	size  int
	usage Usage
	freed bool

	// capture is the Uint8Array whose own "set" method is queue.writeBuffer
	// bound to this buffer and captureOff; UploadGo hands it to
	// js.CopyBytesToJS (see upload.go).
	capture    js.Value
	captureOff int
}

// NewBuffer creates a GPU buffer of size bytes. Usage must be a valid
// WebGPU combination: MapRead only with CopyDst, MapWrite only with CopySrc.
func (d *Device) NewBuffer(size int, usage Usage) (*Buffer, error) {
	const op = "NewBuffer"
	if err := d.alive(op); err != nil {
		return nil, err
	}
	if size <= 0 || size > d.limits.MaxBufferSize {
		return nil, errorf(op, ErrOutOfRange, "ask for at most Limits().MaxBufferSize bytes, or open the device with Options.Limits",
			"size %d not in [1, %d]", size, d.limits.MaxBufferSize)
	}
	if err := checkUsage(op, usage); err != nil {
		return nil, err
	}
	v, err := jsinterop.Try(func() js.Value {
		return d.device.Call("createBuffer", map[string]any{"size": size, "usage": int(usage)})
	})
	if err != nil {
		return nil, &Error{Package: "gpuupload", Op: op, Kind: ErrDevice, Detail: "createBuffer threw", Err: err}
	}
	return &Buffer{d: d, v: v, size: size, usage: usage, captureOff: -1}, nil
}

func checkUsage(op string, u Usage) error {
	switch {
	case u == 0:
		return errorf(op, ErrUsage, "pass at least one flag, such as CopyDst|Storage", "usage is empty")
	case u&^allUsage != 0:
		return errorf(op, ErrUsage, "use the Usage constants", "unknown usage bits %#x", uint32(u&^allUsage))
	case u&MapRead != 0 && u&^(MapRead|CopyDst) != 0:
		return errorf(op, ErrUsage, "combine MapRead only with CopyDst; Download stages through such buffers itself",
			"usage %s", u)
	case u&MapWrite != 0 && u&^(MapWrite|CopySrc) != 0:
		return errorf(op, ErrUsage, "combine MapWrite only with CopySrc", "usage %s", u)
	}
	return nil
}

// Size returns the buffer's size in bytes.
func (b *Buffer) Size() int { return b.size }

// Usage returns the usage flags the buffer was created with.
func (b *Buffer) Usage() Usage { return b.usage }

// JS returns the GPUBuffer.
func (b *Buffer) JS() js.Value { return b.v }

// Free gives the GPU memory back (GPUBuffer.destroy). Later uploads,
// downloads and dispatches that use b fail with ErrFreed. Freeing twice is
// harmless.
func (b *Buffer) Free() {
	if b.freed {
		return
	}
	b.freed = true
	b.v.Call("destroy")
}

// usable checks what every operation on b needs, with the usage flag need.
func (b *Buffer) usable(op string, d *Device, need Usage, needName string) error {
	if b == nil {
		return errorf(op, ErrFreed, "create the buffer with Device.NewBuffer", "nil buffer")
	}
	if d != nil && b.d != d {
		return errorf(op, ErrForeign, "use buffers and kernels of one Device together", "the buffer belongs to another device")
	}
	if err := b.d.alive(op); err != nil {
		return err
	}
	if b.freed {
		return errorf(op, ErrFreed, "create a new buffer; a freed one cannot be used again", "buffer of %d bytes", b.size)
	}
	if b.usage&need == 0 {
		return errorf(op, ErrUsage, "create the buffer with "+needName+" in its usage",
			"the buffer's usage is %s, which lacks %s", b.usage, needName)
	}
	return nil
}

// checkRegion checks a [off, off+n) byte range of b for a copy.
func (b *Buffer) checkRegion(op string, off, n int) error {
	if off < 0 || off%4 != 0 {
		return errorf(op, ErrMisaligned, alignFix("buffer offset"), "buffer offset %d", off)
	}
	if n%4 != 0 {
		return errorf(op, ErrMisaligned, alignFix("byte count"), "%d bytes", n)
	}
	if off > b.size || n > b.size-off {
		return errorf(op, ErrSize, "copy fewer bytes, or use a larger buffer",
			"%d bytes at offset %d do not fit a buffer of %d bytes", n, off, b.size)
	}
	return nil
}
