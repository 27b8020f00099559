//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// EnvBrokenPyodideURL is a directory the browser harness serves next to
// Pyodide, whose loader throws.
const EnvBrokenPyodideURL = "SABKIT_BROKEN_PYODIDE_URL"

// The bounds the bridge promises.
const (
	deathBound = time.Second     // a dead worker is noticed
	closeBound = 2 * time.Second // Close returns
	grace      = time.Second     // a canceled Run waits this long for KeyboardInterrupt
)

// faultRow is one fault: what to do, with a bound on how long it may take.
// A fresh row gets a worker of its own, booted before its clock starts;
// the others share one.
type faultRow struct {
	name  string
	bound time.Duration
	fresh bool
	test  func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge)
}

// TestWorkerFaults: Python that loops, crashes or dies never hangs Go. Each
// row runs under a context of three times its bound and fails when it takes
// longer, so no row passes by timing out.
func TestWorkerFaults(t *testing.T) {
	if jsinterop.InNode() {
		t.Skip("the fault table drives browser workers (Web Locks, Worker.terminate, js.close); run go test ./pyodidebridge")
	}
	workerBridge(t) // skips where LoadWorker cannot work
	for _, row := range faultRows() {
		t.Run(row.name, func(t *testing.T) {
			b := workerBridge(t)
			if row.fresh {
				b = freshWorker(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*row.bound)
			defer cancel()
			start := time.Now()
			row.test(t, ctx, b)
			if d := time.Since(start); d > 3*row.bound {
				t.Errorf("took %v, bound %v", d, row.bound)
			}
		})
	}
}

func faultRows() []faultRow {
	return []faultRow{
		{"Python exception", 5 * time.Second, false, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			err := b.Run(ctx, "raise ValueError('boom')")
			var pe *pyodidebridge.PythonError
			if !errors.Is(err, pyodidebridge.ErrPython) || !errors.As(err, &pe) || pe.Type != "ValueError" || pe.Message != "boom" {
				t.Fatalf("got %v, want ErrPython with ValueError: boom", err)
			}
			run(t, b, "1")
			noLeaks(t, b)
		}},
		{"infinite loop canceled, then Run 1", 3 * (100*time.Millisecond + grace), false, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			v := allocView(t, b, "loop_kept")
			for i := 0; i < 3; i++ {
				loop, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				start := time.Now()
				err := b.Run(loop, "while True: pass")
				cancel()
				t.Logf("interrupt %d: Run returned after %v", i, time.Since(start).Round(time.Millisecond))
				if !errors.Is(err, pyodidebridge.ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) ||
					!strings.Contains(err.Error(), "interrupted") {
					t.Fatalf("got %v, want ErrCanceled and DeadlineExceeded saying Python was interrupted", err)
				}
				if err := b.Run(ctx, "1"); err != nil {
					t.Fatalf("Run(ctx, \"1\") after the interrupt: %v", err)
				}
			}
			if _, err := v.At(0); err != nil {
				t.Errorf("a view made before the interrupt: %v", err)
			}
			freeView(t, b, v)
			noLeaks(t, b)
		}},
		{"Free during a long Run", 2 * time.Second, false, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			before := liveEntries(t, b)
			v := allocView(t, b, "free_during_run")
			long, stop := context.WithCancel(ctx)
			done, flag := loopAsync(t, long, b)
			short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			err := b.Free(short, v)
			if !errors.Is(err, pyodidebridge.ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Free behind a running loop: %v, want ErrCanceled matching DeadlineExceeded", err)
			}
			if _, err := v.At(0); !errors.Is(err, sabview.ErrRevoked) || !errors.Is(err, pyodidebridge.ErrFreed) {
				t.Errorf("view after Free: %v, want ErrRevoked wrapping ErrFreed at once", err)
			}
			stop()
			if err := <-done; !errors.Is(err, pyodidebridge.ErrCanceled) {
				t.Fatalf("the loop ended with %v", err)
			}
			freeView(t, b, flag) // also releases what the canceled Free left
			if after := liveEntries(t, b); after != before {
				t.Errorf("live Python entries %d, before %d: the canceled release was not retried", after, before)
			}
			noLeaks(t, b)
		}},
		{"reserved names", time.Second, false, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			for _, name := range []string{"__builtins__", "__import__", "__name__", "class", "_sabkit_install", "1x", ""} {
				_, err := pyodidebridge.Alloc[float32](ctx, b, name, 4)
				var e *pyodidebridge.Error
				if !errors.Is(err, pyodidebridge.ErrName) || !errors.As(err, &e) || e.Fix == "" {
					t.Errorf("Alloc(%q): %v, want ErrName with a Fix", name, err)
				}
				if err := pyodidebridge.Share(ctx, b, name, plainView(t)); !errors.Is(err, pyodidebridge.ErrName) {
					t.Errorf("Share(%q): %v, want ErrName", name, err)
				}
			}
			v := allocView(t, b, "after_reserved")
			run(t, b, "assert len(after_reserved) == 4")
			freeView(t, b, v)
			noLeaks(t, b)
		}},
		{"10000 canceled calls leak nothing", 20 * time.Second, false, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			before := liveEntries(t, b)
			for i := 0; i < 10000; i++ {
				call, cancel := context.WithCancel(ctx)
				go func() { runtime.Gosched(); cancel() }()
				var err error
				switch i % 3 {
				case 0:
					_, err = b.NumPy(call)
				case 1:
					var v *sabview.View[float32]
					if v, err = pyodidebridge.Alloc[float32](call, b, "churn", 4); err == nil {
						err = b.Free(ctx, v)
					}
				default:
					err = b.Run(call, "0")
				}
				cancel()
				if err != nil && !errors.Is(err, pyodidebridge.ErrCanceled) {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			run(t, b, "1")
			if after := liveEntries(t, b); after != before {
				t.Errorf("live Python entries %d, before %d", after, before)
			}
			noLeaks(t, b)
		}},
		// First of the rows with a worker of their own: the heap it grows to
		// its limit is the largest, and WebKit boots fewer new workers the more
		// ended workers' heaps it has yet to reclaim.
		{"out of memory", 60 * time.Second, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			err := b.Run(ctx, "chunks = []\nwhile True:\n    chunks.append(bytearray(1 << 28))")
			switch {
			case errors.Is(err, pyodidebridge.ErrPython):
				var pe *pyodidebridge.PythonError
				if !errors.As(err, &pe) || pe.Type != "MemoryError" {
					t.Fatalf("got %v, want MemoryError", err)
				}
				run(t, b, "del chunks") // the worker survives
			case errors.Is(err, pyodidebridge.ErrWorkerDead):
				t.Logf("the worker died: %v", err)
			default:
				t.Fatalf("got %v, want MemoryError or ErrWorkerDead", err)
			}
			noLeaks(t, b)
		}},
		{"wasm trap in Call", deathBound, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			v := allocView(t, b, "trap_call_view")
			for range 3 { // the later calls go over the call channel
				if _, err := b.Call(ctx, "len", "x"); err != nil {
					t.Fatal(err)
				}
			}
			_, err := b.Call(ctx, "ctypes.string_at", 0xFFFFFF00, 0x1000)
			wantDead(t, "Call", err, "fatal")
			wantRevoked(t, v, pyodidebridge.ErrWorkerDead)
			noLeaks(t, b)
		}},
		{"js.close()", deathBound, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			v := allocView(t, b, "close_view")
			if err := b.Run(ctx, "import js\njs.close()"); err != nil {
				wantDead(t, "Run", err, "ended")
			}
			awaitRevoked(t, ctx, v)
			_, err := pyodidebridge.Alloc[float32](ctx, b, "after_close", 1)
			wantDead(t, "Alloc", err, "closed itself")
			noLeaks(t, b)
		}},
		// One worker for three faults: WebKit holds only a few heaps alive
		// at once (see collectEndedHeaps).
		{"terminate: noticed without a call, every call fails at once, Close returns", deathBound + closeBound, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			dead := kill(t, ctx, b)
			wantDead(t, "Run", b.Run(ctx, "1"), "terminated")
			v := plainView(t)
			calls := map[string]func() error{
				"Alloc":  func() error { _, err := pyodidebridge.Alloc[float32](ctx, b, "x", 4); return err },
				"View":   func() error { _, err := pyodidebridge.ViewOf[float32](ctx, b, "x"); return err },
				"Share":  func() error { return pyodidebridge.Share(ctx, b, "x", v) },
				"CopyIn": func() error { _, err := pyodidebridge.CopyIn(ctx, b, "x", v); return err },
				"Call":   func() error { _, err := b.Call(ctx, "len", "x"); return err },
				"CopyOut": func() error {
					_, err := pyodidebridge.CopyOut(ctx, b, "x", v)
					return err
				},
				"Run":         func() error { return b.Run(ctx, "1") },
				"NumPy":       func() error { _, err := b.NumPy(ctx); return err },
				"LoadPackage": func() error { return b.LoadPackage(ctx, "micropip") },
				"AllocMutex":  func() error { _, err := pyodidebridge.AllocMutex(ctx, b, "m"); return err },
			}
			for name, call := range calls {
				wantDead(t, name, call(), "")
			}
			noLeaks(t, b)
			start := time.Now()
			if err := b.Close(); err != nil {
				t.Fatalf("Close of a dead worker: %v", err)
			}
			if d := time.Since(start); d > closeBound {
				t.Errorf("Close of a dead worker took %v, bound %v", d, closeBound)
			}
			wantRevoked(t, dead, pyodidebridge.ErrWorkerDead)
			if err := b.Run(ctx, "1"); !errors.Is(err, pyodidebridge.ErrClosed) {
				t.Errorf("Run after Close: %v, want ErrClosed", err)
			}
		}},
		{"Close during an infinite loop", closeBound, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			v := allocView(t, b, "loop_close_view")
			pending, _ := loopAsync(t, ctx, b)
			start := time.Now()
			if err := b.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			d := time.Since(start)
			t.Logf("Close returned after %v", d.Round(time.Microsecond))
			if d > closeBound {
				t.Errorf("Close took %v, bound %v", d, closeBound)
			}
			if err := <-pending; !errors.Is(err, pyodidebridge.ErrClosed) {
				t.Errorf("the looping Run ended with %v, want ErrClosed", err)
			}
			wantRevoked(t, v, pyodidebridge.ErrClosed)
		}},
		{"wasm trap, with calls in flight", deathBound + time.Second, true, func(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) {
			trapped := allocView(t, b, "trap_view")
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						v, err := pyodidebridge.Alloc[float64](ctx, b, fmt.Sprintf("busy%d", g), 16)
						if err == nil {
							err = b.Free(ctx, v)
						}
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			time.Sleep(50 * time.Millisecond)
			wantDead(t, "Run", b.Run(ctx, "import ctypes\nctypes.string_at(0xFFFFFF00, 0x1000)"), "fatal")
			wantRevoked(t, trapped, pyodidebridge.ErrWorkerDead)
			wg.Wait()
			close(errs)
			for err := range errs {
				wantDead(t, "a concurrent Alloc/Free", err, "")
			}
			noLeaks(t, b)
		}},
		{"boot failure", 30 * time.Second, false, func(t *testing.T, ctx context.Context, _ *pyodidebridge.Bridge) {
			url := os.Getenv(EnvBrokenPyodideURL)
			if url == "" {
				t.Fatalf("%s is not set; the browser harness serves a Pyodide whose loader throws", EnvBrokenPyodideURL)
			}
			b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: url})
			if err == nil {
				b.Close()
				t.Fatal("LoadWorker booted a broken Pyodide")
			}
			var e *pyodidebridge.Error
			if !errors.Is(err, pyodidebridge.ErrLoad) || !errors.As(err, &e) || e.Op != "LoadWorker" {
				t.Fatalf("got %v, want a LoadWorker ErrLoad *Error", err)
			}
		}},
		{"Load with a wrong IndexURL says 404 Not Found", 5 * time.Second, false, func(t *testing.T, ctx context.Context, _ *pyodidebridge.Bridge) {
			_, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "/no-such-pyodide/"})
			if !errors.Is(err, pyodidebridge.ErrLoad) || !strings.Contains(err.Error(), "404 Not Found") ||
				!strings.Contains(err.Error(), "/no-such-pyodide/pyodide-lock.json") {
				t.Fatalf("got %v, want ErrLoad with 404 Not Found and the URL", err)
			}
		}},
	}
}

