//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// A second Pyodide, in a worker, boots on first use and serves every
// worker test of the binary.
var (
	workerOnce sync.Once
	workerBr   *pyodidebridge.Bridge
	workerErr  error
)

// workerBridge returns the worker bridge, skipping where LoadWorker cannot
// work by design (a page without isolation: TestNoIsolationFallback covers
// it there).
func workerBridge(t testing.TB) *pyodidebridge.Bridge {
	t.Helper()
	if jsinterop.InBrowser() && !jsinterop.CrossOriginIsolated() {
		t.Skip("LoadWorker needs cross-origin isolation; TestNoIsolationFallback covers this page")
	}
	b, err := sharedWorker()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sharedWorker boots the tests' LoadWorker bridge once.
func sharedWorker() (*pyodidebridge.Bridge, error) {
	workerOnce.Do(func() {
		url, err := pyodideURL()
		if err != nil {
			workerErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		workerBr, workerErr = pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: url})
		if workerErr == nil {
			workerErr = workerBr.Run(ctx, testPrelude)
		}
	})
	return workerBr, workerErr
}

// runAsync runs Python on b in a goroutine; the channel yields its error.
func runAsync(ctx context.Context, b *pyodidebridge.Bridge, code string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, code) }()
	return done
}

func TestWorkerBridge(t *testing.T) {
	b := workerBridge(t)
	mem := b.Memory()
	if tag := js.Global().Get("Object").Get("prototype").Get("toString").Call("call", mem).String(); tag != "[object WebAssembly.Memory]" {
		t.Fatalf("Memory() is %s", tag)
	}
	if !b.InWorker() || !b.Shared() {
		t.Fatalf("InWorker=%v SharedHeap=%v, want both", b.InWorker(), b.Shared())
	}
	if !b.Pyodide().IsUndefined() {
		t.Errorf("Pyodide() of a worker bridge should be undefined: the API object lives in the worker")
	}
	if want := bridge(t).Version(); b.Version() != want {
		t.Errorf("worker Version %q, want %q (the same Pyodide as this thread's)", b.Version(), want)
	}
	// The helper modules are installed in the worker.
	run(t, b, "import sabkit_bridge, sabkit_atomics, sys\nassert sys.platform == 'emscripten'")
}

// TestWorkerRoundTrip runs the same-thread round trips on the worker
// bridge: Python in the worker writes and Go here reads, and the reverse.
func TestWorkerRoundTrip(t *testing.T) {
	b := workerBridge(t)
	for _, c := range roundTripCases() {
		t.Run(c.name, func(t *testing.T) { c.test(t, b) })
	}
}

// TestWorkerViewShareCopy: View and Share alias the worker's objects,
// CopyIn and CopyOut copy.
func TestWorkerViewShareCopy(t *testing.T) {
	b := workerBridge(t)
	run(t, b, "import array\nw_arr = array.array('i', range(100))")
	v, err := pyodidebridge.ViewOf[int32](context.Background(), b, "w_arr")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), v)
	if x, _ := v.At(42); x != 42 {
		t.Fatalf("View read %d, Python holds 42", x)
	}
	if err := v.Set(7, -7); err != nil {
		t.Fatal(err)
	}
	run(t, b, "assert w_arr[7] == -7, w_arr[7]")

	sub, err := v.Sub(10, 20)
	if err != nil {
		t.Fatal(err)
	}
	if err := pyodidebridge.Share(context.Background(), b, "w_sub", sub, 2, 5); err != nil {
		t.Fatal(err)
	}
	run(t, b, "w_sub[1, 4] = 12345\nassert w_arr[19] == 12345")
	if x, _ := v.At(19); x != 12345 {
		t.Fatalf("Go read %d after Python wrote 12345 through the shared name", x)
	}

	src, err := sabview.FromTypedArray[int32](js.Global().Get("Int32Array").New(4))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		src.Set(i, int32(i*3))
	}
	in, err := pyodidebridge.CopyIn(context.Background(), b, "w_in", src, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), in)
	src.Set(0, 99) // after the copy: Python must not see it
	run(t, b, "assert list(_flat(w_in)) == [0, 3, 6, 9], _flat(w_in)\nw_in[1] = 50")
	if x, _ := src.At(1); x != 3 {
		t.Fatalf("CopyIn's source changed to %d: Python's writes reached it", x)
	}
	dst, err := sabview.FromTypedArray[int32](js.Global().Get("Int32Array").New(4))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := pyodidebridge.CopyOut(context.Background(), b, "w_in", dst); err != nil || n != 4 {
		t.Fatalf("CopyOut = %d, %v", n, err)
	}
	run(t, b, "w_in[2] = 77")
	got, _ := dst.ToSlice()
	if fmt.Sprint(got) != "[0 50 6 9]" {
		t.Fatalf("CopyOut gave %v, want [0 50 6 9] (the value at copy time)", got)
	}
}

