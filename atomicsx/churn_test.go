//go:build js && wasm

package atomicsx_test

import (
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/promise"
)

// TestCancelChurn: cancelled WaitContext and FrameReader.Next calls leave
// nothing registered once the next Notify (a publish, for frames) has
// released their JavaScript waiters.
func TestCancelChurn(t *testing.T) {
	if js.Global().Get("Atomics").Get("waitAsync").Type() != js.TypeFunction {
		// Under the helper-worker fallback a cancelled wait keeps its
		// helper until the helper's round ends, so a churn of cancelled
		// waits here measures the pool's round length, not a leak.
		t.Skip("Atomics.waitAsync is missing here: the helper-worker fallback holds cancelled waits until their round ends")
	}
	n := 10000
	if testing.Short() {
		n = 1000
	}
	t.Run("WaitContext", func(t *testing.T) {
		v := shared(t, 1)
		churn(t, n, func(ctx context.Context) error {
			_, err := atomicsx.WaitContext(ctx, v, 0, 0)
			return err
		}, func() {
			atomicsx.Store(v, 0, 1)
			atomicsx.Notify(v, 0, -1)
		})
	})
	t.Run("FrameReader.Next", func(t *testing.T) {
		const frameBytes = 64
		w, r := newFrames(t, frameBytes)
		churn(t, n, func(ctx context.Context) error {
			_, err := r.Next(ctx, nil)
			return err
		}, func() {
			if _, err := w.Publish(make([]byte, frameBytes)); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// churn runs wait n times, cancelling each call while it waits, then calls
// wake and checks that every awaited promise has settled.
func churn(t *testing.T, n int, wait func(context.Context) error, wake func()) {
	t.Helper()
	base := promise.Pending()
	for range n {
		ctx, cancel := context.WithCancel(context.Background())
		go cancel() // runs once wait has parked
		err := wait(ctx)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, atomicsx.ErrContext) {
			t.Fatalf("cancelled wait returned %v, want ErrContext wrapping context.Canceled", err)
		}
	}
	// Each parked wait leaves one JavaScript waiter, and so one pending
	// promise, until the wake-up (or, in the helper-worker fallback, the end
	// of its round): none pending here would mean no wait ever parked.
	parked := promise.Pending() - base
	t.Logf("%d of %d cancelled waits left a JavaScript waiter", parked, n)
	if parked == 0 {
		t.Fatal("no cancelled wait ever parked: the test cancelled them before they waited")
	}
	wake()
	deadline := time.Now().Add(10 * time.Second)
	for promise.Pending() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if left := promise.Pending() - base; left > 0 {
		t.Fatalf("%d of %d cancelled waits still hold a promise and its callbacks after the wake-up", left, n)
	}
}
