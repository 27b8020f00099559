//go:build js && wasm

package sabview

import (
	"syscall/js"
	"unsafe"
)

// CopyFrom copies src into the first len(src) elements of the view: exactly
// one copy, Go memory → the view's bytes, done by JavaScript in bulk through a
// Uint8Array (never element by element). Go's heap cannot be shared, so a
// copy is the only way in; the view's other aliases see the new values
// immediately. It returns the number of elements copied. A src longer than the
// view is refused rather than truncated, so no written data is dropped.
func (v *View[T]) CopyFrom(src []T) (int, error) {
	if len(src) > v.n {
		return 0, errorf("CopyFrom", ErrOutOfRange, "copy into a larger view, or split src",
			"%d elements do not fit in a view of %d", len(src), v.n)
	}
	if err := v.current("CopyFrom", false); err != nil {
		return 0, err
	}
	if len(src) == 0 {
		return 0, nil
	}
	// CopyBytesToJS copies min(len(dst), len(src)) bytes, so the view's own
	// Uint8Array serves a short src without a subarray (a Go allocation).
	js.CopyBytesToJS(v.bytes(), asBytes(src))
	return len(src), nil
}

// CopyTo copies the view into dst: exactly one copy, the view's bytes → Go
// memory, in bulk. Like the built-in copy it copies min(len(dst), Len())
// elements and returns that count. dst is a snapshot: later writes to the
// shared bytes do not reach it.
func (v *View[T]) CopyTo(dst []T) (int, error) {
	if err := v.current("CopyTo", false); err != nil {
		return 0, err
	}
	n := min(len(dst), v.n)
	if n == 0 {
		return 0, nil
	}
	js.CopyBytesToGo(asBytes(dst[:n]), v.bytes())
	return n, nil
}

// ToSlice returns a new Go slice holding a copy of the view.
func (v *View[T]) ToSlice() ([]T, error) {
	out := make([]T, v.n)
	if _, err := v.CopyTo(out); err != nil {
		return nil, err
	}
	return out, nil
}

// asBytes reinterprets a slice of T as its bytes. js/wasm is little-endian,
// as are JavaScript typed arrays on every engine it runs on, so the bytes
// mean the same on both sides.
func asBytes[T Element](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}
