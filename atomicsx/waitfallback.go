//go:build js && wasm

package atomicsx

import (
	"context"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/promise"
)

var fallback struct {
	forced bool     // tests run the fallback where waitAsync exists too
	wait   js.Value // wait(ta, i, v, ms) → {promise, cancel}, made on first use
}

// hasWaitFallback reports whether this context can start the helper worker.
func hasWaitFallback() bool { return js.Global().Get("Worker").Type() == js.TypeFunction }

// useWaitFallback reports whether WaitContext waits through helper workers.
func useWaitFallback() bool { initWaits(); return fallback.forced || !waits.hasWaitAsync }

// fallbackWait starts one wait in a helper worker. It returns the wait's
// promise and handBack, which withdraws the wait if it is still pending and
// returns once the helper has stopped waiting on the element.
func fallbackWait(ta js.Value, i int, expect int32, ms float64) (p js.Value, handBack func()) {
	if fallback.wait.IsUndefined() {
		fallback.wait = js.Global().Get("Function").New(waitWorkerJS).Invoke()
	}
	w := fallback.wait.Invoke(ta, i, expect, ms)
	return w.Get("promise"), func() {
		// The script bounds this wait: a helper that does not answer
		// within 2 s is terminated.
		promise.Await(context.Background(), w.Call("cancel"))
	}
}