// freshWorker boots a worker of its own for a row that kills it.
func freshWorker(t *testing.T) *pyodidebridge.Bridge {
	t.Helper()
	url, err := pyodideURL()
	if err != nil {
		t.Fatal(err)
	}
	b := bootWorker(t, pyodidebridge.WorkerOptions{IndexURL: url})
	t.Cleanup(func() { b.Close() })
	return b
}

// bootWorker is LoadWorker for tests that boot workers of their own, one
// after another. It lets the collectors run first, and retries a boot the
// browser refused, at once and saying so: as the Fix says, a retry succeeds
// once ended heaps have been collected.
func bootWorker(t *testing.T, opts pyodidebridge.WorkerOptions) *pyodidebridge.Bridge {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for attempt := 1; ; attempt++ {
		collectEndedHeaps()
		b, err := pyodidebridge.LoadWorker(ctx, opts)
		if err == nil {
			return b
		}
		if attempt == 30 || !errors.Is(err, pyodidebridge.ErrLoad) || !strings.Contains(err.Error(), "refused to create Pyodide's heap") {
			t.Fatal(err)
		}
		t.Logf("LoadWorker, attempt %d: %v", attempt, err)
		time.Sleep(time.Second)
	}
}

// makeGarbage allocates 400 MiB of short-lived ArrayBuffers. Its body is
// embedded: a browser test cannot read the package's files at run time.
var (
	//go:embed testdata/garbage.js
	garbageJS   string
	makeGarbage = js.Global().Get("Function").New(garbageJS)
)

