//go:build js && wasm

package sabview_test

import (
	"fmt"
	"math"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// sources lists every kind of memory a view can sit on. Each entry returns a
// fresh view of n elements starting at a non-zero offset where the kind
// allows it, so offset arithmetic is exercised too.
func sources[T sabview.Element]() []struct {
	name   string
	shared bool
	make   func(n int) (*sabview.View[T], error)
} {
	size := sabview.TypeOf[T]().Size
	return []struct {
		name   string
		shared bool
		make   func(n int) (*sabview.View[T], error)
	}{
		{"NewShared", true, func(n int) (*sabview.View[T], error) { return sabview.NewShared[T](n) }},
		{"SharedArrayBuffer", true, func(n int) (*sabview.View[T], error) {
			return sabview.FromBuffer[T](js.Global().Get("SharedArrayBuffer").New((n+3)*size), 2*size, n)
		}},
		{"ArrayBuffer", false, func(n int) (*sabview.View[T], error) {
			return sabview.FromBuffer[T](js.Global().Get("ArrayBuffer").New((n+1)*size), size, n)
		}},
		{"TypedArray", false, func(n int) (*sabview.View[T], error) {
			return sabview.FromTypedArray[T](js.Global().Get(sabview.TypeOf[T]().ArrayType).New(n))
		}},
		{"Memory", false, func(n int) (*sabview.View[T], error) {
			mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 64})
			return sabview.FromMemory[T](mem, 1024, n)
		}},
		{"SharedMemory", true, func(n int) (*sabview.View[T], error) {
			mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 64, "shared": true})
			return sabview.FromMemory[T](mem, 4096, n)
		}},
	}
}

func TestAliasing(t *testing.T) {
	t.Run("int8", testAliasing[int8])
	t.Run("uint8", testAliasing[uint8])
	t.Run("int16", testAliasing[int16])
	t.Run("uint16", testAliasing[uint16])
	t.Run("int32", testAliasing[int32])
	t.Run("uint32", testAliasing[uint32])
	t.Run("float32", testAliasing[float32])
	t.Run("float64", testAliasing[float64])
	t.Run("int64", testAliasing[int64])
	t.Run("uint64", testAliasing[uint64])
	t.Run("named", testAliasing[celsius])
}

type celsius float32

// values returns distinct test values for T, including its extremes.
func values[T sabview.Element](n int) []T {
	out := make([]T, n)
	var zero T
	minusOne := zero - 1 // wraps to the maximum for unsigned types
	for i := range out {
		out[i] = T(i*7+1) * minusOne
	}
	if n > 2 {
		out[1] = minusOne
		switch p := any(&out[2]).(type) {
		case *int64:
			*p = math.MinInt64 + 12345 // needs all 64 bits
		case *uint64:
			*p = math.MaxUint64 - 6789
		case *float64:
			*p = 1.0 / 3.0
		}
	}
	return out
}

func testAliasing[T sabview.Element](t *testing.T) {
	const n = 9
	for _, src := range sources[T]() {
		t.Run(src.name, func(t *testing.T) {
			if src.shared && src.name != "SharedMemory" {
				requireShared(t)
			}
			v, err := src.make(n)
			if err != nil {
				t.Fatal(err)
			}
			if v.Len() != n || v.ByteLength() != n*sabview.TypeOf[T]().Size {
				t.Fatalf("Len %d ByteLength %d, want %d elements", v.Len(), v.ByteLength(), n)
			}
			if v.Shared() != src.shared {
				t.Errorf("Shared() = %v, want %v", v.Shared(), src.shared)
			}
			ta := must(v.Array())(t)
			if got := ta.Get("constructor").Get("name").String(); got != sabview.TypeOf[T]().ArrayType {
				t.Fatalf("Array() is a %s, want %s", got, sabview.TypeOf[T]().ArrayType)
			}
			want := values[T](n)

			// JS writes, Go reads through the view.
			for i, x := range want {
				ta.SetIndex(i, jsNum(x))
			}
			for i, x := range want {
				if got := must(v.At(i))(t); got != x {
					t.Fatalf("JS wrote %v at %d, view.At reads %v", x, i, got)
				}
			}
			got := must(v.ToSlice())(t)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("CopyTo[%d] = %v, want %v", i, got[i], want[i])
				}
			}

			// Go writes element-wise, JS reads.
			for i, x := range want {
				if err := v.Set(n-1-i, x); err != nil {
					t.Fatal(err)
				}
			}
			for i, x := range want {
				if got, exp := jsString(ta.Index(n-1-i)), jsString(js.ValueOf(jsNum(x))); got != exp {
					t.Fatalf("view.Set(%d, %v): JS reads %s, want %s", n-1-i, x, got, exp)
				}
			}

			// Go writes in bulk, JS reads.
			rev := make([]T, n)
			for i := range want {
				rev[i] = want[n-1-i] + 1
			}
			if k, err := v.CopyFrom(rev); err != nil || k != n {
				t.Fatalf("CopyFrom = %d, %v", k, err)
			}
			for i, x := range rev {
				if got, exp := jsString(ta.Index(i)), jsString(js.ValueOf(jsNum(x))); got != exp {
					t.Fatalf("after CopyFrom JS reads %s at %d, want %s", got, i, exp)
				}
			}

			// A second view over the same bytes sees the first one's writes.
			sub := must(v.Sub(2, 5))(t)
			other := must(sabview.FromBuffer[T](must(v.Buffer())(t), v.ByteOffset(), v.Len()))(t)
			if !sabview.Overlap(v, other) || !sabview.Overlap(sub, other) {
				t.Fatal("views over the same region must report Overlap")
			}
			if err := sub.Set(0, want[4]); err != nil {
				t.Fatal(err)
			}
			if got := must(other.At(2))(t); got != want[4] {
				t.Fatalf("write through Sub(2,5)[0] seen by the second view as %v, want %v", got, want[4])
			}
			if err := other.Set(4, want[5]); err != nil {
				t.Fatal(err)
			}
			if got := must(sub.At(2))(t); got != want[5] {
				t.Fatalf("write through the second view seen by Sub as %v, want %v", got, want[5])
			}
		})
	}
}

