//go:build js && wasm

package sabview

import "fmt"

// Cast returns a view of v's bytes as elements of U: the same memory, another
// element type (for example an Int32 view for Atomics over a Float32 region,
// or bytes for an upload). It aliases v. The byte offset must be aligned for
// U and the byte length a multiple of U's size.
func Cast[U, T Element](v *View[T]) (*View[U], error) {
	const op = "Cast"
	info := infoOf[U]()
	if v.off%info.Size != 0 {
		return nil, errorf(op, ErrMisaligned, fmt.Sprintf("cast a sub-view that starts on a multiple of %d", info.Size),
			"byte offset %d is not a multiple of %d, the size of a %s element", v.off, info.Size, info.ArrayType)
	}
	if v.ByteLength()%info.Size != 0 {
		return nil, errorf(op, ErrMisaligned, fmt.Sprintf("cast a sub-view whose byte length is a multiple of %d", info.Size),
			"byte length %d is not a multiple of %d", v.ByteLength(), info.Size)
	}
	if err := v.current(op, false); err != nil {
		return nil, err
	}
	return newView[U](v.src, info, v.off, v.ByteLength()/info.Size), nil
}
