//go:build js && wasm

package atomicsx_test

import (
	"context"
	"errors"
	"math"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

func TestEnvironment(t *testing.T) {
	t.Logf("%s; CanBlock=%v", jsenv.Describe(), atomicsx.CanBlock())
	if want := !jsinterop.MainThread(); atomicsx.CanBlock() != want {
		t.Fatalf("CanBlock() = %v, want %v in %s", atomicsx.CanBlock(), want, jsenv.Describe())
	}
}

// TestOps32 applies each operation through atomicsx and reads the result
// through the JavaScript array, so the op provably changed the shared bytes.
func TestOps32(t *testing.T) {
	const start = int32(0b1100)
	tests := []struct {
		name    string
		op      func(v *sabview.View[int32], i int) (int32, error)
		wantRet int32 // returned value: the old one, or the loaded one
		wantMem int32
	}{
		{"Load", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Load(v, i) }, start, start},
		{"Store", func(v *sabview.View[int32], i int) (int32, error) { return 0, atomicsx.Store(v, i, -7) }, 0, -7},
		{"Add", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Add(v, i, 5) }, start, start + 5},
		{"AddWraps", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Add(v, i, math.MaxInt32) }, start, math.MinInt32 + 11}, // 12 + (2^31-1) wraps
		{"Sub", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Sub(v, i, 20) }, start, start - 20},
		{"And", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.And(v, i, 0b1010) }, start, 0b1000},
		{"Or", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Or(v, i, 0b0011) }, start, 0b1111},
		{"Xor", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Xor(v, i, 0b0110) }, start, 0b1010},
		{"Exchange", func(v *sabview.View[int32], i int) (int32, error) { return atomicsx.Exchange(v, i, 99) }, start, 99},
		{"CompareExchangeHit", func(v *sabview.View[int32], i int) (int32, error) {
			return atomicsx.CompareExchange(v, i, start, 42)
		}, start, 42},
		{"CompareExchangeMiss", func(v *sabview.View[int32], i int) (int32, error) {
			return atomicsx.CompareExchange(v, i, start+1, 42)
		}, start, start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := shared(t, 4)
			a := array(t, v)
			a.SetIndex(2, start)
			got, err := tt.op(v, 2)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantRet {
				t.Errorf("returned %d, want %d", got, tt.wantRet)
			}
			if mem := int32(a.Index(2).Int()); mem != tt.wantMem {
				t.Errorf("Int32Array[2] = %d after the op, want %d", mem, tt.wantMem)
			}
			for _, i := range []int{0, 1, 3} {
				if x := a.Index(i).Int(); x != 0 {
					t.Errorf("neighbour %d changed to %d", i, x)
				}
			}
		})
	}
}

