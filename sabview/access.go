//go:build js && wasm

package sabview

import "syscall/js"

// At returns element i. It reads the shared bytes (no copy of the view);
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
	if v.info.wide() {
		// A BigInt cannot cross syscall/js; read the two little-endian halves.
		lo, hi := v.w32.Index(2*i), v.w32.Index(2*i+1)
		if lo.Type() != js.TypeNumber || hi.Type() != js.TypeNumber {
			return 0, false
		}
		return T(uint64(hi.Int())<<32 | uint64(lo.Int())), true
	}
	x := v.ta.Index(i)
	if x.Type() != js.TypeNumber {
		return 0, false
	}
	return T(x.Float()), true
}

// Set stores x as element i, in place: every alias of the bytes sees it.
func (v *View[T]) Set(i int, x T) error {
	if uint(i) >= uint(v.n) {
		return errIndex("Set", i, v.n)
	}
	if err := v.current("Set", false); err != nil {
		return err
	}
	if v.info.wide() {
		u := uint64(x)
		v.w32.SetIndex(2*i, uint32(u))
		v.w32.SetIndex(2*i+1, uint32(u>>32))
		return nil
	}
	v.ta.SetIndex(i, float64(x))
	return nil
}