// must adapts a (value, error) pair for one-line use: must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestOverlap(t *testing.T) {
	requireShared(t)
	sab := js.Global().Get("SharedArrayBuffer").New(64)
	a := must(sabview.FromBuffer[uint8](sab, 0, 16))(t)
	b := must(sabview.FromBuffer[uint32](sab, 12, 4))(t) // bytes [12, 28)
	c := must(sabview.FromBuffer[uint8](sab, 28, 4))(t)
	d := must(sabview.NewShared[uint8](64))(t) // another buffer
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"a∩b share bytes 12..15", sabview.Overlap(a, b), true},
		{"b∩a is symmetric", sabview.Overlap(b, a), true},
		{"b and c touch but do not overlap", sabview.Overlap(b, c), false},
		{"a and c are disjoint", sabview.Overlap(a, c), false},
		{"different buffers", sabview.Overlap(a, d), false},
		{"a with itself", a.Aliases(a), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// Prove the overlap claim by mutation: a write through b is read through a.
	if err := b.Set(0, 0x04030201); err != nil {
		t.Fatal(err)
	}
	for i, want := range []uint8{1, 2, 3, 4} {
		if got := must(a.At(12 + i))(t); got != want {
			t.Fatalf("a[%d] = %d after writing through b, want %d", 12+i, got, want)
		}
	}
}

func TestCast(t *testing.T) {
	v := must(sabview.FromTypedArray[float32](js.Global().Get("Float32Array").New(4)))(t)
	bits := must(sabview.Cast[uint32](v))(t)
	if err := v.Set(1, 1.5); err != nil {
		t.Fatal(err)
	}
	if got := must(bits.At(1))(t); got != math.Float32bits(1.5) {
		t.Fatalf("Cast view reads %#x, want the bits of 1.5 %#x", got, math.Float32bits(1.5))
	}
	u8 := must(sabview.Cast[uint8](v))(t)
	if u8.Len() != 16 {
		t.Fatalf("Cast[uint8] of 4 float32 has Len %d, want 16", u8.Len())
	}
}

func TestCopyPartial(t *testing.T) {
	v := must(sabview.FromTypedArray[int32](js.Global().Get("Int32Array").New(5)))(t)
	if n, err := v.CopyFrom([]int32{7, 8}); n != 2 || err != nil {
		t.Fatalf("CopyFrom(2 of 5) = %d, %v", n, err)
	}
	dst := make([]int32, 3)
	if n, err := v.CopyTo(dst); n != 3 || err != nil {
		t.Fatalf("CopyTo(len 3) = %d, %v", n, err)
	}
	if fmt.Sprint(dst) != "[7 8 0]" {
		t.Fatalf("CopyTo got %v, want [7 8 0]", dst)
	}
	big := make([]int32, 10)
	if n, _ := v.CopyTo(big); n != 5 {
		t.Fatalf("CopyTo into a longer slice copied %d, want 5", n)
	}
}

func TestString(t *testing.T) {
	v := must(sabview.FromTypedArray[float64](js.Global().Get("Float64Array").New(3)))(t)
	if got, want := v.String(), "sabview.View[Float64Array]{len 3, bytes [0, 24) of a ArrayBuffer}"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}