// TestOpsNonShared: the read-modify-write operations work on ordinary
// ArrayBuffers too (JavaScript allows it), only waiting needs shared memory.
func TestOpsNonShared(t *testing.T) {
	buf := js.Global().Get("ArrayBuffer").New(16)
	v, err := sabview.FromBuffer[int32](buf, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := atomicsx.Add(v, 1, 3); err != nil {
		t.Fatal(err)
	}
	if got := js.Global().Get("Int32Array").New(buf).Index(1).Int(); got != 3 {
		t.Fatalf("Add on an ArrayBuffer: element 1 = %d, want 3", got)
	}
	if _, err := atomicsx.Notify(v, 1, atomicsx.All); !errors.Is(err, atomicsx.ErrNotShared) || !errors.Is(err, sabview.ErrNotShared) {
		t.Errorf("Notify on an ArrayBuffer: %v, want ErrNotShared (atomicsx's and sabview's)", err)
	}
	if _, err := atomicsx.Wait(v, 1, 3, 0); !errors.Is(err, atomicsx.ErrNotShared) {
		t.Errorf("Wait on an ArrayBuffer: %v, want ErrNotShared", err)
	}
	if _, err := atomicsx.WaitContext(context.Background(), v, 1, 3); !errors.Is(err, atomicsx.ErrNotShared) {
		t.Errorf("WaitContext on an ArrayBuffer: %v, want ErrNotShared", err)
	}
	if _, err := atomicsx.NewMutex(v, 0); !errors.Is(err, atomicsx.ErrNotShared) {
		t.Errorf("NewMutex on an ArrayBuffer: %v, want ErrNotShared", err)
	}
}

func TestOps64(t *testing.T) {
	big := int64(0x7edc_ba98_7654_3210) // beyond 2^53: exercises the scratch path
	tests := []struct {
		name    string
		start   int64
		op      func(v *sabview.View[int64], i int) (int64, error)
		wantRet int64
		wantMem int64
	}{
		{"LoadSmall", -5, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Load64(v, i) }, -5, -5},
		{"LoadBig", big, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Load64(v, i) }, big, big},
		{"LoadMin", math.MinInt64, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Load64(v, i) }, math.MinInt64, math.MinInt64},
		{"Store", 0, func(v *sabview.View[int64], i int) (int64, error) { return 0, atomicsx.Store64(v, i, -big) }, 0, -big},
		{"Add", big, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Add64(v, i, 1<<40) }, big, big + 1<<40},
		{"AddWraps", math.MaxInt64, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Add64(v, i, 1) }, math.MaxInt64, math.MinInt64},
		{"Sub", 10, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Sub64(v, i, 1<<60) }, 10, 10 - 1<<60},
		{"And", -1, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.And64(v, i, big) }, -1, big},
		{"Or", 1 << 62, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Or64(v, i, 1) }, 1 << 62, 1<<62 | 1},
		{"Xor", big, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Xor64(v, i, big) }, big, 0},
		{"Exchange", 3, func(v *sabview.View[int64], i int) (int64, error) { return atomicsx.Exchange64(v, i, big) }, 3, big},
		{"CompareExchangeHit", big, func(v *sabview.View[int64], i int) (int64, error) {
			return atomicsx.CompareExchange64(v, i, big, -big)
		}, big, -big},
		{"CompareExchangeMiss", big, func(v *sabview.View[int64], i int) (int64, error) {
			return atomicsx.CompareExchange64(v, i, big-1, 0)
		}, big, big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := sabview.NewShared[int64](3)
			if errors.Is(err, sabview.ErrNotIsolated) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			// Set and At go through two uint32 halves, independently of
			// the BigInt path under test.
			if err := v.Set(1, tt.start); err != nil {
				t.Fatal(err)
			}
			got, err := tt.op(v, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantRet {
				t.Errorf("returned %#x, want %#x", got, tt.wantRet)
			}
			if mem, _ := v.At(1); mem != tt.wantMem {
				t.Errorf("element 1 = %#x after the op, want %#x", mem, tt.wantMem)
			}
			for _, i := range []int{0, 2} {
				if x, _ := v.At(i); x != 0 {
					t.Errorf("neighbour %d changed to %#x", i, x)
				}
			}
		})
	}
}

func TestOpErrors(t *testing.T) {
	v := shared(t, 4)
	lease := sabview.NewLease()
	sab, _ := v.Buffer()
	revoked, err := sabview.FromBuffer[int32](sab, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	revoked = revoked.WithLease(lease)
	lease.Revoke(errors.New("freed by its owner"))
	tests := []struct {
		name string
		err  func() error
		want error
	}{
		{"nil view", func() error { _, err := atomicsx.Load(nil, 0); return err }, atomicsx.ErrView},
		{"negative index", func() error { _, err := atomicsx.Add(v, -1, 1); return err }, atomicsx.ErrOutOfRange},
		{"index = len", func() error { return atomicsx.Store(v, 4, 1) }, atomicsx.ErrOutOfRange},
		{"64-bit index", func() error { _, err := atomicsx.Load64(&sabview.View[int64]{}, 0); return err }, atomicsx.ErrOutOfRange},
		{"notify count", func() error { _, err := atomicsx.Notify(v, 0, -2); return err }, atomicsx.ErrOutOfRange},
		{"wait index", func() error { _, err := atomicsx.Wait(v, 9, 0, 0); return err }, atomicsx.ErrOutOfRange},
		{"revoked", func() error { _, err := atomicsx.Load(revoked, 0); return err }, sabview.ErrRevoked},
		{"revoked is ErrView", func() error { _, err := atomicsx.Exchange(revoked, 0, 1); return err }, atomicsx.ErrView},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var e *atomicsx.Error
			if !errors.As(err, &e) || e.Op == "" {
				t.Fatalf("%v is not an *atomicsx.Error with an Op", err)
			}
			t.Log(err)
		})
	}
}

