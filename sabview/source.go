//go:build js && wasm

package sabview

import (
	"syscall/js"
)

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

// refresh re-reads memory.buffer. WebAssembly memories replace their buffer
// on growth: a non-shared one detaches the old buffer (every view over it has
// length 0), a shared one keeps the old SharedArrayBuffer alive at its old
// length. Either way the next derivation must use the new buffer.
func (s *source) refresh() {
	if !s.isMemory() {
		return
	}
	b := s.mem.Get("buffer")
	if b.Equal(s.buf) {
		return
	}
	s.buf = b
	s.size = b.Get("byteLength").Int()
	s.gen++
}

// objectTag returns Object.prototype.toString's tag for v, such as
// "SharedArrayBuffer" or "WebAssembly.Memory". Unlike instanceof it works
// when the SharedArrayBuffer global is hidden (pages that are not
// cross-origin isolated still get shared WebAssembly memories) and across realms.
func objectTag(v js.Value) string {
	if v.Type() != js.TypeObject && v.Type() != js.TypeFunction {
		return v.Type().String()
	}
	tag := objectToString().Call("call", v).String() // "[object X]"
	if len(tag) > 9 {
		return tag[8 : len(tag)-1]
	}
	return tag
}

var toStringFn js.Value

func objectToString() js.Value {
	if toStringFn.IsUndefined() {
		toStringFn = js.Global().Get("Object").Get("prototype").Get("toString")
	}
	return toStringFn
}

func isTypedArrayTag(tag string) bool {
	switch tag {
	case "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
		"Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array",
		"BigInt64Array", "BigUint64Array":
		return true
	}
	return false
}

// crossOriginIsolated reports globalThis.crossOriginIsolated; false outside
// browsers.
func crossOriginIsolated() bool {
	return js.Global().Get("crossOriginIsolated").Truthy()
}

// Available reports whether SharedArrayBuffer can be used here. It is false in
// a browser page or worker that is not cross-origin isolated.
func Available() bool {
	return !js.Global().Get("SharedArrayBuffer").IsUndefined()
}

// CrossOriginIsolated reports globalThis.crossOriginIsolated: true in a page
// served with COOP same-origin and COEP require-corp, false in other pages
// and outside browsers (Node has SharedArrayBuffer without it).
func CrossOriginIsolated() bool { return crossOriginIsolated() }
