//go:build js && wasm

package atomicsx_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/promise"
)

// TestCancelChurn: cancelled WaitContext and FrameReader.Next calls leave
// nothing registered: with Atomics.waitAsync once the next Notify (a
// publish, for frames) has released their JavaScript waiters, and under the
// helper-worker fallback as soon as each call returns, its helper handed
// back to the pool.
func TestCancelChurn(t *testing.T) {
	n := 10000
	if atomicsx.UsesWaitFallback() {
		// Each cancelled wait costs a round trip to its helper.
		n = 2000
	}
	if testing.Short() {
		n /= 10
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

// churn runs wait n times, cancelling each call while it waits, then checks
// that nothing is left behind (after calling wake, where JavaScript keeps
// abandoned waiters until a Notify).
func churn(t *testing.T, n int, wait func(context.Context) error, wake func()) {
	t.Helper()
	if atomicsx.UsesWaitFallback() {
		churnFallback(t, n, wait)
		return
	}
	base := promise.Pending()
	for range n {
		ctx, cancel := context.WithCancel(context.Background())
		go cancel() // runs once wait has parked
		requireCancelled(t, wait(ctx))
	}
	// Each parked wait leaves one JavaScript waiter, and so one pending
	// promise, until the wake-up: none pending here would mean no wait
	// ever parked.
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

// churnFallback: under the helper-worker fallback every cancelled wait hands
// its helper back before it returns, so no promise stays pending, one helper
// serves the whole churn, and the pool accounts every wait as cancelled.
// Every other call is cancelled a little later, once its helper has (most
// likely) blocked in Atomics.wait, so both ways a cancel meets its helper
// are exercised.
func churnFallback(t *testing.T, n int, wait func(context.Context) error) {
	t.Helper()
	base := promise.Pending()
	before := atomicsx.WaitFallbackStats()
	for k := range n {
		ctx, cancel := context.WithCancel(context.Background())
		if k%2 == 0 {
			go cancel()
		} else {
			time.AfterFunc(time.Millisecond, cancel)
		}
		requireCancelled(t, wait(ctx))
		if left := promise.Pending() - base; left != 0 {
			t.Fatalf("cancelled wait %d returned with %d promises still pending: its helper was not handed back", k, left)
		}
	}
	after := atomicsx.WaitFallbackStats()
	d := func(k string) int { return after[k] - before[k] }
	t.Logf("pool: %d helpers, %d waits cancelled before their helper blocked, %d while it blocked, %d helpers terminated",
		after["workers"], d("cancelled"), d("cancelledWaiting"), d("terminated"))
	if got := d("cancelled") + d("cancelledWaiting"); got != n || d("started") != n {
		t.Fatalf("the pool started %d waits and ended %d as cancelled, want %d of each", d("started"), got, n)
	}
	if d("cancelledWaiting") == 0 {
		t.Fatal("no cancel ever met a helper blocked in Atomics.wait: the blocking path was not exercised")
	}
	if d("terminated") != 0 || d("workers") > 1 {
		t.Fatalf("the pool terminated %d helpers and grew by %d; want every helper handed back and reused",
			d("terminated"), d("workers"))
	}
}

func requireCancelled(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) || !errors.Is(err, atomicsx.ErrCanceled) {
		t.Fatalf("cancelled wait returned %v, want ErrCanceled wrapping context.Canceled", err)
	}
}
