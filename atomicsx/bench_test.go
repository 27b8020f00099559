//go:build js && wasm

package atomicsx_test

import (
	"context"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"sort"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/sabview"
)

// perOp records ns/op of sub-benchmarks so the parent can print ratios
// measured in the same run. b.Run calls a function several times with
// growing b.N; the last call (the largest N) wins.
type perOp struct {
	names []string
	ns    map[string]float64
}

func (p *perOp) record(b *testing.B, name string) {
	if p.ns == nil {
		p.ns = map[string]float64{}
	}
	if _, ok := p.ns[name]; !ok {
		p.names = append(p.names, name)
	}
	p.ns[name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}

// The JavaScript baselines of the benchmarks below, kept as function bodies
// in testdata: a browser test cannot read the package's files at run time.
var (
	//go:embed testdata/bench_roundtrips.js
	roundTripsJS string
	//go:embed testdata/bench_framereader.js
	frameReaderJS string
)

// BenchmarkOps measures one raw operation per iteration, against a plain
// (non-atomic) sabview read and a bare Invoke of Atomics.load with no
// checks, on a SharedArrayBuffer and on a shared WebAssembly.Memory (a
// shared heap, whose views check for growth), and prints a table of ratios.
func BenchmarkOps(b *testing.B) {
	h32, h64 := heapRegion(b, 16, 4)
	b.Run("heap", func(b *testing.B) { benchOps(b, "shared WebAssembly.Memory", h32, h64) })
	if sabview.Available() {
		v64, err := sabview.NewShared[int64](4)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("SAB", func(b *testing.B) { benchOps(b, "SharedArrayBuffer", shared(b, 16), v64) })
	}
}

func benchOps(b *testing.B, what string, v *sabview.View[int32], v64 *sabview.View[int64]) {
	atomicsx.Store64(v64, 1, 1<<60) // beyond 2^53: the result takes the scratch path
	ta := array(b, v)
	load := js.Global().Get("Atomics").Get("load")
	var p perOp
	var sink int64
	// Warm the JIT up first so the first sub-benchmark is not penalised.
	for range 20000 {
		load.Invoke(ta, 3)
		atomicsx.Load(v, 3)
		atomicsx.Load64(v64, 1)
	}
	bench := func(name string, f func(i int)) {
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				f(i)
			}
			p.record(b, name)
		})
	}
	bench("bare-Invoke", func(i int) { sink += int64(load.Invoke(ta, 3).Int()) })
	bench("sabview.At", func(i int) { x, _ := v.At(3); sink += int64(x) })
	bench("Load", func(i int) { x, _ := atomicsx.Load(v, 3); sink += int64(x) })
	bench("Store", func(i int) { atomicsx.Store(v, 3, int32(i)) })
	bench("Add", func(i int) { x, _ := atomicsx.Add(v, 3, 1); sink += int64(x) })
	bench("Exchange", func(i int) { x, _ := atomicsx.Exchange(v, 3, int32(i)); sink += int64(x) })
	bench("CompareExchange", func(i int) { x, _ := atomicsx.CompareExchange(v, 3, int32(i), 0); sink += int64(x) })
	bench("Notify", func(i int) { n, _ := atomicsx.Notify(v, 3, atomicsx.All); sink += int64(n) })
	bench("Load64-small", func(i int) { x, _ := atomicsx.Load64(v64, 0); sink += x })
	bench("Load64-big", func(i int) { x, _ := atomicsx.Load64(v64, 1); sink += x })
	bench("Add64", func(i int) { x, _ := atomicsx.Add64(v64, 2, 1); sink += x })
	bench("CompareExchange64", func(i int) { x, _ := atomicsx.CompareExchange64(v64, 2, int64(i), 0); sink += x })
	if sink == 42 {
		fmt.Print("")
	}
	base := p.ns["bare-Invoke"]
	if base == 0 {
		return
	}
	fmt.Printf("\natomicsx raw operations on a %s (same run):\n%-20s %10s %12s\n", what, "op", "ns/op", "× bare Invoke")
	for _, n := range p.names {
		fmt.Printf("%-20s %10.1f %12.2f\n", n, p.ns[n], p.ns[n]/base)
	}
}

