//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// acctOp is one bridge operation for TestCancelAccounting: prep (optional)
// makes what it works on, with a context of its own; do performs it and
// returns what must be undone on success (nil when nothing).
type acctOp struct {
	name string
	prep func(b *pyodidebridge.Bridge) (*sabview.View[uint8], error)
	do   func(ctx context.Context, b *pyodidebridge.Bridge, v *sabview.View[uint8]) (undo func(), err error)
}

func acctOps(t *testing.T) []acctOp {
	bg := func() context.Context { return context.Background() }
	free := func(b *pyodidebridge.Bridge, v interface{ Lease() *sabview.Lease }) func() {
		return func() {
			if err := b.Free(bg(), v); err != nil {
				t.Errorf("Free: %v", err)
			}
		}
	}
	return []acctOp{
		{"Alloc", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			v, err := pyodidebridge.Alloc[float32](ctx, b, "acct_alloc", 16)
			if err != nil {
				return nil, err
			}
			return free(b, v), nil
		}},
		{"View", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			v, err := pyodidebridge.ViewOf[float64](ctx, b, "acct_existing")
			if err != nil {
				return nil, err
			}
			return free(b, v), nil
		}},
		{"CopyIn", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			src, err := jsBacked[int32](8)
			if err != nil {
				return nil, err
			}
			v, err := pyodidebridge.CopyIn(ctx, b, "acct_copy", src)
			if err != nil {
				return nil, err
			}
			return free(b, v), nil
		}},
		{"CopyOut", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			dst, err := jsBacked[float64](8)
			if err != nil {
				return nil, err
			}
			_, err = pyodidebridge.CopyOut(ctx, b, "acct_existing", dst)
			return nil, err
		}},
		{"Share", prepBytes, func(ctx context.Context, b *pyodidebridge.Bridge, base *sabview.View[uint8]) (func(), error) {
			sub, err := base.Sub(8, 16)
			if err != nil {
				return nil, err
			}
			// The base's Free drops the binding Share prepared, whatever Share did.
			return free(b, base), pyodidebridge.Share(ctx, b, "acct_shared", sub)
		}},
		{"Free", prepBytes, func(ctx context.Context, b *pyodidebridge.Bridge, v *sabview.View[uint8]) (func(), error) {
			// A canceled Free still frees: at once, or with the next request.
			return nil, b.Free(ctx, v)
		}},
		{"Func", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			f, err := b.Func(ctx, "acct_noop")
			if err != nil {
				return nil, err
			}
			return f.Free, nil
		}},
		{"Call", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			_, err := b.Call(ctx, "acct_noop", 1, "x")
			return nil, err
		}},
		{"Run", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			return nil, b.Run(ctx, "acct_counter += 1")
		}},
		{"NumPy", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			_, err := b.NumPy(ctx)
			return nil, err
		}},
		{"AllocMutex", nil, func(ctx context.Context, b *pyodidebridge.Bridge, _ *sabview.View[uint8]) (func(), error) {
			v, err := pyodidebridge.AllocMutex(ctx, b, "acct_mutex")
			if err != nil {
				return nil, err
			}
			return free(b, v), nil
		}},
	}
}

func prepBytes(b *pyodidebridge.Bridge) (*sabview.View[uint8], error) {
	return pyodidebridge.Alloc[uint8](context.Background(), b, "acct_bytes", 32)
}

// lateContext is a context that has ended, but says so only once the
// bridge waits for the reply (asks for Done): the bridge then cancels a
// request the worker has started, or (with the channel's spin) already
// finished.
type lateContext struct {
	context.Context
	waited bool
}

func newLateContext() *lateContext {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return &lateContext{Context: ctx}
}

func (c *lateContext) Done() <-chan struct{} {
	c.waited = true
	return c.Context.Done()
}

func (c *lateContext) Err() error {
	if !c.waited {
		return nil
	}
	return c.Context.Err()
}

