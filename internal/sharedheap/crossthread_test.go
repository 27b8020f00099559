//go:build js && wasm

package sharedheap_test

import (
	"errors"
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
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
		dtype, code string // Go's name, array module's typecode
		size        int
		check       func(t *testing.T, w *testWorker, a pyArray)
	}{
		{"uint8", "B", 1, crossThread[uint8]},
		{"int16", "h", 2, crossThread[int16]},
		{"int32", "i", 4, crossThread[int32]},
		{"uint32", "I", 4, crossThread[uint32]},
		{"float32", "f", 4, crossThread[float32]},
		{"float64", "d", 8, crossThread[float64]},
		{"int64", "q", 8, crossThread[int64]},
	}
	for _, c := range cases {
		t.Run(c.dtype, func(t *testing.T) {
			a := newArray(t, w, "cross_"+c.dtype, c.code, 16*256)
			if a.ItemSize != c.size {
				t.Fatalf("array %q has itemsize %d, want %d", c.code, a.ItemSize, c.size)
			}
			c.check(t, w, a)
		})
	}
}

func crossThread[T sabview.Element](t *testing.T, w *testWorker, a pyArray) {
	n := a.N
	v, err := sabview.FromMemory[T](w.Memory(), a.Address, n)
	if err != nil {
		t.Fatal(err)
	}
	// Python → this thread.
	run(t, w, fmt.Sprintf(`
for i in range(len(%[1]s)):
    %[1]s[i] = (i * 7 + 3) %% 120`, a.Name))
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
	runJSON(t, w, fmt.Sprintf("sum(%s)", a.Name), &sum)
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
	const steps, chunkMiB, n = 24, 16, 1 << 15
	anchor := newArray(t, w, "storm_anchor", "d", 2*n)
	defer run(t, w, "del storm_keep")
	run(t, w, "storm_keep = []")

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

// TestRunResultCopies: a Run result reaches this thread as a copy (worker.js
// converts bytes to a JSON-able array, and the reply is a structured clone),
// so later writes on either side do not reach the other; a view over the
// posted Memory, by contrast, sees Python's write.
func TestRunResultCopies(t *testing.T) {
	w := shared(t)
	ctx := ctxFor(t, time.Minute)
	a := newArray(t, w, "run_copy", "B", 32)
	run(t, w, "for i in range(32):\n    run_copy[i] = i + 1")
	cp, err := w.Run(ctx, "bytes(run_copy)")
	if err != nil {
		t.Fatal(err)
	}
	if cp.Type() != js.TypeObject || cp.Length() != 32 {
		t.Fatalf("bytes(run_copy) arrived as %s", jsinterop.Describe(cp))
	}
	for i := range 32 {
		if x := cp.Index(i).Int(); x != i+1 {
			t.Fatalf("copy byte %d = %d, Python wrote %d", i, x, i+1)
		}
	}
	run(t, w, "run_copy[0] = 200")
	cp.SetIndex(1, 201)
	if x := cp.Index(0).Int(); x != 1 {
		t.Errorf("Python's later write reached the copy: %d", x)
	}
	var second int
	runJSON(t, w, "run_copy[1]", &second)
	if second != 2 {
		t.Errorf("a write into the copy reached Python: %d", second)
	}
	v, err := sabview.FromMemory[uint8](w.Memory(), a.Address, 32)
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := v.At(0); x != 200 {
		t.Errorf("a view over the heap reads %d, Python wrote 200", x)
	}
	_, err = w.Run(ctx, "bytes(no_such_array)")
	var pe *sharedheap.PythonError
	if !errors.Is(err, sharedheap.ErrPython) || !errors.As(err, &pe) || pe.Type != "NameError" {
		t.Errorf("Run naming an unknown array: %v, want a NameError", err)
	}
}
