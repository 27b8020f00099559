//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// wallMillis is performance.timeOrigin + performance.now(): unlike
// performance.now alone, it is comparable between threads.
func wallMillis() func() float64 {
	perf := js.Global().Get("performance")
	origin := perf.Get("timeOrigin").Float()
	now := perf.Get("now").Call("bind", perf)
	return func() float64 { return origin + now.Invoke().Float() }
}

// percentiles returns the p50 and p99 of samples in microseconds.
func percentiles(samples []float64) (p50, p99 float64) {
	if len(samples) == 0 {
		return math.NaN(), math.NaN()
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	at := func(q float64) float64 { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99)
}

// pyPacedFrames publishes n frames, each once the previous one was taken,
// stamped with the wall clock just before publish_back: the reader is then
// waiting, and what it measures is the hand-off itself.
func pyPacedFrames(name string, n int) string {
	return fmt.Sprintf(`
import js, struct, time
def _paced(fw, n):
    perf = js.performance
    origin = perf.timeOrigin
    now = perf.now
    taken = fw.addr + 16
    load = __import__("sabkit_atomics").load32
    give_up = time.monotonic() + 60
    for k in range(1, n + 1):
        while load(taken) != k - 1:
            if time.monotonic() > give_up:
                raise TimeoutError(f"the reader took {load(taken)} of {n} frames")
        struct.pack_into("<d", fw.back(), 0, origin + now())
        fw.publish_back(8)
_paced(%s, %d)
`, name, n)
}

// BenchmarkFrameLatency measures how long a frame published by Python in
// the worker takes to reach Go on this thread (atomicsx.FrameReader.Next,
// parked in Atomics.waitAsync), next to the round trip of the smallest RPC
// (Run of a constant), and prints both with their ratio.
func BenchmarkFrameLatency(b *testing.B) {
	wb := workerBridge(b)
	now := wallMillis()
	var frameP50, frameP99, rpcP50, rpcP99 float64
	b.Run("frames", func(b *testing.B) {
		region, err := pyodidebridge.AllocFrames(context.Background(), wb, "bench_frames", 8)
		if err != nil {
			b.Fatal(err)
		}
		defer wb.Free(context.Background(), region)
		reader, err := atomicsx.NewFrameReader(region)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		dst := make([]byte, reader.MaxFrameBytes())
		lat := make([]float64, 0, b.N)
		b.ResetTimer()
		done := runAsync(ctx, wb, pyPacedFrames("bench_frames", b.N))
		for range b.N {
			f, err := reader.Next(ctx, dst)
			seen := now()
			if err != nil {
				b.Fatal(err)
			}
			stamp := math.Float64frombits(binary.LittleEndian.Uint64(dst[:f.Len]))
			lat = append(lat, 1000*(seen-stamp))
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		frameP50, frameP99 = percentiles(lat)
		b.ReportMetric(frameP50, "p50-µs")
		b.ReportMetric(frameP99, "p99-µs")
	})
	b.Run("rpc", func(b *testing.B) {
		ctx := context.Background()
		lat := make([]float64, 0, b.N)
		for range b.N {
			start := now()
			if err := wb.Run(ctx, "0"); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, 1000*(now()-start))
		}
		rpcP50, rpcP99 = percentiles(lat)
		b.ReportMetric(rpcP50, "p50-µs")
		b.ReportMetric(rpcP99, "p99-µs")
	})
	fmt.Printf("\nPython (worker) → Go (this thread), %s:\n", jsenv.Describe())
	fmt.Printf("%-34s %10s %10s\n", "", "p50 µs", "p99 µs")
	fmt.Printf("%-34s %10.1f %10.1f\n", "frame hand-off (FrameWriter→Next)", frameP50, frameP99)
	fmt.Printf("%-34s %10.1f %10.1f\n", "Run(\"0\") round trip (postMessage)", rpcP50, rpcP99)
	if frameP50 > 0 {
		fmt.Printf("round trip / hand-off at p50: %.1fx\n", rpcP50/frameP50)
	}
}
