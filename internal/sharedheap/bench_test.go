//go:build js && wasm

package sharedheap_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/sharedheap"
)

// speedScript is a fixed CPU-bound workload: an integer loop and a small
// json/dict round trip. Both workers parse it once; runs call the function.
const speedScript = `
import json
def speed_workload():
    s = 0
    for i in range(3_000_000):
        s += i * i
    d = {}
    for i in range(20_000):
        d[f"k{i}"] = [i, str(i), {"v": i * 0.5}]
    back = json.loads(json.dumps(d))
    return s + len(back)
`

// BenchmarkPythonSpeed runs the same workload on the shared heap and on
// stock Pyodide, alternating so machine noise hits both alike, and reports
// stock time / shared time (1.0 = same speed, ≥ 0.95 is the target).
func BenchmarkPythonSpeed(b *testing.B) {
	sw, st := shared(b), stock(b)
	workers := []struct {
		name string
		w    *sharedheap.Worker
	}{{"shared", sw}, {"stock", st}}
	for _, x := range workers {
		run(b, x.w, speedScript)
		run(b, x.w, "speed_workload()") // warm up
	}
	var elapsed [2]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range workers {
			k := (i + j) % 2 // alternate which goes first
			start := time.Now()
			run(b, workers[k].w, "speed_workload()")
			elapsed[k] += time.Since(start)
		}
	}
	b.StopTimer()
	sharedMs := float64(elapsed[0].Microseconds()) / 1e3 / float64(b.N)
	stockMs := float64(elapsed[1].Microseconds()) / 1e3 / float64(b.N)
	ratio := stockMs / sharedMs
	b.ReportMetric(sharedMs, "shared-ms/op")
	b.ReportMetric(stockMs, "stock-ms/op")
	b.ReportMetric(ratio, "speed-ratio")
	fmt.Fprintf(os.Stdout, "\nPython speed, %d runs each (workload: sum of i*i for 3e6 i + 20k-key json round trip)\n", b.N)
	fmt.Fprintf(os.Stdout, "  %-8s %10.1f ms/run\n  %-8s %10.1f ms/run\n  shared-heap speed = %.3f × stock (target ≥ 0.95)\n",
		"shared", sharedMs, "stock", stockMs, ratio)
}
