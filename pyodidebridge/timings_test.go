//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestRequestTimings times the worker bridge's operations the way an app
// calls them: a plain loop, each call with a context of its own that has a
// deadline, one small array, and no-op Calls back to back and with pauses
// (a millisecond, 50 milliseconds, a second) before each; every row after
// 300 untimed steps. It logs p50, p99 and mean in microseconds and asserts nothing about them (timings are
// not pass/fail); it checks that every call succeeded. The figures in the README come from
//
//	SABKIT_BROWSER=chromium SABKIT_WASM_RUN=TestRequestTimings go test ./pyodidebridge -run Browser -v
//
// which runs it with Go on the page and with Go in a worker.
func TestRequestTimings(t *testing.T) {
	b := workerBridge(t)
	run(t, b, "import array\ntiming_existing = array.array('f', [0.0]) * 1024\n"+
		"def timing_noop(*args):\n    return None\n")
	now := wallMillis()
	call := func(f func(ctx context.Context) error) float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := now()
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
		return 1000 * (now() - start)
	}
	bg := context.Background()
	src, err := sabview.NewShared[float32](1024)
	if err != nil {
		t.Fatal(err)
	}
	n := 200
	if testing.Short() {
		n = 50
	}
	type row struct {
		name string
		us   []float64
	}
	var rows []row
	// Each row first takes warm untimed steps without pauses, so the engine
	// has compiled the path as it has in an app's loop; the pauses then
	// time waking up, not compiling.
	warm := 300
	if testing.Short() {
		warm = 10
	}
	measure := func(name string, count int, pause time.Duration, step func() float64) {
		for range warm {
			step()
		}
		us := make([]float64, 0, count)
		for range count {
			if pause > 0 {
				time.Sleep(pause)
			}
			us = append(us, step())
		}
		rows = append(rows, row{name, us})
	}
	measure("Alloc[float32](1024)", n, 0, func() float64 {
		var v *sabview.View[float32]
		us := call(func(ctx context.Context) (err error) {
			v, err = pyodidebridge.Alloc[float32](ctx, b, "timing_alloc", 1024)
			return err
		})
		b.Free(bg, v)
		return us
	})
	measure("ViewOf[float32]", n, 0, func() float64 {
		var v *sabview.View[float32]
		us := call(func(ctx context.Context) (err error) {
			v, err = pyodidebridge.ViewOf[float32](ctx, b, "timing_existing")
			return err
		})
		b.Free(bg, v)
		return us
	})
	measure("Free", n, 0, func() float64 {
		v, err := pyodidebridge.Alloc[float32](bg, b, "timing_free", 1024)
		if err != nil {
			t.Fatal(err)
		}
		return call(func(ctx context.Context) error { return b.Free(ctx, v) })
	})
	shared, err := pyodidebridge.Alloc[float32](bg, b, "timing_share_base", 1024)
	if err != nil {
		t.Fatal(err)
	}
	measure("Share", n, 0, func() float64 {
		return call(func(ctx context.Context) error { return pyodidebridge.Share(ctx, b, "timing_shared", shared) })
	})
	b.Free(bg, shared)
	measure("CopyIn[float32](1024)", n, 0, func() float64 {
		var v *sabview.View[float32]
		us := call(func(ctx context.Context) (err error) {
			v, err = pyodidebridge.CopyIn(ctx, b, "timing_copy", src)
			return err
		})
		b.Free(bg, v)
		return us
	})
	noop := func() float64 {
		return call(func(ctx context.Context) error { _, err := b.Call(ctx, "timing_noop"); return err })
	}
	pauses := []struct {
		name  string
		count int
		pause time.Duration
	}{{"back to back", 2 * n, 0}, {"1 ms after the last", n / 2, time.Millisecond}, {"50 ms after the last", 20, 50 * time.Millisecond}}
	if !testing.Short() {
		pauses = append(pauses, struct {
			name  string
			count int
			pause time.Duration
		}{"1 s after the last", 5, time.Second})
	}
	for _, p := range pauses {
		measure("Call, "+p.name, p.count, p.pause, noop)
	}
	// The floor: the same round trip in plain JavaScript (testdata/floor).
	if floor := startFloor(t); floor.Truthy() {
		defer floor.Call("close")
		for _, p := range pauses {
			measure("JS floor, "+p.name, p.count, p.pause, func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				v, err := promise.Await(ctx, floor.Call("roundTrip"))
				if err != nil {
					t.Fatal(err)
				}
				return v.Float()
			})
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "worker bridge, one call per context with a deadline, Go %s (%s):\n", goThread(), jsenv.Describe())
	fmt.Fprintf(&out, "    %-30s %6s %9s %9s %9s\n", "", "n", "p50 µs", "p99 µs", "mean µs")
	for _, r := range rows {
		p50, p99 := percentiles(r.us)
		fmt.Fprintf(&out, "    %-30s %6d %9.1f %9.1f %9.1f\n", r.name, len(r.us), p50, p99, mean(r.us))
	}
	t.Log("\n" + out.String())
}

// startFloor starts testdata/floor/pingpong.mjs where a browser serves it
// and this thread has Atomics.waitAsync; else it returns undefined.
func startFloor(t *testing.T) js.Value {
	base := os.Getenv("SABKIT_FLOOR_URL")
	if base == "" || js.Global().Get("Atomics").Get("waitAsync").Type() != js.TypeFunction {
		return js.Undefined()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mod, err := promise.Await(ctx, jsinterop.Import(base+"pingpong.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	floor, err := promise.Await(ctx, mod.Call("start"))
	if err != nil {
		t.Fatal(err)
	}
	return floor
}

func goThread() string {
	if jsinterop.InWorker() {
		return "in a worker"
	}
	if jsinterop.InNode() {
		return "under Node"
	}
	return "on the page"
}

func mean(us []float64) float64 {
	var sum float64
	for _, u := range us {
		sum += u
	}
	return sum / float64(len(us))
}