func TestWorkerRunErrors(t *testing.T) {
	b := workerBridge(t)
	cases := []struct {
		code, typ, msg string
	}{
		{"1/0", "ZeroDivisionError", "division by zero"},
		{"raise ValueError('bad\\nvalue')", "ValueError", "bad\nvalue"},
		{"import no_such_module_here", "ModuleNotFoundError", "No module named 'no_such_module_here'"},
		{"def f(:\n  pass", "SyntaxError", ""},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			err := b.Run(context.Background(), c.code)
			var pe *pyodidebridge.PythonError
			if !errors.Is(err, pyodidebridge.ErrPython) || !errors.As(err, &pe) {
				t.Fatalf("Run(%q) = %v, want an ErrPython wrapping a *PythonError", c.code, err)
			}
			if pe.Type != c.typ || (c.msg != "" && pe.Message != c.msg) {
				t.Fatalf("got %s: %q, want %s: %q", pe.Type, pe.Message, c.typ, c.msg)
			}
			if !strings.Contains(pe.Traceback, c.typ) {
				t.Errorf("traceback does not name %s:\n%s", c.typ, pe.Traceback)
			}
		})
	}
	// The worker is still usable.
	run(t, b, "assert 1 + 1 == 2")
}

// TestWorkerGrowthStorm: Python in the worker grows its heap at least 20
// times (allocations, plus Emscripten's growMemory when an allocation did
// not grow it), writing a stamp into each new block beyond the old end,
// while this thread polls through views made before the storm and views of
// the new blocks. Only the worker grows the heap; every read here must see
// what Python wrote.
func TestWorkerGrowthStorm(t *testing.T) {
	b := workerBridge(t)
	const minGrowths, maxBlocks = 20, 64
	// mailbox[0]: blocks published; mailbox[1+k]: address of block k;
	// mailbox[100]: growths Python saw.
	mailbox, err := pyodidebridge.Alloc[int32](context.Background(), b, "storm_mailbox", 128)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), mailbox)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, fmt.Sprintf(`
import pyodide_js, sabkit_atomics as _sa, ctypes
def _storm():
    mod = pyodide_js._module
    mem = _sa._memory  # the heap, however this Pyodide exposes it
    box = memoryview(storm_mailbox).cast("B")
    box_addr = ctypes.addressof(ctypes.c_char.from_buffer(box))
    size = mem.buffer.byteLength
    growths = 0
    global storm_keep
    storm_keep = []
    k = 0
    while growths < %[1]d and k < %[2]d:
        old = size
        block = bytearray(1 << 20)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(block))
        storm_keep.append(block)
        if mem.buffer.byteLength == old and hasattr(mod, "growMemory"):
            mod.growMemory(old + 65536)
        size = mem.buffer.byteLength
        if size != old:
            growths += 1
        block[0:4] = (k + 1).to_bytes(4, "little")
        block[-4:] = (k + 1000).to_bytes(4, "little")
        _sa.store32(box_addr + 4 * (1 + k), addr)
        _sa.store32(box_addr + 400, growths)
        _sa.store32(box_addr, k + 1)
        _sa.notify32(box_addr)
        k += 1
_storm()
`, minGrowths, maxBlocks))

	mem := b.Memory()
	startBytes := mem.Get("buffer").Get("byteLength").Int()
	checked, stale, seen := 0, 0, 0
	check := func(k int) {
		addr, err := mailbox.At(1 + k)
		if err != nil {
			t.Fatal(err)
		}
		blk, err := sabview.FromMemory[uint8](mem, int(addr), 1<<20)
		if err != nil {
			t.Fatalf("block %d at %d: %v (this thread does not see the grown heap)", k, addr, err)
		}
		head, _ := sabview.Cast[int32](blk)
		first, _ := head.At(0)
		last, _ := head.At(head.Len() - 1)
		if first != int32(k+1) || last != int32(k+1000) {
			stale++
			if stale < 5 {
				t.Errorf("block %d: read stamps %d, %d; Python wrote %d, %d", k, first, last, k+1, k+1000)
			}
		}
		checked++
	}
	finished := false
	for !finished {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		case <-time.After(time.Millisecond):
		}
		n, err := atomicsx.Load(mailbox, 0) // a view made before the storm
		if err != nil {
			t.Fatal(err)
		}
		for ; seen < int(n); seen++ {
			check(seen)
		}
	}
	growths, _ := mailbox.At(100)
	endBytes := mem.Get("buffer").Get("byteLength").Int()
	t.Logf("heap %d → %d MiB in %d growths driven from Python; %d blocks checked here, %d stale", startBytes>>20, endBytes>>20, growths, checked, stale)
	if growths < minGrowths {
		t.Errorf("only %d growths; the storm needs %d", growths, minGrowths)
	}
	if checked == 0 || stale != 0 {
		t.Errorf("%d stale reads of %d blocks", stale, checked)
	}
	run(t, b, "del storm_keep")
}

