//go:build js && wasm

package sabview_test

import (
	"math"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// kelvin checks that named float types keep their bits too.
type kelvin float32

// TestAtSetBitExact: At and Set move a float's bytes unchanged, NaN payloads
// and signs included, in both directions and on every kind of memory.
func TestAtSetBitExact(t *testing.T) {
	bits32 := []uint32{0x7f800001, 0xffc00001, 0x7fa5a5a5, 0x7fc00000, 0x80000000, 0x7f800000, 0x3f800000}
	bits64 := []uint64{0x7ff0000000000001, 0xfff8000000000123, 0x7ff4a5a5a5a5a5a5, 0x8000000000000000, 0x3ff0000000000000}
	t.Run("float32", func(t *testing.T) {
		testBits(t, bits32, math.Float32frombits, math.Float32bits)
	})
	t.Run("named float32", func(t *testing.T) {
		testBits(t, bits32,
			func(u uint32) kelvin { return kelvin(math.Float32frombits(u)) },
			func(c kelvin) uint32 { return math.Float32bits(float32(c)) })
	})
	t.Run("float64", func(t *testing.T) {
		testBits(t, bits64, math.Float64frombits, math.Float64bits)
	})
}

func testBits[T sabview.Element, B uint32 | uint64](t *testing.T, bits []B, from func(B) T, to func(T) B) {
	for _, src := range sources[T]() {
		t.Run(src.name, func(t *testing.T) {
			if src.shared {
				requireShared(t)
			}
			v, err := src.make(len(bits))
			if err != nil {
				t.Fatal(err)
			}
			arr, err := v.Array()
			if err != nil {
				t.Fatal(err)
			}
			// Raw words over the same bytes, to see bits no JavaScript
			// number conversion has touched.
			words := js.Global().Get("Uint32Array").New(arr.Get("buffer"), arr.Get("byteOffset"), len(bits)*sabview.TypeOf[T]().Size/4)
			word := func(i int) B {
				if sabview.TypeOf[T]().Size == 4 {
					return B(uint32(words.Index(i).Int()))
				}
				return B(uint64(uint32(words.Index(2*i+1).Int()))<<32 | uint64(uint32(words.Index(2*i).Int())))
			}
			setWord := func(i int, b B) {
				if sabview.TypeOf[T]().Size == 4 {
					words.SetIndex(i, uint32(b))
					return
				}
				words.SetIndex(2*i, uint32(uint64(b)))
				words.SetIndex(2*i+1, uint32(uint64(b)>>32))
			}
			for i, b := range bits {
				if err := v.Set(i, from(b)); err != nil {
					t.Fatal(err)
				}
				if got := word(i); got != b {
					t.Errorf("Set(%d, bits %#x) stored %#x", i, b, got)
				}
			}
			for i, b := range bits {
				setWord(i, b)
				x, err := v.At(i)
				if err != nil {
					t.Fatal(err)
				}
				if got := to(x); got != b {
					t.Errorf("At(%d) over bits %#x read %#x", i, b, got)
				}
			}
		})
	}
}