// TestCancelAccounting cancels every kind of request at several points and
// checks that the bridge knows what happened to each: it was skipped
// before it started, or it ran to completion (a resource only the caller
// could release is released: nothing is left in Python), or Python was
// interrupted. Every call returns nil or ErrCanceled matching the context's
// error, and after each row the helper holds what it held before and no
// request is pending.
func TestCancelAccounting(t *testing.T) {
	b := workerBridge(t)
	run(t, b, callPrelude)
	run(t, b, "acct_existing = bytearray(64)\nimport array\nacct_existing = array.array('d', [1.5] * 8)\n"+
		"acct_counter = 0\ndef acct_noop(*args):\n    return None\n"+
		"def acct_spin(flag):\n    flag[0] = 1\n    while True:\n        pass\n")
	busy, err := pyodidebridge.Alloc[int32](context.Background(), b, "acct_busy", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), busy)
	before := liveAll(t, b)
	points := []struct {
		name  string
		tries int
		ctx   func() (context.Context, context.CancelFunc)
	}{
		{"before it was sent", 3, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}},
		{"started or finished, reply not read", 40, func() (context.Context, context.CancelFunc) {
			return newLateContext(), func() {}
		}},
		{"at a random point", 60, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			go cancel()
			return ctx, cancel
		}},
	}
	for _, op := range acctOps(t) {
		t.Run(op.name, func(t *testing.T) {
			for _, p := range points {
				outcomes := map[string]int{}
				for range p.tries {
					v := prep(t, op, b)
					ctx, cancel := p.ctx()
					undo, err := op.do(ctx, b, v)
					cancel()
					outcomes[classify(t, op.name, err)]++
					if undo != nil {
						undo()
					}
				}
				t.Logf("%s: %v", p.name, outcomes)
				if p.name == "before it was sent" && outcomes["before"] != p.tries {
					t.Errorf("%s: %v, want every call to end before sending anything", p.name, outcomes)
				}
			}
			// Queued: a Run holds the worker until the request was canceled.
			v := prep(t, op, b)
			busy.Set(0, 0)
			done := runAsync(context.Background(), b, "acct_busy[0] = 1\nwhile acct_busy[0] == 1:\n    pass")
			for x, _ := busy.At(0); x != 1; x, _ = busy.At(0) {
				time.Sleep(time.Millisecond)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			undo, err := op.do(ctx, b, v)
			cancel()
			busy.Set(0, 2) // the Run ends
			if got := classify(t, op.name, err); got != "skipped" {
				t.Errorf("queued behind a busy worker: %s (%v), want skipped", got, err)
			}
			if undo != nil {
				undo()
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if after := liveAll(t, b); after != before {
				t.Errorf("the helper holds %d entries, bindings and callables, %d before", after, before)
			}
			noLeaks(t, b)
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		flag, err := pyodidebridge.Alloc[int32](context.Background(), b, "acct_flag", 1)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Free(context.Background(), flag)
		for _, call := range []func(ctx context.Context) error{
			func(ctx context.Context) error { _, err := b.Call(ctx, "acct_spin", flag); return err },
			func(ctx context.Context) error { return b.Run(ctx, "acct_flag[0] = 1\nwhile True:\n    pass") },
		} {
			flag.Set(0, 0)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- call(ctx) }()
			for x, _ := flag.At(0); x == 0; x, _ = flag.At(0) {
				time.Sleep(time.Millisecond)
			}
			cancel()
			err := <-done
			if got := classify(t, "interrupted", err); got != "interrupted" {
				t.Errorf("a canceled running call: %s (%v), want interrupted", got, err)
			}
			run(t, b, "acct_counter += 1") // the worker serves the next request normally
		}
	})
	// Mixed, each canceled as soon as it waits: skipped requests still
	// travel by message while the next goes over the channel, which must
	// not overtake them.
	t.Run("3000 mixed", func(t *testing.T) {
		for i := range 3000 {
			ctx, cancel := context.WithCancel(context.Background())
			go cancel()
			op := []string{"NumPy", "Alloc", "Run"}[i%3]
			for _, o := range acctOps(t) {
				if o.name == op {
					undo, err := o.do(ctx, b, nil)
					classify(t, op, err)
					if undo != nil {
						undo()
					}
				}
			}
			cancel()
		}
		if after := liveAll(t, b); after != before {
			t.Errorf("the helper holds %d entries, bindings and callables, %d before", after, before)
		}
		noLeaks(t, b)
	})
	// Ran to completion: a bookkeeping request long enough to cancel while
	// the worker runs it (zeroing 64 MiB), with a deadline that adapts
	// until it lands inside it.
	t.Run("ran to completion", func(t *testing.T) {
		wait := 5 * time.Millisecond
		for try := 1; ; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			v, err := pyodidebridge.Alloc[uint8](ctx, b, "acct_large", 64<<20)
			cancel()
			switch classify(t, "Alloc", err) {
			case "completed":
				if after := liveAll(t, b); after != before {
					t.Errorf("the helper holds %d entries, bindings and callables, %d before", after, before)
				}
				t.Logf("try %d, deadline %v: ran to completion, released", try, wait)
				return
			case "ok":
				b.Free(context.Background(), v)
				wait /= 2
			default: // skipped, or ended before it was sent
				wait *= 2
			}
			if try == 30 {
				t.Fatalf("no canceled Alloc ran to completion in 30 tries (last deadline %v)", wait)
			}
		}
	})
}

