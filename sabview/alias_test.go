//go:build js && wasm

package sabview_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestBytesAliases: the Uint8Array from Bytes covers exactly the view's
// bytes, and writes go both ways: a byte written through it changes the
// element the view reads, and an element written through the view shows up
// in its bytes (little-endian).
func TestBytesAliases(t *testing.T) {
	const n = 5
	for _, src := range sources[uint32]() {
		t.Run(src.name, func(t *testing.T) {
			if src.shared && src.name != "SharedMemory" {
				requireShared(t)
			}
			v := must(src.make(n))(t)
			u8 := must(v.Bytes())(t)
			if got := u8.Get("byteLength").Int(); got != v.ByteLength() {
				t.Fatalf("Bytes has %d bytes, the view %d", got, v.ByteLength())
			}
			if got := u8.Get("byteOffset").Int(); got != v.ByteOffset() {
				t.Fatalf("Bytes starts at byte %d of its buffer, the view at %d", got, v.ByteOffset())
			}

			// JS writes bytes 4..7 (element 1), Go reads the element.
			for k, b := range []int{0x11, 0x22, 0x33, 0x44} {
				u8.SetIndex(4+k, b)
			}
			if got := must(v.At(1))(t); got != 0x44332211 {
				t.Fatalf("after JS wrote bytes 4..7 through Bytes, view.At(1) = %#x, want 0x44332211", got)
			}
			if got := must(v.At(0))(t); got != 0 {
				t.Fatalf("view.At(0) = %#x after writing bytes 4..7 only", got)
			}

			// Go writes the last element, JS reads its bytes.
			if err := v.Set(n-1, 0xA1B2C3D4); err != nil {
				t.Fatal(err)
			}
			for k, want := range []int{0xD4, 0xC3, 0xB2, 0xA1} {
				if got := u8.Index(4*(n-1) + k).Int(); got != want {
					t.Fatalf("after view.Set(%d), Bytes[%d] = %#x, want %#x", n-1, 4*(n-1)+k, got, want)
				}
			}

			// A bulk copy into the view is seen through the same array.
			if _, err := v.CopyFrom([]uint32{0x01020304}); err != nil {
				t.Fatal(err)
			}
			if got := u8.Index(0).Int(); got != 0x04 {
				t.Fatalf("after CopyFrom, Bytes[0] = %#x, want 0x04", got)
			}
		})
	}
}

// TestFromTypedArrayAliasesCaller: a view made with FromTypedArray aliases
// the caller's own typed array, wherever that array sits in its buffer.
// Writes go through one and are read through the other, both ways.
func TestFromTypedArrayAliasesCaller(t *testing.T) {
	const n, at = 6, 3 // at: the caller's array starts at element 3 of its buffer
	g := js.Global()
	cases := []struct {
		name   string
		shared bool
		array  func() js.Value
	}{
		{"own buffer", false, func() js.Value { return g.Get("Float64Array").New(n) }},
		{"ArrayBuffer at an offset", false, func() js.Value {
			return g.Get("Float64Array").New(g.Get("ArrayBuffer").New(8*(n+at+2)), 8*at, n)
		}},
		{"SharedArrayBuffer at an offset", true, func() js.Value {
			return g.Get("Float64Array").New(g.Get("SharedArrayBuffer").New(8*(n+at+2)), 8*at, n)
		}},
		{"subarray", false, func() js.Value { return g.Get("Float64Array").New(n+at+2).Call("subarray", at, at+n) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.shared {
				requireShared(t)
			}
			ta := c.array()
			v := must(sabview.FromTypedArray[float64](ta))(t)
			if v.Len() != n {
				t.Fatalf("Len = %d, the caller's array has %d elements", v.Len(), n)
			}
			// The caller writes, the view reads.
			for i := range n {
				ta.SetIndex(i, float64(i)+0.25)
			}
			for i := range n {
				if got := must(v.At(i))(t); got != float64(i)+0.25 {
					t.Fatalf("caller wrote %v at %d, view.At reads %v", float64(i)+0.25, i, got)
				}
			}
			// The view writes, the caller reads.
			for i := range n {
				if err := v.Set(i, -float64(i)-0.5); err != nil {
					t.Fatal(err)
				}
			}
			for i := range n {
				if got := ta.Index(i).Float(); got != -float64(i)-0.5 {
					t.Fatalf("view.Set(%d, %v): the caller's array reads %v", i, -float64(i)-0.5, got)
				}
			}
			// Bulk copies too, and nothing outside the caller's array is touched.
			if _, err := v.CopyFrom([]float64{9, 8, 7, 6, 5, 4}); err != nil {
				t.Fatal(err)
			}
			if got := ta.Index(n - 1).Float(); got != 4 {
				t.Fatalf("after CopyFrom the caller's last element is %v, want 4", got)
			}
			whole := g.Get("Float64Array").New(ta.Get("buffer"))
			first := ta.Get("byteOffset").Int() / 8
			for i := range whole.Length() {
				if (i < first || i >= first+n) && whole.Index(i).Float() != 0 {
					t.Fatalf("element %d of the buffer, outside the caller's array, holds %v", i, whole.Index(i).Float())
				}
			}
		})
	}
}
