//go:build js && wasm

package sabview

import "syscall/js"

// source is the memory a view lives in. Sub-views and casts share one source,
// so a growth noticed through one view is known to all of them.
type source struct {
	mem    js.Value // WebAssembly.Memory, or undefined for a fixed buffer
	buf    js.Value // buffer the cached arrays were derived from
	shared bool     // buf is a SharedArrayBuffer
	size   int      // buf.byteLength when buf was taken
	gen    uint64   // bumped whenever buf changes
	lease  *Lease
}

func (s *source) isMemory() bool { return !s.mem.IsUndefined() }

// Reading a property by name from Go (Get) decodes the name on every call
// and reading memory.buffer creates a js.Value (a Go allocation); these
// helpers answer the growth checks with one Invoke returning a Number.
var (
	// memoryByteLength returns the memory's byteLength, or -1 when b, the
	// cached buffer, was detached by a growth.
	memoryByteLength = js.Global().Get("Function").New("m", "b",
		"return (b.byteLength === 0 && m.buffer !== b) ? -1 : m.buffer.byteLength")
	byteLength = js.Global().Get("Function").New("x", "return x.byteLength")
	// memoryInfo returns the byteLength of a WebAssembly.Memory's buffer,
	// negated when the buffer is shared, and 0 when it cannot tell (not a
	// Memory of this realm; a shared buffer where the SharedArrayBuffer
	// global is missing, as on a page that is not cross-origin isolated).
	memoryInfo = js.Global().Get("Function").New("m",
		"return !(m instanceof WebAssembly.Memory) ? 0 : m.buffer instanceof ArrayBuffer ? m.buffer.byteLength : "+
			"typeof SharedArrayBuffer === 'function' && m.buffer instanceof SharedArrayBuffer ? -m.buffer.byteLength : 0")
)

// sync makes s.buf the memory's current buffer, re-reading memory.buffer only
// when the cached one does not describe the memory any more. A WebAssembly.Memory
// replaces its buffer when it grows: a non-shared one detaches the old buffer
// (its byteLength drops to 0), a shared one keeps the old SharedArrayBuffer
// valid at its old length, so in both cases the memory's byteLength differs
// from the cached buffer's (or the cached buffer is detached, after grow(0)).
// It reports whether the buffer changed.
func (s *source) sync() bool {
	if !s.isMemory() {
		return false
	}
	if memoryByteLength.Invoke(s.mem, s.buf).Int() == s.size {
		return false
	}
	s.buf = s.mem.Get("buffer")
	s.size = s.buf.Get("byteLength").Int()
	s.gen++
	return true
}
