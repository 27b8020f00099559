//go:build js && wasm

package sharedheap_test

import (
	"errors"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
)

// TestCrossThread: Python in the worker writes an array, this thread reads
// the same bytes through a view over the posted Memory; this thread writes,
// Python reads. Values are chosen so every dtype holds them exactly.
func TestCrossThread(t *testing.T) {
	w := shared(t)
	if !w.Shared() || w.Memory().IsUndefined() {
		t.Fatalf("the shared worker posted no shared Memory (shared=%v)", w.Shared())
	}
	if w.MemoryProperty != "memory" {
		t.Errorf("Pyodide %s keeps its Memory in _module.%q, want \"memory\"", w.Version, w.MemoryProperty)
	}
	cases := []struct {
		dtype string
		check func(t *testing.T, w *sharedheap.Worker, a sharedheap.Array)
	}{
		{"uint8", crossThread[uint8]},
		{"int16", crossThread[int16]},
		{"int32", crossThread[int32]},
		{"uint32", crossThread[uint32]},
		{"float32", crossThread[float32]},
		{"float64", crossThread[float64]},
		{"int64", crossThread[int64]},
	}
	for _, c := range cases {
		t.Run(c.dtype, func(t *testing.T) {
			ctx := ctxFor(t, time.Minute)
			a, err := w.Alloc(ctx, "cross_"+c.dtype, c.dtype, 16, 256)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Free(ctx, a.Name)
			if a.NBytes != 16*256*a.ItemSize || a.Address <= 0 {
				t.Fatalf("Alloc returned %+v", a)
			}
			c.check(t, w, a)
		})
	}
}

func crossThread[T sabview.Element](t *testing.T, w *sharedheap.Worker, a sharedheap.Array) {
	n := a.NBytes / a.ItemSize
	v, err := sabview.FromMemory[T](w.Memory(), a.Address, n)
	if err != nil {
		t.Fatal(err)
	}
	// Python → this thread.
	run(t, w, fmt.Sprintf(`
a = _sabkit_arrays[%q][0]
for i in range(len(a)):
    a[i] = (i * 7 + 3) %% 120`, a.Name))
	got, err := v.ToSlice()
	if err != nil {
		t.Fatal(err)
	}
	wrong := 0
	for i, x := range got {
		if x != T((i*7+3)%120) {
			if wrong < 5 {
				t.Errorf("element %d: this thread reads %v, Python wrote %d", i, x, (i*7+3)%120)
			}
			wrong++
		}
	}
	// This thread → Python.
	src := make([]T, n)
	want := 0
	for i := range src {
		src[i] = T((i*5 + 1) % 100)
		want += (i*5 + 1) % 100
	}
	if _, err := v.CopyFrom(src); err != nil {
		t.Fatal(err)
	}
	var sum float64
	runJSON(t, w, fmt.Sprintf("sum(_sabkit_arrays[%q][0])", a.Name), &sum)
	if int(sum) != want {
		t.Errorf("Python sums %v over what this thread wrote, want %d", sum, want)
	}
	if wrong > 0 {
		t.Errorf("%d of %d elements differ", wrong, n)
	}
}

// TestGrowthStorm: Python allocates and frees hundreds of MiB in 24 steps,
// growing the heap, while this thread keeps one view over an earlier
// allocation; after each step both sides check every element the other
// wrote. The view re-derives its arrays when memory.buffer.byteLength
// changes, so no read may be stale.
func TestGrowthStorm(t *testing.T) {
	w := shared(t)
	ctx := ctxFor(t, 3*time.Minute)
	const steps, chunkMiB, n = 24, 16, 1 << 15
	anchor, err := w.Alloc(ctx, "storm_anchor", "float64", 2, n)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Free(ctx, anchor.Name)
	defer run(t, w, "del storm_keep")
	run(t, w, "storm_keep = []\nstorm_anchor = _sabkit_arrays['storm_anchor'][0]")

	mem := w.Memory()
	pyHalf, err := sabview.FromMemory[float64](mem, anchor.Address, n) // Python writes here
	if err != nil {
		t.Fatal(err)
	}
	goHalf, err := sabview.FromMemory[float64](mem, anchor.Address+8*n, n) // this thread writes here
	if err != nil {
		t.Fatal(err)
	}
	startBytes := mem.Get("buffer").Get("byteLength").Int()
	size, growths, staleHere, staleThere := startBytes, 0, 0, 0
	for step := 1; step <= steps; step++ {
		src := make([]float64, n)
		for i := range src {
			src[i] = float64(step*1000000 + i)
		}
		if _, err := goHalf.CopyFrom(src); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		// Python checks this thread's half, allocates a chunk (and frees
		// every third one, so freed blocks are reused too), then rewrites its
		// own half.
		var wrongInPython int
		runJSON(t, w, fmt.Sprintf(`
s = %d
wrong = sum(1 for i in range(%d) if storm_anchor[%d + i] != s * 1000000 + i)
storm_keep.append(bytearray(%d << 20))
if s %% 3 == 0:
    storm_keep[-2] = None
for i in range(%d):
    storm_anchor[i] = s * 7 + i
wrong`, step, n, n, chunkMiB, n), &wrongInPython)
		staleThere += wrongInPython
		if now := mem.Get("buffer").Get("byteLength").Int(); now != size {
			growths++
			size = now
		}
		got, err := pyHalf.ToSlice()
		if err != nil {
			t.Fatalf("step %d: reading after growth: %v", step, err)
		}
		for i, x := range got {
			if x != float64(step*7+i) {
				if staleHere < 5 {
					t.Errorf("step %d element %d: read %v, Python wrote %d", step, i, x, step*7+i)
				}
				staleHere++
			}
		}
	}
	t.Logf("heap %d MiB → %d MiB in %d growths over %d steps; stale reads here %d, in Python %d",
		startBytes>>20, size>>20, growths, steps, staleHere, staleThere)
	if size-startBytes < 200<<20 {
		t.Errorf("the heap grew by %d MiB; the storm must grow it by at least 200 MiB", (size-startBytes)>>20)
	}
	if growths == 0 {
		t.Errorf("the heap never grew during the storm")
	}
	if staleHere+staleThere != 0 {
		t.Errorf("%d stale or wrong reads on this thread, %d in Python", staleHere, staleThere)
	}
}

// TestReadCopies: Read hands over a copy, so later writes on either side do
// not reach the other.
func TestReadCopies(t *testing.T) {
	w := shared(t)
	ctx := ctxFor(t, time.Minute)
	a, err := w.Alloc(ctx, "read_copy", "uint8", 32)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Free(ctx, a.Name)
	run(t, w, "ra = _sabkit_arrays['read_copy'][0]\nfor i in range(32):\n    ra[i] = i + 1")
	buf, err := w.Read(ctx, a.Name)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 32)
	u8 := js.Global().Get("Uint8Array").New(buf)
	js.CopyBytesToGo(got, u8)
	for i, x := range got {
		if int(x) != i+1 {
			t.Fatalf("copy byte %d = %d, Python wrote %d", i, x, i+1)
		}
	}
	run(t, w, "ra[0] = 200")
	u8.SetIndex(1, 201)
	if x := u8.Index(0).Int(); x != 1 {
		t.Errorf("Python's later write reached the copy: %d", x)
	}
	var second int
	runJSON(t, w, "ra[1]", &second)
	if second != 2 {
		t.Errorf("a write into the copy reached Python: %d", second)
	}
	if _, err := w.Read(ctx, "no_such_array"); !errors.Is(err, sharedheap.ErrPython) {
		t.Errorf("Read of an unknown name: %v", err)
	}
}
