//go:build js && wasm

package atomicsx_test

import (
	"context"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

// TestWaitFallback reruns the WaitContext cases and the cross-thread
// protocols with the helper-worker fallback forced, so every engine proves
// the path that engines without Atomics.waitAsync take on their own.
func TestWaitFallback(t *testing.T) {
	if !jsinterop.InBrowser() {
		t.Skip("the fallback starts Web Workers; " + jsenv.Describe() + " has Atomics.waitAsync")
	}
	defer atomicsx.ForceWaitFallback()()
	t.Run("WaitContext", TestWaitContext)
	t.Run("LostWakeUp", TestWaitContextLostWakeUp)
	t.Run("Frames", TestCrossThreadFrames)
	t.Run("Ring", TestCrossThreadRing)
	t.Run("Mutex", TestCrossThreadMutex)
	t.Run("CancelChurn", TestCancelChurn)
}

// TestWaitContextLostWakeUp changes the element without a Notify, as when
// an engine loses the wake-up: WaitContext must still return, by reading
// the element while it waits.
func TestWaitContextLostWakeUp(t *testing.T) {
	v := shared(t, 1)
	go func() {
		time.Sleep(10 * time.Millisecond)
		atomicsx.Store(v, 0, 1) // no Notify
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	begin := time.Now()
	r, err := atomicsx.WaitContext(ctx, v, 0, 0)
	if err != nil || r != atomicsx.Woken {
		t.Fatalf("got %v, %v after %v; want ok once the element changed", r, err, time.Since(begin))
	}
	t.Logf("noticed the change without a Notify after %v (Atomics.waitAsync is %s here)",
		time.Since(begin), js.Global().Get("Atomics").Get("waitAsync").Type())
}
