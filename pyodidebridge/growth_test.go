//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestGrowthStorm grows Pyodide's heap at least 20 times while Go holds
// views of Alloc'ed arrays, and checks every element in both directions
// after each growth. Python allocations grow the heap by Emscripten's
// geometric steps; when one did not grow it, the test forces a one-page
// growth through Emscripten's own growMemory, which also refreshes
// Pyodide's HEAP views (a bare memory.grow would leave them detached).
func TestGrowthStorm(t *testing.T) {
	b := bridge(t)
	const minGrowths = 20
	f32, err := pyodidebridge.Alloc[float32](context.Background(), b, "storm_f32", 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), f32)
	i32, err := pyodidebridge.Alloc[int32](context.Background(), b, "storm_i32", 5000)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), i32)
	defer run(t, b, "del storm_keep")
	run(t, b, "storm_keep = []")

	mem := b.Memory()
	module := b.Pyodide().Get("_module")
	growMemory := module.Get("growMemory")
	staleArr, _ := f32.Array() // taken before any growth
	size := mem.Get("buffer").Get("byteLength").Int()
	growths, byPython, wrong := 0, 0, 0
	for round := 1; growths < minGrowths; round++ {
		if round > 200 {
			t.Fatalf("only %d heap growths in 200 rounds", growths)
		}
		// Python allocates and keeps 1 MiB: the heap grows when it is full.
		run(t, b, "storm_keep.append(bytearray(1 << 20))")
		if now := mem.Get("buffer").Get("byteLength").Int(); now != size {
			byPython++
		} else if growMemory.Type() == js.TypeFunction {
			growMemory.Invoke(size + 65536)
		}
		if now := mem.Get("buffer").Get("byteLength").Int(); now != size {
			growths++
			size = now
		}

		// Go writes a round-specific pattern; Python checks every element.
		src := make([]float32, f32.Len())
		for i := range src {
			src[i] = float32(round*10000+i) * 0.5
		}
		if _, err := f32.CopyFrom(src); err != nil {
			t.Fatalf("round %d: CopyFrom after growth: %v", round, err)
		}
		run(t, b, fmt.Sprintf(`
_bad = [i for i, x in enumerate(_flat(storm_f32)) if x != (%d*10000+i)*0.5]
assert not _bad, "stale or wrong reads in Python at %%r" %% _bad[:5]
_m = memoryview(storm_i32)
for i in range(len(_m)):
    _m[i] = %d*7 - i
`, round, round))
		got, err := i32.ToSlice()
		if err != nil {
			t.Fatalf("round %d: ToSlice after growth: %v", round, err)
		}
		for i, x := range got {
			if x != int32(round*7-i) {
				wrong++
				if wrong < 5 {
					t.Errorf("round %d: Go read storm_i32[%d] = %d, want %d", round, i, x, round*7-i)
				}
			}
		}
		if x, err := f32.At(f32.Len() - 1); err != nil || x != src[len(src)-1] {
			wrong++
			t.Errorf("round %d: At(last) = %v, %v", round, x, err)
		}
	}
	if wrong != 0 {
		t.Fatalf("%d stale or wrong reads over %d growths", wrong, growths)
	}
	// A JS array taken before the storm shows that the storm replaced the
	// heap's buffer and the views above followed it: a non-shared buffer is
	// detached (length 0); a shared one stays valid but keeps its old
	// buffer, which does not span the whole heap any more.
	if b.Shared() {
		if old, now := staleArr.Get("buffer").Get("byteLength").Int(), mem.Get("buffer").Get("byteLength").Int(); old >= now {
			t.Fatalf("a Float32Array taken before %d growths has a %d-byte buffer, the heap %d; the heap was not replaced", growths, old, now)
		}
	} else if n := staleArr.Get("length").Int(); n != 0 {
		t.Fatalf("a Float32Array taken before %d growths still has length %d; the heap was not replaced", growths, n)
	}
	t.Logf("%d heap growths (%d from Python allocations), heap now %d MiB, 0 stale or wrong reads", growths, byPython, size>>20)
}

// TestGrowthLargePythonAllocation: Python allocating hundreds of MiB after
// Alloc must not break live Go views.
func TestGrowthLargePythonAllocation(t *testing.T) {
	b := bridge(t)
	v, err := pyodidebridge.Alloc[float64](context.Background(), b, "big_live", 1024)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), v)
	sub, err := v.Sub(512, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.Len() {
		v.Set(i, float64(i)+0.25)
	}
	before := b.Memory().Get("buffer").Get("byteLength").Int()
	// At least 300 MiB, and more than the heap holds, so it must grow.
	run(t, b, fmt.Sprintf("big_block = bytearray(%d)", max(300<<20, before)))
	defer run(t, b, "del big_block")
	after := b.Memory().Get("buffer").Get("byteLength").Int()
	t.Logf("heap %d MiB → %d MiB", before>>20, after>>20)
	if after <= before {
		t.Fatalf("heap did not grow (%d → %d bytes)", before, after)
	}
	checkFloat64s(t, v, func(i int) float64 { return float64(i) + 0.25 })
	run(t, b, "_m = memoryview(big_live).cast('B').cast('d')\nfor i in range(len(_m)): _m[i] = -i")
	checkFloat64s(t, v, func(i int) float64 { return float64(-i) })
	if x, err := sub.At(0); err != nil || x != -512 {
		t.Fatalf("Sub view after growth: At(0) = %v, %v; want -512", x, err)
	}
}

func checkFloat64s(t *testing.T, v *sabview.View[float64], want func(int) float64) {
	t.Helper()
	got, err := v.ToSlice()
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range got {
		if x != want(i) {
			t.Fatalf("element %d = %v, want %v", i, x, want(i))
		}
	}
}
