//go:build js && wasm

package sabview_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestElementTypes checks the element table against JavaScript itself (each
// constructor's BYTES_PER_ELEMENT) and that each typed array and each
// (kind, size) names one row.
func TestElementTypes(t *testing.T) {
	all := sabview.ElementTypes()
	if len(all) != 10 {
		t.Fatalf("%d element types, want 10", len(all))
	}
	arrays := map[string]bool{}
	kinds := map[[2]int]bool{}
	for _, e := range all {
		t.Run(e.Go, func(t *testing.T) {
			if n := js.Global().Get(e.ArrayType).Get("BYTES_PER_ELEMENT").Int(); n != e.Size {
				t.Errorf("%s.BYTES_PER_ELEMENT = %d, the table says %d", e.ArrayType, n, e.Size)
			}
			if arrays[e.ArrayType] || kinds[[2]int{int(e.Kind), e.Size}] {
				t.Errorf("%s: %s or kind %q size %d names two rows", e.Go, e.ArrayType, e.Kind, e.Size)
			}
			arrays[e.ArrayType], kinds[[2]int{int(e.Kind), e.Size}] = true, true
		})
	}
	tests := []struct {
		got  sabview.ElementType
		want string
	}{
		{sabview.TypeOf[int8](), "b"}, {sabview.TypeOf[uint8](), "B"},
		{sabview.TypeOf[int16](), "h"}, {sabview.TypeOf[uint16](), "H"},
		{sabview.TypeOf[int32](), "i"}, {sabview.TypeOf[uint32](), "I"},
		{sabview.TypeOf[float32](), "f"}, {sabview.TypeOf[float64](), "d"},
		{sabview.TypeOf[int64](), "q"}, {sabview.TypeOf[uint64](), "Q"},
	}
	for _, tt := range tests {
		if tt.got.Format != tt.want {
			t.Errorf("%s: format %q, want %q", tt.got.Go, tt.got.Format, tt.want)
		}
	}
	for _, name := range []string{"Uint8ClampedArray", "Float16Array", "DataView", ""} {
		if arrays[name] {
			t.Errorf("%q is in the element table", name)
		}
	}
	if kinds[[2]int{'f', 2}] {
		t.Error("float16 is in the element table; it has no Element")
	}
}