// collectEndedHeaps lets this thread's collectors return the heaps of the
// workers earlier rows ended. WebKit gives a page eight WebAssembly memories
// with fast bounds checks and takes an ended worker's back only once this
// thread's JavaScript collector has freed the objects that still refer to it;
// past eight, new heaps are bounds-checked and a shared one may be refused
// (which LoadWorker reports, see TestUnsupportedPyodide/noroom). The table
// boots a worker per row, more often than a page's collector runs by itself.
func collectEndedHeaps() {
	runtime.GC()                      // Go drops its js.Values of closed bridges...
	time.Sleep(10 * time.Millisecond) // ...once their finalizers have run
	makeGarbage.Invoke()
}

// kill terminates b's JavaScript Worker behind the bridge's back and
// returns, with a view b had made, once the bridge has noticed (which
// awaitRevoked bounds).
func kill(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) *sabview.View[float32] {
	t.Helper()
	v := allocView(t, b, "dead_view")
	pyodidebridge.WorkerObject(b).Call("terminate")
	awaitRevoked(t, ctx, v)
	return v
}

func allocView(t *testing.T, b *pyodidebridge.Bridge, name string) *sabview.View[float32] {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := pyodidebridge.Alloc[float32](ctx, b, name, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Set(0, 1.5); err != nil {
		t.Fatal(err)
	}
	return v
}

func freeView(t *testing.T, b *pyodidebridge.Bridge, v *sabview.View[float32]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Free(ctx, v); err != nil {
		t.Fatal(err)
	}
}

func liveEntries(t *testing.T, b *pyodidebridge.Bridge) int {
	t.Helper()
	n, err := pyodidebridge.LiveEntries(b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantDead checks for ErrWorkerDead saying what happened.
func wantDead(t *testing.T, call string, err error, says string) {
	t.Helper()
	var e *pyodidebridge.Error
	if !errors.Is(err, pyodidebridge.ErrWorkerDead) || !errors.As(err, &e) || e.Fix == "" || !strings.Contains(err.Error(), says) {
		t.Errorf("%s: %v, want ErrWorkerDead with a Fix, saying %q", call, err, says)
	}
}

func wantRevoked(t *testing.T, v *sabview.View[float32], kind error) {
	t.Helper()
	if _, err := v.At(0); !errors.Is(err, sabview.ErrRevoked) || !errors.Is(err, kind) {
		t.Errorf("view: %v, want ErrRevoked wrapping %v", err, kind)
	}
}

// awaitRevoked waits, without calling into the worker, for the bridge to
// notice the death and revoke v; it fails after deathBound.
func awaitRevoked(t *testing.T, ctx context.Context, v *sabview.View[float32]) {
	t.Helper()
	start := time.Now()
	for {
		if _, err := v.At(0); err != nil {
			wantRevoked(t, v, pyodidebridge.ErrWorkerDead)
			t.Logf("death noticed after %v", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > deathBound {
			t.Fatalf("the view still reads after %v: the death went unnoticed", deathBound)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// noLeaks checks that no call is still waited for, in Go or in the
// JavaScript client.
func noLeaks(t *testing.T, b *pyodidebridge.Bridge) {
	t.Helper()
	if g, j := pyodidebridge.WorkerPending(b); g != 0 || j != 0 {
		t.Errorf("pending calls: %d in Go, %d in the JavaScript client; want none", g, j)
	}
}

// plainView is a view outside any Pyodide heap.
func plainView(t *testing.T) *sabview.View[float32] {
	t.Helper()
	v, err := jsBacked[float32](4)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// loopAsync starts `while True: pass` in the worker and returns once Python
// is in the loop (it sets a flag in a shared view first).
func loopAsync(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) (<-chan error, *sabview.View[float32]) {
	t.Helper()
	flag := allocView(t, b, "loop_started")
	if err := flag.Set(0, 0); err != nil {
		t.Fatal(err)
	}
	done := runAsync(ctx, b, "loop_started[0] = 1\nwhile True: pass")
	for {
		if x, err := flag.At(0); err != nil || x == 1 {
			return done, flag
		}
		select {
		case err := <-done:
			t.Fatalf("the loop ended at once: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}