// BenchmarkPingPong measures a round trip between Go on this thread and a
// JavaScript worker: through Atomics (Go stores and notifies, then parks in
// WaitContext; the worker answers from Atomics.wait) and through
// postMessage (the worker echoes each message), and prints the ratio.
func BenchmarkPingPong(b *testing.B) {
	ctx := context.Background()
	var p perOp

	pong := startJSWorker(b)
	region, ctl := shared(b, 1), shared(b, 1)
	done := pong.run("pong", map[string]any{"region": array(b, region), "ctl": array(b, ctl)})
	if err := handshake(ctx, ctl); err != nil {
		b.Fatal(err)
	}
	ping := int32(-1)
	b.Run("Atomics", func(b *testing.B) {
		for b.Loop() {
			ping += 2 // odd: a ping; the worker answers ping+1
			atomicsx.Store(region, 0, ping)
			atomicsx.Notify(region, 0, atomicsx.All)
			for {
				x, _ := atomicsx.Load(region, 0)
				if x != ping {
					break
				}
				if _, err := atomicsx.WaitContext(ctx, region, 0, ping); err != nil {
					b.Fatal(err)
				}
			}
			ping++
		}
		p.record(b, "Atomics")
	})
	atomicsx.Store(region, 0, -1)
	atomicsx.Notify(region, 0, atomicsx.All)
	await(b, done, "pong")

	echo := startJSWorker(b)
	await(b, echo.run("echo", nil), "echo")
	b.Run("postMessage", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			echo.w.Call("postMessage", i)
			if got := (<-echo.replies).Int(); got != i {
				b.Fatalf("echo returned %d, want %d", got, i)
			}
		}
		p.record(b, "postMessage")
	})

	// The same echo driven by JavaScript alone on this thread, to show how
	// much of the postMessage figure is Go's callback path.
	pure := startJSWorker(b)
	await(b, pure.run("echo", nil), "echo")
	pure.w.Call("removeEventListener", "message", pure.onMsg)
	roundTrips := js.Global().Get("Function").New("w", "n", roundTripsJS)
	b.Run("postMessage-JS-only", func(b *testing.B) {
		// The timer runs (so b.N scales); the figure is JavaScript's own.
		r, err := promise.Await(ctx, roundTrips.Invoke(pure.w, b.N))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Float(), "js-ns/op")
		if p.ns == nil {
			p.ns = map[string]float64{}
		}
		p.ns["postMessage-JS-only"] = r.Float()
	})

	a, m, j := p.ns["Atomics"], p.ns["postMessage"], p.ns["postMessage-JS-only"]
	if a > 0 && m > 0 {
		b.ReportMetric(m/a, "postMessage/Atomics")
		fmt.Printf("\nGo↔JS worker round trip (same run): Atomics+waitAsync %.1f µs, postMessage %.1f µs, postMessage/Atomics = %.2f×; "+
			"postMessage between JS and the worker without Go: %.1f µs\n", a/1e3, m/1e3, m/a, j/1e3)
	}
}

