//go:build js && wasm

package sabview

// At returns element i. It reads the shared bytes (no copy of the view);
// each call crosses into JavaScript once (twice for 64-bit elements), so use
// CopyTo for more than a handful of elements. It is a plain read: to read
// memory another thread is writing, use package atomicsx.
func (v *View[T]) At(i int) (T, error) {
	if uint(i) >= uint(v.n) {
		return 0, errIndex("At", i, v.n)
	}
	if err := v.current("At", false); err != nil {
		return 0, err
	}
	if v.info.wide {
		// A BigInt cannot cross syscall/js; read the two little-endian halves.
		lo := uint64(v.w32.Index(2 * i).Int())
		hi := uint64(v.w32.Index(2*i + 1).Int())
		return T(hi<<32 | lo), nil
	}
	return T(v.ta.Index(i).Float()), nil
}

// Set stores x as element i, in place: every alias of the bytes sees it.
func (v *View[T]) Set(i int, x T) error {
	if uint(i) >= uint(v.n) {
		return errIndex("Set", i, v.n)
	}
	if err := v.current("Set", false); err != nil {
		return err
	}
	if v.info.wide {
		u := uint64(x)
		v.w32.SetIndex(2*i, uint32(u))
		v.w32.SetIndex(2*i+1, uint32(u>>32))
		return nil
	}
	v.ta.SetIndex(i, float64(x))
	return nil
}
