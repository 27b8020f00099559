//go:build js && wasm

package sabview_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// newMemory returns a WebAssembly.Memory of one page that may grow to 128.
func newMemory(shared bool) js.Value {
	return js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 128, "shared": shared})
}

// TestSteadyStateAllocs checks that element access, bulk copies and the
// arrays a view hands out allocate nothing in Go once the view's arrays are
// cached, over every kind of source. For memories that means the growth
// check reads a number instead of memory.buffer.
func TestSteadyStateAllocs(t *testing.T) {
	sources := []struct {
		name string
		view func(t *testing.T) *sabview.View[float32]
	}{
		{"ArrayBuffer", func(t *testing.T) *sabview.View[float32] {
			return must(sabview.FromBuffer[float32](js.Global().Get("ArrayBuffer").New(4096), 0, 1024))(t)
		}},
		{"Memory", func(t *testing.T) *sabview.View[float32] {
			return must(sabview.FromMemory[float32](newMemory(false), 64, 1024))(t)
		}},
		{"SharedMemory", func(t *testing.T) *sabview.View[float32] {
			return must(sabview.FromMemory[float32](newMemory(true), 64, 1024))(t)
		}},
	}
	if sabview.Available() {
		sources = append(sources, struct {
			name string
			view func(t *testing.T) *sabview.View[float32]
		}{"SharedArrayBuffer", func(t *testing.T) *sabview.View[float32] { return must(sabview.NewShared[float32](1024))(t) }})
	}
	short := make([]float32, 100)
	ops := []struct {
		name string
		f    func(v *sabview.View[float32]) error
	}{
		{"At", func(v *sabview.View[float32]) error { _, err := v.At(7); return err }},
		{"Set", func(v *sabview.View[float32]) error { return v.Set(7, 1.5) }},
		{"Array", func(v *sabview.View[float32]) error { _, err := v.Array(); return err }},
		{"Bytes", func(v *sabview.View[float32]) error { _, err := v.Bytes(); return err }},
		{"Buffer", func(v *sabview.View[float32]) error { _, err := v.Buffer(); return err }},
		{"CopyFrom", func(v *sabview.View[float32]) error { _, err := v.CopyFrom(short); return err }},
		{"CopyTo", func(v *sabview.View[float32]) error { _, err := v.CopyTo(short); return err }},
	}
	for _, src := range sources {
		for _, op := range ops {
			t.Run(src.name+"/"+op.name, func(t *testing.T) {
				v := src.view(t)
				var err error
				allocs := testing.AllocsPerRun(100, func() {
					if e := op.f(v); e != nil {
						err = e
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				if allocs != 0 {
					t.Errorf("%s on a %s view: %v allocations per call, want 0", op.name, src.name, allocs)
				}
			})
		}
	}
}

// TestGrowthSeenByCache grows a memory from JavaScript between two calls
// that each allocate nothing on their own, and checks that the second one
// hands out an array over the grown buffer: the cache must not hide growth.
func TestGrowthSeenByCache(t *testing.T) {
	for _, shared := range []bool{false, true} {
		mem := newMemory(shared)
		v := must(sabview.FromMemory[int32](mem, 0, 16))(t)
		before := must(v.Array())(t)
		mem.Call("grow", 1)
		after := must(v.Array())(t)
		want := mem.Get("buffer").Get("byteLength").Int()
		if got := after.Get("buffer").Get("byteLength").Int(); got != want {
			t.Errorf("shared=%v: Array() after growth is over a %d-byte buffer, the memory has %d", shared, got, want)
		}
		if after.Equal(before) {
			t.Errorf("shared=%v: Array() returned the pre-growth array", shared)
		}
		// Writes through the new buffer are read through the view, and back.
		js.Global().Get("Int32Array").New(mem.Get("buffer")).SetIndex(3, 33)
		if got := must(v.At(3))(t); got != 33 {
			t.Errorf("shared=%v: At(3) = %d after a JS write of 33 through the grown buffer", shared, got)
		}
	}
}
