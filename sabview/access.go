//go:build js && wasm

package sabview

import (
	"syscall/js"
	"unsafe"
)

// At returns element i. It reads the shared bytes (no copy of the view), bit
// for bit: a float's NaN payload comes back as stored;
// each call crosses into JavaScript once (twice for 64-bit elements), so use
// CopyTo for more than a handful of elements. It is a plain read: to read
// memory another thread is writing, use package atomicsx.
func (v *View[T]) At(i int) (T, error) {
	if uint(i) >= uint(v.n) {
		return 0, errIndex("At", i, v.n)
	}
	if err := v.src.lease.check("At"); err != nil {
		return 0, err
	}
	if x, ok := v.load(i); ok {
		return x, nil
	}
	// An in-range read that yields undefined means the buffer went away:
	// a memory grew (re-derive and retry) or a buffer was detached (error).
	if err := v.current("At", false); err != nil {
		return 0, err
	}
	if x, ok := v.load(i); ok {
		return x, nil
	}
	return 0, errDetached("At")
}

func (v *View[T]) load(i int) (T, bool) {
	if v.info.bitwise() {
		if v.info.Size == 4 { // float32, read as its bits
			w := v.words().Index(i)
			if w.Type() != js.TypeNumber {
				return 0, false
			}
			return fromBits[T](uint64(uint32(w.Int()))), true
		}
		// Two little-endian halves: a BigInt cannot cross syscall/js, and a
		// float64 NaN keeps its payload only as bits.
		w32 := v.words()
		lo, hi := w32.Index(2*i), w32.Index(2*i+1)
		if lo.Type() != js.TypeNumber || hi.Type() != js.TypeNumber {
			return 0, false
		}
		return fromBits[T](uint64(uint32(hi.Int()))<<32 | uint64(uint32(lo.Int()))), true
	}
	x := v.ta.Index(i)
	if x.Type() != js.TypeNumber {
		return 0, false
	}
	return T(x.Float()), true
}

// Set stores x as element i, in place: every alias of the bytes sees it. The
// bytes written are x's own, NaN payloads included.
func (v *View[T]) Set(i int, x T) error {
	if uint(i) >= uint(v.n) {
		return errIndex("Set", i, v.n)
	}
	if err := v.current("Set", false); err != nil {
		return err
	}
	if v.info.bitwise() {
		u := toBits(x)
		if v.info.Size == 4 {
			v.words().SetIndex(i, uint32(u))
			return nil
		}
		w32 := v.words()
		w32.SetIndex(2*i, uint32(u))
		w32.SetIndex(2*i+1, uint32(u>>32))
		return nil
	}
	v.ta.SetIndex(i, float64(x))
	return nil
}

// toBits returns x's bytes as an integer: its IEEE 754 bits for a float,
// whatever T's name. Bitwise types are 4 or 8 bytes wide.
func toBits[T Element](x T) uint64 {
	if unsafe.Sizeof(x) == 4 {
		return uint64(*(*uint32)(unsafe.Pointer(&x)))
	}
	return *(*uint64)(unsafe.Pointer(&x))
}

// fromBits is toBits' inverse.
func fromBits[T Element](u uint64) T {
	var x T
	if unsafe.Sizeof(x) == 4 {
		w := uint32(u)
		return *(*T)(unsafe.Pointer(&w))
	}
	return *(*T)(unsafe.Pointer(&u))
}