func prep(t *testing.T, op acctOp, b *pyodidebridge.Bridge) *sabview.View[uint8] {
	t.Helper()
	if op.prep == nil {
		return nil
	}
	v, err := op.prep(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// classify names what happened to a canceled call from its error.
func classify(t *testing.T, op string, err error) string {
	t.Helper()
	if err == nil {
		return "ok"
	}
	if !errors.Is(err, pyodidebridge.ErrCanceled) || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%s: %v, want nil or ErrCanceled matching the context's error", op, err)
	}
	msg := err.Error()
	for _, c := range []struct{ says, outcome string }{
		{"before the request was sent", "before"},
		{"context had ended before the call", "before"},
		{"skipped", "skipped"},
		{"ran to completion", "completed"},
		{"interrupted", "interrupted"},
	} {
		if strings.Contains(msg, c.says) {
			return c.outcome
		}
	}
	t.Fatalf("%s: %v does not say what happened to the request", op, err)
	return ""
}

// liveAll counts what the helper holds: entries, bindings and callables.
func liveAll(t *testing.T, b *pyodidebridge.Bridge) int {
	t.Helper()
	return liveEntries(t, b) + pinnedFuncs(t, b)
}

// TestRequestsIgnoreMainBindings: the bridge's operations are requests to
// the helper held by reference, so what user code binds in __main__ changes
// none of their results.
func TestRequestsIgnoreMainBindings(t *testing.T) {
	for name, b := range callBridges(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			run(t, b, "import array as _arr\nbind_existing = _arr.array('f', [1.0, 2.0, 3.0])\n"+
				"def bind_double(v):\n    v[0] *= 2\n    v[1] *= 2\n    v[2] *= 2\n    return 3\n")
			shadow := "__import__ = None\nlen = None\nmemoryview = None\narray = None\nsabkit = None\n" +
				"sabkit_bridge = None\nsabkit_atomics = None\n__builtins__ = {}\n"
			run(t, b, shadow)
			defer run(t, b, "del __import__, len, memoryview, array, sabkit, sabkit_bridge, sabkit_atomics, __builtins__")
			v, err := pyodidebridge.Alloc[float32](ctx, b, "bind_alloc", 3)
			if err != nil {
				t.Fatalf("Alloc: %v", err)
			}
			v.Set(1, 4)
			ex, err := pyodidebridge.ViewOf[float32](ctx, b, "bind_existing")
			if err != nil {
				t.Fatalf("View: %v", err)
			}
			if x, _ := ex.At(2); x != 3 {
				t.Errorf("View read %v, want 3", x)
			}
			if err := pyodidebridge.Share(ctx, b, "bind_shared", v); err != nil {
				t.Fatalf("Share: %v", err)
			}
			f, err := b.Func(ctx, "bind_double")
			if err != nil {
				t.Fatalf("Func: %v", err)
			}
			if n, err := f.Call(ctx, v); err != nil || n != 3 {
				t.Fatalf("Func.Call = %v, %v", n, err)
			}
			if x, _ := v.At(1); x != 8 {
				t.Errorf("after bind_double, v[1] = %v, want 8", x)
			}
			out, _ := jsBacked[float32](3)
			if n, err := pyodidebridge.CopyOut(ctx, b, "bind_alloc", out); err != nil || n != 3 {
				t.Fatalf("CopyOut = %d, %v", n, err)
			}
			if _, err := b.NumPy(ctx); err != nil {
				t.Fatalf("NumPy: %v", err)
			}
			if b.Shared() {
				m, err := pyodidebridge.AllocMutex(ctx, b, "bind_mutex")
				if err != nil {
					t.Fatalf("AllocMutex: %v", err)
				}
				b.Free(ctx, m)
			}
			f.Free()
			for _, x := range []interface{ Lease() *sabview.Lease }{v, ex} {
				if err := b.Free(ctx, x); err != nil {
					t.Fatalf("Free: %v", err)
				}
			}
		})
	}
}