func TestWait(t *testing.T) {
	v := shared(t, 2)
	if !atomicsx.CanBlock() {
		_, err := atomicsx.Wait(v, 0, 0, time.Millisecond)
		if !errors.Is(err, atomicsx.ErrMainThread) {
			t.Fatalf("Wait on the browser main thread: %v, want ErrMainThread", err)
		}
		t.Log(err)
		return
	}
	if err := atomicsx.Store(v, 0, 5); err != nil {
		t.Fatal(err)
	}
	if r, err := atomicsx.Wait(v, 0, 4, atomicsx.Forever); err != nil || r != atomicsx.NotEqual {
		t.Fatalf("Wait for 4 while it holds 5: %v, %v; want not-equal", r, err)
	}
	begin := time.Now()
	if r, err := atomicsx.Wait(v, 0, 5, 20*time.Millisecond); err != nil || r != atomicsx.TimedOut {
		t.Fatalf("Wait with nobody notifying: %v, %v; want timed-out", r, err)
	}
	t.Logf("20ms wait took %v", time.Since(begin))
}

func TestWaitContext(t *testing.T) {
	v := shared(t, 2)
	t.Run("NotEqual", func(t *testing.T) {
		r, err := atomicsx.WaitContext(context.Background(), v, 0, 1)
		if err != nil || r != atomicsx.NotEqual {
			t.Fatalf("got %v, %v; want not-equal", r, err)
		}
	})
	t.Run("Deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		r, err := atomicsx.WaitContext(ctx, v, 0, 0)
		if r != atomicsx.TimedOut || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, %v; want timed-out, context.DeadlineExceeded", r, err)
		}
		requireContextError(t, err)
	})
	t.Run("Cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := atomicsx.WaitContext(ctx, v, 1, 0)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		requireContextError(t, err)
		// With Atomics.waitAsync the abandoned JS waiter is still
		// registered; a Notify wakes it (and reports it), which is why the
		// protocols notify All. The helper-worker fallback withdraws the
		// wait before WaitContext returns, so nothing is left to wake.
		n, err := atomicsx.Notify(v, 1, atomicsx.All)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if atomicsx.UsesWaitFallback() {
			want = 0
		}
		if n != want {
			t.Fatalf("Notify after the cancelled wait woke %d; want %d (fallback: %v)", n, want, atomicsx.UsesWaitFallback())
		}
	})
	t.Run("Woken", func(t *testing.T) {
		// Another goroutine changes the word and notifies while this one
		// waits: only possible because WaitContext does not block the thread.
		go func() {
			time.Sleep(10 * time.Millisecond)
			atomicsx.Store(v, 0, 7)
			atomicsx.Notify(v, 0, atomicsx.All)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		r, err := atomicsx.WaitContext(ctx, v, 0, 0)
		if err != nil || r != atomicsx.Woken {
			t.Fatalf("got %v, %v; want ok", r, err)
		}
		if x, _ := atomicsx.Load(v, 0); x != 7 {
			t.Fatalf("after the wake-up the word holds %d, want 7", x)
		}
	})
	t.Run("AlreadyCancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := atomicsx.WaitContext(ctx, v, 0, 7)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		requireContextError(t, err)
	})
}

// requireContextError checks that a context's end comes back as the
// package's own error: an *Error of kind ErrCanceled.
func requireContextError(t *testing.T, err error) {
	t.Helper()
	var e *atomicsx.Error
	if !errors.As(err, &e) || !errors.Is(err, atomicsx.ErrCanceled) || e.Op != "WaitContext" {
		t.Fatalf("%v (%T) is not an *atomicsx.Error of kind ErrCanceled from WaitContext", err, err)
	}
}
