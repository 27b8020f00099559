//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// EnvBenchSizes lists the hand-off sizes in MiB, comma-separated.
const EnvBenchSizes = "SABKIT_BENCH_SIZES"

const defaultBenchSizes = "1,64,512"

func benchSizes(b *testing.B) []int {
	spec := os.Getenv(EnvBenchSizes)
	if spec == "" {
		spec = defaultBenchSizes
	}
	var sizes []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n > 1024 {
			b.Fatalf("%s=%q: want sizes in MiB between 1 and 1024, comma-separated", EnvBenchSizes, spec)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// benchSeedSetup pre-binds the seed recipe's Python half, so the benchmark
// measures its copy rather than parsing.
const benchSeedSetup = `
import sys
def bench_seed():
    global bench_seed_arr
    np = sys.modules.get("numpy")
    bench_seed_arr = None  # free the previous copy first, as a steady state would
    mv = js_shared_view.to_py()  # a private copy in Pyodide's heap
    bench_seed_arr = np.frombuffer(mv, dtype=np.float32) if np else mv
`

// BenchmarkHandOff hands a float32 array of each size to Python three ways,
// in one run, and prints a table with the ratios:
//
//   - zero-copy: the bytes already live in Pyodide's heap (Alloc); Share binds
//     a Python name to them.
//   - seed: the recipe pyodide.globals.set(name, sabBackedFloat32Array) and
//     Python's js_view.to_py() (+ np.frombuffer with NumPy), which copies.
//   - copyin: CopyIn from the same SharedArrayBuffer view: allocate in the
//     heap and copy once, then Free.
func BenchmarkHandOff(b *testing.B) {
	br := bridge(b)
	run(b, br, benchSeedSetup)
	seedFn := br.Pyodide().Get("globals").Call("get", "bench_seed")
	defer seedFn.Call("destroy")
	globals := br.Pyodide().Get("globals")

	type row struct {
		mib                          int
		zero, seed, copyIn           time.Duration
		haveZero, haveSeed, haveCopy bool
	}
	var rows []*row
	for _, mib := range benchSizes(b) {
		r := &row{mib: mib}
		rows = append(rows, r)
		n := mib << 20 / 4
		var src *sabview.View[float32]
		var err error
		if sabview.Available() {
			src, err = sabview.NewShared[float32](n)
		} else {
			src, err = sabview.FromBuffer[float32](jsGlobal("ArrayBuffer").New(n*4), 0, n)
		}
		if err != nil {
			b.Fatal(err)
		}
		src.Set(n-1, 3.5)
		srcArr, _ := src.Array()

		b.Run(fmt.Sprintf("size=%dMiB/seed", mib), func(b *testing.B) {
			b.SetBytes(int64(mib) << 20)
			globals.Call("set", "js_shared_view", srcArr)
			seedFn.Invoke() // grow the heap for the copy outside the timed loop
			for b.Loop() {
				seedFn.Invoke()
			}
			r.seed, r.haveSeed = b.Elapsed()/time.Duration(b.N), true
		})
		run(b, br, "del js_shared_view, bench_seed_arr")

		b.Run(fmt.Sprintf("size=%dMiB/copyin", mib), func(b *testing.B) {
			b.SetBytes(int64(mib) << 20)
			if v, err := pyodidebridge.CopyIn(context.Background(), br, "bench_copied", src); err == nil {
				br.Free(context.Background(), v) // grow the heap outside the timed loop
			}
			for b.Loop() {
				v, err := pyodidebridge.CopyIn(context.Background(), br, "bench_copied", src)
				if err != nil {
					b.Fatal(err)
				}
				br.Free(context.Background(), v)
			}
			r.copyIn, r.haveCopy = b.Elapsed()/time.Duration(b.N), true
		})

		heap, err := pyodidebridge.Alloc[float32](context.Background(), br, "bench_heap", n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("size=%dMiB/zero-copy", mib), func(b *testing.B) {
			// No SetBytes: Share binds a name to bytes already in the heap
			// and moves none, so a throughput would be invented.
			for b.Loop() {
				if err := pyodidebridge.Share(context.Background(), br, "bench_shared", heap); err != nil {
					b.Fatal(err)
				}
			}
			r.zero, r.haveZero = b.Elapsed()/time.Duration(b.N), true
			if r.haveSeed && r.zero > 0 {
				b.ReportMetric(float64(r.seed)/float64(r.zero), "x-faster-than-seed")
			}
		})
		run(b, br, "del bench_shared")
		br.Free(context.Background(), heap)
	}

	where := jsenv.Describe()
	fmt.Printf("\npyodidebridge hand-off of a float32 array to Python (%s; Pyodide %s), time per hand-off:\n", where, br.Version())
	fmt.Printf("%8s  %12s  %12s  %12s  %14s  %14s\n", "size", "zero-copy", "seed recipe", "CopyIn", "seed/zero-copy", "CopyIn/zero")
	var first *row
	for _, r := range rows {
		if !(r.haveZero && r.haveSeed && r.haveCopy) || r.zero <= 0 {
			continue
		}
		if first == nil {
			first = r
		}
		fmt.Printf("%5d MiB  %12v  %12v  %12v  %13.0fx  %13.0fx\n", r.mib, r.zero, r.seed, r.copyIn,
			float64(r.seed)/float64(r.zero), float64(r.copyIn)/float64(r.zero))
	}
	if first != nil {
		for _, r := range rows[1:] {
			if r.haveZero && r.zero > 0 {
				fmt.Printf("zero-copy at %d MiB / at %d MiB: %.2fx\n", r.mib, first.mib, float64(r.zero)/float64(first.zero))
			}
		}
	}
}
