//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestViewExisting views buffers Python created itself, zero-copy, and
// proves it by mutation both ways; while viewed, Python cannot resize them.
func TestViewExisting(t *testing.T) {
	b := bridge(t)
	cases := []struct {
		name, create string
		shape        []int
		view         func() (int, error) // views the object, checks aliasing, returns its Len
		resize       string              // Python that fails with BufferError while pinned, "" if n/a
	}{
		{name: "ve_array_f", create: "import array\nve_array_f = array.array('f', [0.5, 1.5, 2.5])", shape: []int{3},
			resize: "ve_array_f.append(1)"},
		{name: "ve_bytearray", create: "ve_bytearray = bytearray(b'abc')", shape: []int{3},
			resize: "ve_bytearray.extend(b'x')"},
		{name: "ve_mv_2d", create: "ve_mv_2d = memoryview(bytearray(24)).cast('i', (2, 3))", shape: []int{2, 3}},
		{name: "ve_array_d", create: "import array\nve_array_d = array.array('d', range(5))", shape: []int{5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run(t, b, c.create)
			var (
				leased interface{ Lease() *sabview.Lease }
				n      int
			)
			switch c.name {
			case "ve_array_f":
				v := viewAndMutate[float32](t, b, c.name, 1.5, 42)
				leased, n = v, v.Len()
			case "ve_bytearray":
				v := viewAndMutate[uint8](t, b, c.name, 'b', 'Z')
				leased, n = v, v.Len()
			case "ve_mv_2d":
				v := viewAndMutate[int32](t, b, c.name, 0, -9)
				leased, n = v, v.Len()
			case "ve_array_d":
				v := viewAndMutate[float64](t, b, c.name, 1, 1e300)
				leased, n = v, v.Len()
			}
			want := 1
			for _, d := range c.shape {
				want *= d
			}
			if n != want {
				t.Fatalf("Len %d, want %d", n, want)
			}
			if got := b.Shape(leased); !slices.Equal(got, c.shape) {
				t.Fatalf("Shape %v, want %v", got, c.shape)
			}
			if c.resize != "" {
				run(t, b, fmt.Sprintf("try:\n    %s\nexcept BufferError:\n    pass\nelse:\n    raise AssertionError('resized while a Go view pins it')", c.resize))
			}
			if err := b.Free(context.Background(), leased); err != nil {
				t.Fatal(err)
			}
			if c.resize != "" {
				run(t, b, c.resize) // unpinned now
			}
			run(t, b, fmt.Sprintf("assert %q in globals(), 'Free must not unbind a name the bridge did not bind'", c.name))
		})
	}
}

// viewAndMutate views name, checks the element at index 1 (flat) has the
// value Python put there (want),
// writes goWrite there from Go, and has Python read it back.
func viewAndMutate[T sabview.Element](t *testing.T, b *pyodidebridge.Bridge, name string, want, goWrite T) *sabview.View[T] {
	t.Helper()
	v, err := pyodidebridge.ViewOf[T](context.Background(), b, name)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.At(1); err != nil || got != want {
		t.Fatalf("Go read %s[1] = %v, %v; want %v", name, got, err, want)
	}
	if err := v.Set(1, goWrite); err != nil {
		t.Fatal(err)
	}
	run(t, b, fmt.Sprintf("assert _flat(%s)[1] == %v, _flat(%s)[1]", name, pyLiteral(goWrite), name))
	run(t, b, fmt.Sprintf("_m = memoryview(%s).cast('B').cast(memoryview(%s).format)\n_m[0] = _m[1]\ndel _m", name, name))
	if got, _ := v.At(0); got != goWrite {
		t.Fatalf("Go read %s[0] = %v after Python copied %v there", name, got, goWrite)
	}
	return v
}

func pyLiteral[T sabview.Element](x T) string {
	if f, ok := any(x).(float64); ok {
		return fmt.Sprintf("%g", f)
	}
	return fmt.Sprint(x)
}

