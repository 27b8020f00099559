//go:build js && wasm

package sabview_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestGrowth grows a non-shared and a shared WebAssembly.Memory under live
// views. A non-shared memory detaches its old buffer on growth; a shared one
// keeps the old buffer at the old length. Either way the views must keep
// reading and writing the right bytes and hand out arrays over the current
// buffer.
func TestGrowth(t *testing.T) {
	for _, shared := range []bool{false, true} {
		name := "non-shared"
		if shared {
			name = "shared"
		}
		t.Run(name, func(t *testing.T) {
			mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 128, "shared": shared})
			const page = 64 << 10
			a := must(sabview.FromMemory[float64](mem, 8, 100))(t)
			b := must(sabview.FromMemory[int32](mem, page-64, 16))(t) // ends at the first page's edge
			sub := must(a.Sub(10, 20))(t)
			oldArray := must(a.Array())(t)
			for i := range 100 {
				if err := a.Set(i, float64(i)+0.5); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.CopyFrom([]int32{-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16}); err != nil {
				t.Fatal(err)
			}

			for round := 1; round <= 25; round++ {
				mem.Call("grow", 3)
				size := mem.Get("buffer").Get("byteLength").Int()
				if size != (1+3*round)*page {
					t.Fatalf("memory is %d bytes after %d growths", size, round)
				}
				// Reads through every live view are right.
				for _, i := range []int{0, 37, 99} {
					if got := must(a.At(i))(t); got != float64(i)+0.5 {
						t.Fatalf("round %d: a.At(%d) = %v, want %v", round, i, got, float64(i)+0.5)
					}
				}
				if got := must(sub.At(3))(t); got != 13.5 {
					t.Fatalf("round %d: sub.At(3) = %v, want 13.5", round, got)
				}
				got := must(b.ToSlice())(t)
				if got[0] != -1 || got[15] != -16 {
					t.Fatalf("round %d: b = %v", round, got)
				}
				// Arrays handed out are over the current buffer, never
				// detached or stale.
				arr := must(a.Array())(t)
				if n := arr.Get("length").Int(); n != 100 {
					t.Fatalf("round %d: Array().length = %d, want 100", round, n)
				}
				if bl := arr.Get("buffer").Get("byteLength").Int(); bl != size {
					t.Fatalf("round %d: Array() is over a %d-byte buffer, memory has %d", round, bl, size)
				}
				// JS writes through the memory's current buffer reach the view.
				js.Global().Get("Float64Array").New(mem.Get("buffer"), 8, 100).SetIndex(50, float64(round))
				if got := must(a.At(50))(t); got != float64(round) {
					t.Fatalf("round %d: JS write through the new buffer read back as %v", round, got)
				}
				if err := a.Set(50, 50.5); err != nil {
					t.Fatal(err)
				}
			}
			if !shared && oldArray.Get("length").Int() != 0 {
				t.Fatal("expected the first array of a non-shared memory to be detached by growth; the test is not testing detachment")
			}
			if shared && oldArray.Get("buffer").Get("byteLength").Int() != 64<<10 {
				t.Fatal("expected the first array of a shared memory to keep its old, stale buffer length")
			}
		})
	}
}

// TestDetachedBuffer checks that a view over an ArrayBuffer that was then
// transferred away reports ErrDetached instead of reading nothing.
func TestDetachedBuffer(t *testing.T) {
	buf := js.Global().Get("ArrayBuffer").New(16)
	v := must(sabview.FromBuffer[uint32](buf, 0, 4))(t)
	if err := v.Set(0, 7); err != nil {
		t.Fatal(err)
	}
	moved := transfer(buf)
	if got := js.Global().Get("Uint32Array").New(moved).Index(0).Int(); got != 7 {
		t.Fatalf("transferred buffer holds %d, want 7", got)
	}
	for name, op := range map[string]func() error{
		"At":     func() error { _, err := v.At(0); return err },
		"Set":    func() error { return v.Set(0, 1) },
		"CopyTo": func() error { _, err := v.CopyTo(make([]uint32, 4)); return err },
		"Array":  func() error { _, err := v.Array(); return err },
	} {
		if err := op(); !errorIs(err, sabview.ErrDetached) {
			t.Errorf("%s on a detached view: %v, want ErrDetached", name, err)
		}
	}
}
