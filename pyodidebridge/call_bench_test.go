//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// BenchmarkCall measures the round trip of calling a no-op Python function
// (Func.Call, Call by name, and Func.Call with a view argument) next to
// Run("0"), which parses its source, on the worker bridge and on the
// same-thread one, and prints p50/p99 with the ratios.
func BenchmarkCall(b *testing.B) {
	type row struct {
		name     string
		p50, p99 float64
	}
	var rows []row
	now := wallMillis()
	measure := func(b *testing.B, br *pyodidebridge.Bridge, name string, call func(ctx context.Context) error) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			for range 200 { // warm up: JIT, first-use lookups
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]float64, 0, b.N)
			onChannel := 0
			if br.InWorker() {
				onChannel = -pyodidebridge.WorkerChannelRequests(br)
			}
			b.ResetTimer()
			for range b.N {
				start := now()
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, 1000*(now()-start))
			}
			if br.InWorker() {
				onChannel += pyodidebridge.WorkerChannelRequests(br)
				b.ReportMetric(float64(onChannel)/float64(b.N), "on-channel")
			}
			p50, p99 := percentiles(lat)
			b.ReportMetric(p50, "p50-µs")
			b.ReportMetric(p99, "p99-µs")
			if len(rows) > 0 && rows[len(rows)-1].name == b.Name() {
				rows = rows[:len(rows)-1] // a rerun with a larger b.N replaces the estimate
			}
			rows = append(rows, row{b.Name(), p50, p99})
		})
	}
	bridges := []struct {
		name string
		br   func(testing.TB) *pyodidebridge.Bridge
	}{{"worker", workerBridge}, {"same-thread", bridge}}
	for _, k := range bridges {
		br := k.br(b)
		run(b, br, "def bench_noop(*args):\n    pass")
		fn, err := br.Func(context.Background(), "bench_noop")
		if err != nil {
			b.Fatal(err)
		}
		view, err := pyodidebridge.Alloc[float32](context.Background(), br, "bench_call_view", 1024)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(k.name, func(b *testing.B) {
			measure(b, br, "Func.Call", func(ctx context.Context) error { _, err := fn.Call(ctx); return err })
			measure(b, br, "Call", func(ctx context.Context) error { _, err := br.Call(ctx, "bench_noop"); return err })
			measure(b, br, "Func.Call-view-int-str", func(ctx context.Context) error { _, err := fn.Call(ctx, view, 7, "x"); return err })
			measure(b, br, "Run-0", func(ctx context.Context) error { return br.Run(ctx, "0") })
		})
		fn.Free()
		br.Free(context.Background(), view)
	}
	fmt.Printf("\nno-op Python call round trip, %s:\n%-52s %10s %10s %14s\n", jsenv.Describe(), "", "p50 µs", "p99 µs", "Run-0 / this")
	runP50 := map[string]float64{}
	for _, r := range rows {
		if prefix, ok := strings.CutSuffix(r.name, "/Run-0"); ok {
			runP50[prefix] = r.p50
		}
	}
	for _, r := range rows {
		prefix := r.name[:strings.LastIndex(r.name, "/")]
		fmt.Printf("%-52s %10.1f %10.1f %13.1fx\n", r.name, r.p50, r.p99, runP50[prefix]/r.p50)
	}
}