// TestShare binds names to views of the heap without copying: a reshaped
// whole array, a Sub, and a view the bridge does not own.
func TestShare(t *testing.T) {
	b := bridge(t)
	v, err := pyodidebridge.Alloc[float32](context.Background(), b, "share_base", 12)
	if err != nil {
		t.Fatal(err)
	}
	if err := pyodidebridge.Share(context.Background(), b, "share_2d", v, 3, 4); err != nil {
		t.Fatal(err)
	}
	run(t, b, "assert tuple(memoryview(share_2d).shape) == (3, 4)\nshare_2d[1, 2] = 6.5")
	if got, _ := v.At(6); got != 6.5 {
		t.Fatalf("Go read %v at flat index 6 after Python wrote share_2d[1, 2] = 6.5", got)
	}
	tail, _ := v.Sub(8, 12)
	if err := pyodidebridge.Share(context.Background(), b, "share_tail", tail); err != nil {
		t.Fatal(err)
	}
	run(t, b, "share_tail[3] = -1.25")
	if got, _ := v.At(11); got != -1.25 {
		t.Fatalf("Go read %v at 11 after Python wrote share_tail[3]", got)
	}
	tail.Set(0, 8)
	run(t, b, "assert share_tail[0] == 8.0 and share_base[8] == 8.0")

	// A view of the heap that no bridge call made: bound by address.
	loose, err := sabview.FromMemory[float32](b.Memory(), v.ByteOffset()+4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := pyodidebridge.Share(context.Background(), b, "share_loose", loose); err != nil {
		t.Fatal(err)
	}
	run(t, b, "share_loose[0] = 3.0")
	if got, _ := v.At(1); got != 3 {
		t.Fatalf("Go read %v at 1 after Python wrote share_loose[0]", got)
	}
	run(t, b, "del share_loose")

	// Sharing again with the same arguments rebinds the name to a fresh
	// array over the same bytes, also after Python dropped or rebound it.
	for round := range 3 {
		if err := pyodidebridge.Share(context.Background(), b, "share_2d", v, 3, 4); err != nil {
			t.Fatal(err)
		}
		run(t, b, fmt.Sprintf("assert tuple(memoryview(share_2d).shape) == (3, 4)\nshare_2d[0, 0] = %d\nshare_2d = None", round))
		if got, _ := v.At(0); got != float32(round) {
			t.Fatalf("round %d: Go read %v at 0", round, got)
		}
	}
	if err := pyodidebridge.Share(context.Background(), b, "share_2d", v, 3, 4); err != nil {
		t.Fatal(err)
	}

	// Shared names keep the memory alive after Free.
	live, _ := pyodidebridge.LiveEntries(b)
	if err := b.Free(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	reuseBait(t, b, 12*4)
	run(t, b, "assert share_2d[1, 2] == 6.5 and share_tail[3] == -1.25\ndel share_2d, share_tail")
	// Free dropped the entry and the two bindings prepared over it.
	if after, _ := pyodidebridge.LiveEntries(b); after != live-3 {
		t.Fatalf("Python holds %d entries and bindings after Free, want %d", after, live-3)
	}
}

// TestCopyInOut: CopyIn and CopyOut copy exactly once, so later writes on
// one side do not reach the other.
func TestCopyInOut(t *testing.T) {
	b := bridge(t)
	src, err := jsBacked[int32](6)
	if err != nil {
		t.Fatal(err)
	}
	src.CopyFrom([]int32{10, 20, 30, 40, 50, 60})
	in, err := pyodidebridge.CopyIn(context.Background(), b, "copied_in", src, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), in)
	run(t, b, "assert _flat(copied_in) == [10, 20, 30, 40, 50, 60]\nassert tuple(memoryview(copied_in).shape) == (2, 3)\ncopied_in[0, 0] = -1")
	if got, _ := src.At(0); got != 10 {
		t.Fatalf("source view saw Python's write to the copy (%d)", got)
	}
	if got, _ := in.At(0); got != -1 {
		t.Fatalf("CopyIn's returned view does not alias the Python array: %d", got)
	}
	src.Set(1, 99)
	run(t, b, "assert copied_in[0, 1] == 20")

	dst, err := jsBacked[int32](8)
	if err != nil {
		t.Fatal(err)
	}
	n, err := pyodidebridge.CopyOut(context.Background(), b, "copied_in", dst)
	if err != nil || n != 6 {
		t.Fatalf("CopyOut = %d, %v; want 6", n, err)
	}
	got, _ := dst.ToSlice()
	if want := []int32{-1, 20, 30, 40, 50, 60, 0, 0}; !slices.Equal(got, want) {
		t.Fatalf("CopyOut wrote %v, want %v", got, want)
	}
	run(t, b, "copied_in[1, 2] = 7")
	if x, _ := dst.At(5); x != 60 {
		t.Fatalf("CopyOut's destination saw a later Python write (%d)", x)
	}
	if live, err := pyodidebridge.LiveEntries(b); err != nil || live < 1 {
		t.Fatalf("LiveEntries = %d, %v", live, err)
	}
}

// jsBacked makes a view outside Pyodide's heap: a SharedArrayBuffer when
// available, else a plain ArrayBuffer.
func jsBacked[T sabview.Element](n int) (*sabview.View[T], error) {
	if sabview.Available() {
		return sabview.NewShared[T](n)
	}
	buf := jsGlobal("ArrayBuffer").New(n * sabview.TypeOf[T]().Size)
	return sabview.FromBuffer[T](buf, 0, n)
}