// TestNoIsolationFallback runs in the page without cross-origin isolation:
// LoadWorker and a SharedHeap Load fail with ErrNotIsolated naming the
// headers, and the same-thread bridge still works, where CopyIn and CopyOut
// are the documented copies.
func TestNoIsolationFallback(t *testing.T) {
	if !jsinterop.InBrowser() || jsinterop.CrossOriginIsolated() {
		t.Skip("runs in the browser variant without cross-origin isolation")
	}
	url, err := pyodideURL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range []struct {
		name string
		load func() (*pyodidebridge.Bridge, error)
	}{
		{"LoadWorker", func() (*pyodidebridge.Bridge, error) {
			return pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: url})
		}},
		{"Load SharedHeap", func() (*pyodidebridge.Bridge, error) {
			return pyodidebridge.Load(ctx, pyodidebridge.Options{IndexURL: url, SharedHeap: true})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.load()
			if err == nil {
				b.Close()
				t.Fatal("succeeded without cross-origin isolation")
			}
			var e *pyodidebridge.Error
			if !errors.Is(err, pyodidebridge.ErrNotIsolated) || !errors.As(err, &e) {
				t.Fatalf("got %v, want an ErrNotIsolated *Error", err)
			}
			for _, want := range []string{"Cross-Origin-Opener-Policy: same-origin", "Cross-Origin-Embedder-Policy: require-corp", "copied"} {
				if !strings.Contains(e.Fix, want) {
					t.Errorf("Fix %q does not say %q", e.Fix, want)
				}
			}
		})
	}

	// The fallback: Pyodide on this thread, with copies in and out.
	b := bridge(t)
	if b.Shared() {
		t.Fatal("the fallback bridge claims a shared heap without isolation")
	}
	src, err := sabview.FromTypedArray[float32](js.Global().Get("Float32Array").New(3))
	if err != nil {
		t.Fatal(err)
	}
	src.CopyFrom([]float32{1.5, 2.5, 3.5})
	in, err := pyodidebridge.CopyIn(context.Background(), b, "fallback_in", src, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), in)
	src.Set(0, -1)
	run(t, b, "assert list(_flat(fallback_in)) == [1.5, 2.5, 3.5]\nfallback_in[2] = 9.0")
	dst, _ := sabview.FromTypedArray[float32](js.Global().Get("Float32Array").New(3))
	if _, err := pyodidebridge.CopyOut(context.Background(), b, "fallback_in", dst); err != nil {
		t.Fatal(err)
	}
	run(t, b, "fallback_in[0] = 100.0")
	if got, _ := dst.ToSlice(); fmt.Sprint(got) != "[1.5 2.5 9]" {
		t.Fatalf("CopyOut gave %v, want the copy [1.5 2.5 9]", got)
	}
}

// TestLoadWorkerErrors: LoadWorker refuses bad options with typed errors
// before starting a worker.
func TestLoadWorkerErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	missing := "/no/such/pyodide/"
	if jsinterop.InBrowser() {
		missing = "/no-such-pyodide/"
	}
	for _, c := range []struct {
		name string
		opts pyodidebridge.WorkerOptions
		kind error
	}{
		{"empty IndexURL", pyodidebridge.WorkerOptions{}, pyodidebridge.ErrLoad},
		{"IndexURL without Pyodide", pyodidebridge.WorkerOptions{IndexURL: missing}, pyodidebridge.ErrLoad},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := pyodidebridge.LoadWorker(ctx, c.opts)
			if err == nil {
				b.Close()
				t.Fatal("LoadWorker succeeded")
			}
			var e *pyodidebridge.Error
			if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Op != "LoadWorker" || e.Fix == "" {
				t.Fatalf("got %v, want a LoadWorker %v *Error with a Fix", err, c.kind)
			}
		})
	}
}

// TestWorkerClose: closing a worker bridge ends the worker, revokes its
// views and makes further calls fail with ErrClosed.
func TestWorkerClose(t *testing.T) {
	workerBridge(t) // skips where LoadWorker cannot work
	if testing.Short() {
		t.Skip("boots another Pyodide worker; skipped in -short")
	}
	url, err := pyodideURL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out strings.Builder
	b := bootWorker(t, pyodidebridge.WorkerOptions{IndexURL: url,
		Output: func(stream, text string) { out.WriteString(stream + ":" + text + "\n") }})
	v, err := pyodidebridge.Alloc[float32](context.Background(), b, "closing", 8)
	if err != nil {
		t.Fatal(err)
	}
	run(t, b, "closing[3] = 2.5\nprint('hello from the worker')")
	if x, _ := v.At(3); x != 2.5 {
		t.Fatalf("read %v, Python wrote 2.5", x)
	}
	if !strings.Contains(out.String(), "stdout:hello from the worker") {
		t.Errorf("Output got %q", out.String())
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.At(3); !errors.Is(err, sabview.ErrRevoked) || !errors.Is(err, pyodidebridge.ErrClosed) {
		t.Errorf("view after Close: %v, want ErrRevoked wrapping ErrClosed", err)
	}
	if _, err := pyodidebridge.Alloc[float32](context.Background(), b, "again", 1); !errors.Is(err, pyodidebridge.ErrClosed) {
		t.Errorf("Alloc after Close: %v", err)
	}
	if err := b.Run(ctx, "1"); !errors.Is(err, pyodidebridge.ErrClosed) {
		t.Errorf("Run after Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
