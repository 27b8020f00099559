//go:build js && wasm

package sabview

// Overlap reports whether a and b cover at least one common byte of the same
// memory: the same WebAssembly.Memory, or the same ArrayBuffer /
// SharedArrayBuffer object. A write through one is then visible through the
// other. Two different SharedArrayBuffer objects for one block of memory (one
// posted from another thread, say) cannot be told apart from here and report
// false; views made from the WebAssembly.Memory object avoid that.
func Overlap[A, B Element](a *View[A], b *View[B]) bool {
	if a == nil || b == nil || a.ByteLength() == 0 || b.ByteLength() == 0 {
		return false
	}
	if !sameMemory(a.src, b.src) {
		return false
	}
	return a.off < b.off+b.ByteLength() && b.off < a.off+a.ByteLength()
}

// Aliases reports whether v and w share at least one byte; see Overlap.
func (v *View[T]) Aliases(w *View[T]) bool { return Overlap(v, w) }

func sameMemory(a, b *source) bool {
	if a == b {
		return true
	}
	if a.isMemory() && b.isMemory() {
		return a.mem.Equal(b.mem)
	}
	// A buffer view made from memory.buffer aliases a memory view when the
	// memory still has that buffer.
	a.sync()
	b.sync()
	return a.buf.Equal(b.buf)
}
