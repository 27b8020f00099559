//go:build js && wasm

package atomicsx_test

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/sabview"
)

// heapRegion returns n int32 words and m int64 words over a shared
// WebAssembly.Memory, the kind of memory a shared-heap Pyodide has. Shared
// memories exist even where SharedArrayBuffer is hidden.
func heapRegion(t testing.TB, n, m int) (*sabview.View[int32], *sabview.View[int64]) {
	t.Helper()
	mem := newSharedMemory(1, 64)
	v32, err := sabview.FromMemory[int32](mem, 1024, n)
	if err != nil {
		t.Fatal(err)
	}
	v64, err := sabview.FromMemory[int64](mem, 1024+4*n+8, m)
	if err != nil {
		t.Fatal(err)
	}
	return v32, v64
}

// regions returns the memories every steady-state test runs on: a shared
// WebAssembly.Memory always, a SharedArrayBuffer where one exists.
func regions(t *testing.T, n, m int) map[string][2]any {
	out := map[string][2]any{}
	v32, v64 := heapRegion(t, n, m)
	out["heap"] = [2]any{v32, v64}
	if sabview.Available() {
		s32, _ := sabview.NewShared[int32](n)
		s64, _ := sabview.NewShared[int64](m)
		out["SharedArrayBuffer"] = [2]any{s32, s64}
	}
	return out
}

// TestSteadyStateAllocs checks that every raw operation and the triple
// buffer's hot paths allocate nothing in Go, on a shared heap and on a
// SharedArrayBuffer. Values beyond 255 and 2^53 are used so that boxing
// them for syscall/js, or the 64-bit scratch path, would show.
func TestSteadyStateAllocs(t *testing.T) {
	const big = 1 << 20
	for name, r := range regions(t, 8+atomicsx.FramesWords(256), 4) {
		v, v64 := r[0].(*sabview.View[int32]), r[1].(*sabview.View[int64])
		ops := []struct {
			name string
			f    func() error
		}{
			{"Load", func() error { _, err := atomicsx.Load(v, 3); return err }},
			{"Store", func() error { return atomicsx.Store(v, 3, big) }},
			{"Add", func() error { _, err := atomicsx.Add(v, 3, big); return err }},
			{"Sub", func() error { _, err := atomicsx.Sub(v, 3, big); return err }},
			{"And", func() error { _, err := atomicsx.And(v, 3, big); return err }},
			{"Or", func() error { _, err := atomicsx.Or(v, 3, big); return err }},
			{"Xor", func() error { _, err := atomicsx.Xor(v, 3, big); return err }},
			{"Exchange", func() error { _, err := atomicsx.Exchange(v, 3, big); return err }},
			{"CompareExchange", func() error { _, err := atomicsx.CompareExchange(v, 3, big, big+1); return err }},
			{"Notify", func() error { _, err := atomicsx.Notify(v, 3, atomicsx.All); return err }},
			{"Load64", func() error { _, err := atomicsx.Load64(v64, 1); return err }},
			{"Store64", func() error { return atomicsx.Store64(v64, 1, 1<<60) }},
			{"Add64", func() error { _, err := atomicsx.Add64(v64, 2, big); return err }},
		}
		frames, err := v.Sub(8, v.Len())
		if err != nil {
			t.Fatal(err)
		}
		w, err := atomicsx.NewFrameWriter(frames)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := atomicsx.NewFrameReader(frames)
		if err != nil {
			t.Fatal(err)
		}
		frame := make([]byte, 200)
		ops = append(ops, []struct {
			name string
			f    func() error
		}{
			{"FrameWriter.Publish", func() error { _, err := w.Publish(frame); return err }},
			{"FrameReader.Take(nil)", func() error {
				if _, err := w.Publish(frame); err != nil {
					return err
				}
				_, _, err := rd.Take(nil)
				return err
			}},
			{"FrameReader.Front", func() error { _, _, err := rd.Front(); return err }},
		}...)
		for _, op := range ops {
			t.Run(name+"/"+op.name, func(t *testing.T) {
				var err error
				allocs := testing.AllocsPerRun(200, func() {
					if e := op.f(); e != nil {
						err = e
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				if allocs != 0 {
					t.Errorf("%s: %v allocations per call, want 0", op.name, allocs)
				}
			})
		}
	}
}

// newSharedMemory returns a shared WebAssembly.Memory of initial pages that
// may grow to maximum.
func newSharedMemory(initial, maximum int) js.Value {
	return js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": initial, "maximum": maximum, "shared": true})
}
