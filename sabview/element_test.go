//go:build js && wasm

package sabview_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestElementTypes checks the element table against JavaScript itself (each
// constructor's BYTES_PER_ELEMENT) and that every lookup finds its row.
func TestElementTypes(t *testing.T) {
	all := sabview.ElementTypes()
	if len(all) != 10 {
		t.Fatalf("%d element types, want 10", len(all))
	}
	for _, e := range all {
		t.Run(e.Go, func(t *testing.T) {
			if n := js.Global().Get(e.ArrayType).Get("BYTES_PER_ELEMENT").Int(); n != e.Size {
				t.Errorf("%s.BYTES_PER_ELEMENT = %d, the table says %d", e.ArrayType, n, e.Size)
			}
			if got, ok := sabview.LookupArrayType(e.ArrayType); !ok || got != e {
				t.Errorf("LookupArrayType(%q) = %+v, %v", e.ArrayType, got, ok)
			}
			if got, ok := sabview.LookupKind(e.Kind, e.Size); !ok || got != e {
				t.Errorf("LookupKind(%q, %d) = %+v, %v", e.Kind, e.Size, got, ok)
			}
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
		if _, ok := sabview.LookupArrayType(name); ok {
			t.Errorf("LookupArrayType(%q) found an element type", name)
		}
	}
	if _, ok := sabview.LookupKind('f', 2); ok {
		t.Error("LookupKind('f', 2) found an element type; float16 has no Element")
	}
}