// BenchmarkFrameLatency measures how long a frame published by a JavaScript
// worker (FrameWriter) takes to be observed by Go on this thread
// (FrameReader.Next, parked in Atomics.waitAsync), next to the floor measured
// in the same run: the same worker publishing to JavaScript on this thread,
// which waits with Atomics.waitAsync and takes the frame with the JavaScript
// FrameReader, no Go involved. The worker stamps each frame with
// performance.timeOrigin + now(), a clock shared by the threads, and waits
// for the reader's acknowledgement before the next one.
func BenchmarkFrameLatency(b *testing.B) {
	ctx := context.Background()
	perf := js.Global().Get("performance")
	origin := perf.Get("timeOrigin").Float()
	now := perf.Get("now").Call("bind", perf)
	var goLat, jsLat []float64
	b.Run("publish-observe", func(b *testing.B) {
		w := startJSWorker(b)
		region, ctl, ack := shared(b, atomicsx.FramesWords(8)), shared(b, 1), shared(b, 1)
		r, err := atomicsx.NewFrameReader(region)
		if err != nil {
			b.Fatal(err)
		}
		done := w.run("frameLatencyWriter", map[string]any{
			"region": array(b, region), "ctl": array(b, ctl), "ack": array(b, ack), "frames": b.N, "gapMs": frameGapMs})
		if err := handshake(ctx, ctl); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 8)
		goLat = goLat[:0]
		b.ResetTimer()
		for k := 1; k <= b.N; k++ {
			f, err := r.Next(ctx, buf)
			if err != nil {
				b.Fatal(err)
			}
			seen := origin + now.Invoke().Float()
			if f.Dropped != 0 {
				b.Fatalf("frame %d: %d dropped although the writer waits for acknowledgements", f.Number, f.Dropped)
			}
			sent := math.Float64frombits(binary.LittleEndian.Uint64(buf))
			goLat = append(goLat, (seen-sent)*1e3) // µs
			atomicsx.Store(ack, 0, int32(k))
			atomicsx.Notify(ack, 0, atomicsx.All)
		}
		b.StopTimer()
		await(b, done, "frameLatencyWriter")
		sort.Float64s(goLat)
		b.ReportMetric(quantile(goLat, 0.50), "p50-µs")
		b.ReportMetric(quantile(goLat, 0.99), "p99-µs")
	})
	b.Run("js-floor", func(b *testing.B) {
		if !jsHasWaitAsync() {
			b.Skip("the floor is JavaScript waiting with Atomics.waitAsync, which this engine lacks")
		}
		w := startJSWorker(b)
		region, ctl, ack := shared(b, atomicsx.FramesWords(8)), shared(b, 1), shared(b, 1)
		done := w.run("frameLatencyWriter", map[string]any{
			"region": array(b, region), "ctl": array(b, ctl), "ack": array(b, ack), "frames": b.N, "gapMs": frameGapMs})
		if err := handshake(ctx, ctl); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		res, err := promise.Await(ctx, jsFrameReader(b).Invoke(array(b, region), array(b, ack), b.N))
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		await(b, done, "frameLatencyWriter")
		jsLat = jsLat[:0]
		for i := range res.Length() {
			jsLat = append(jsLat, res.Index(i).Float())
		}
		sort.Float64s(jsLat)
		b.ReportMetric(quantile(jsLat, 0.50), "p50-µs")
		b.ReportMetric(quantile(jsLat, 0.99), "p99-µs")
	})
	if len(goLat) > 0 {
		fmt.Printf("\nframe publish (JS worker) → observe on this thread, %d frames:\n", len(goLat))
		fmt.Printf("%-44s %8s %8s %9s\n", "", "p50 µs", "p99 µs", "max µs")
		fmt.Printf("%-44s %8.1f %8.1f %9.1f\n", "Go FrameReader.Next (waitAsync)", quantile(goLat, 0.5), quantile(goLat, 0.99), slices.Max(goLat))
		if len(jsLat) > 0 {
			fmt.Printf("%-44s %8.1f %8.1f %9.1f\n", "JavaScript floor (waitAsync, no Go)", quantile(jsLat, 0.5), quantile(jsLat, 0.99), slices.Max(jsLat))
			if f := quantile(jsLat, 0.5); f > 0 {
				fmt.Printf("Go / floor at p50: %.2fx\n", quantile(goLat, 0.5)/f)
			}
		}
	}
}

// frameGapMs is the pause between the acknowledgement of a frame and the
// next publish, so that each frame finds the reader parked: the latency is
// then the wake-up path, not a frame that was already waiting.
const frameGapMs = 0.3

func jsHasWaitAsync() bool {
	return js.Global().Get("Atomics").Get("waitAsync").Type() == js.TypeFunction
}

// jsFrameReader returns a JavaScript function (region, ack, n) → Promise of
// n latencies in µs: it takes n frames with the JavaScript FrameReader,
// waiting with Atomics.waitAsync, and acknowledges each as Go does.
func jsFrameReader(b *testing.B) js.Value {
	src, err := fs.ReadFile(atomicsx.JSModule, "sabkit-atomics.js")
	if err != nil {
		b.Fatal(err)
	}
	js.Global().Get("Function").New(string(src)).Invoke()
	return js.Global().Get("Function").New("region", "ack", "n", frameReaderJS)
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