// TestOnlyRunParses counts the Python compilations and execs (audit events
// "compile" and "exec") during a loop of every other operation: none. One
// Run, counted the same way, shows the count works.
func TestOnlyRunParses(t *testing.T) {
	for name, b := range callBridges(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			run(t, b, "import sys, array\nparse_existing = array.array('i', [7] * 4)\n"+
				"def parse_noop(*a):\n    return 1\n"+
				"if not globals().get('parse_hooked'):\n"+
				"    parse_hooked = True\n"+
				"    parse_count = [0]\n"+
				"    def _parse_hook(event, args, count=parse_count):\n"+
				"        if event in ('compile', 'exec'):\n"+
				"            count[0] += 1\n"+
				"    sys.addaudithook(_parse_hook)\n")
			count := func() int {
				v, err := b.Call(ctx, "parse_count.__getitem__", 0)
				if err != nil {
					t.Fatal(err)
				}
				return v.(int)
			}
			start := count()
			src, _ := jsBacked[int32](4)
			for i := range 20 {
				v, err := pyodidebridge.Alloc[int32](ctx, b, "parse_alloc", 4)
				if err != nil {
					t.Fatal(err)
				}
				steps := []func() error{
					func() error { return pyodidebridge.Share(ctx, b, "parse_shared", v) },
					func() error { _, err := b.Call(ctx, "parse_noop", v, i); return err },
					func() error { _, err := pyodidebridge.CopyOut(ctx, b, "parse_existing", src); return err },
					func() error { _, err := b.NumPy(ctx); return err },
					func() error {
						w, err := pyodidebridge.ViewOf[int32](ctx, b, "parse_existing")
						if err != nil {
							return err
						}
						return b.Free(ctx, w)
					},
					func() error {
						c, err := pyodidebridge.CopyIn(ctx, b, "parse_copy", src)
						if err != nil {
							return err
						}
						return b.Free(ctx, c)
					},
					func() error {
						f, err := b.Func(ctx, "parse_noop")
						if err != nil {
							return err
						}
						_, err = f.Call(ctx)
						f.Free()
						return err
					},
					func() error { return b.Free(ctx, v) },
				}
				for j, step := range steps {
					if err := step(); err != nil {
						t.Fatalf("iteration %d, step %d: %v", i, j, err)
					}
				}
			}
			if got := count() - start; got != 0 {
				t.Errorf("%d compilations or execs during 20 rounds of Alloc, Share, Call, CopyOut, NumPy, ViewOf, CopyIn, Func, Free; want 0", got)
			}
			run(t, b, "parse_noop()")
			if got := count() - start; got < 1 {
				t.Errorf("a Run counted %d compilations: the audit hook sees nothing, so the check above proves nothing", got)
			}
		})
	}
}
