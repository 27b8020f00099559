//go:build js && wasm

package atomicsx

import (
	_ "embed"
	"syscall/js"
)

// waitWorkerJS is the fallback for engines without Atomics.waitAsync: the
// wait happens in a helper worker, where Atomics.wait may block, and its
// result comes back as a message.
//
//go:embed waitworker.js
var waitWorkerJS string

var fallback struct {
	forced bool     // tests run the fallback where waitAsync exists too
	wait   js.Value // wait(ta, i, v, ms) → Promise<string>, made on first use
}

// hasWaitFallback reports whether this context can start the helper worker.
func hasWaitFallback() bool { return js.Global().Get("Worker").Type() == js.TypeFunction }

// useWaitFallback reports whether WaitContext waits through helper workers.
func useWaitFallback() bool { initWaits(); return fallback.forced || !waits.hasWaitAsync }

// fallbackWait starts one wait in a helper worker and returns its promise.
func fallbackWait(ta js.Value, i int, expect int32, ms float64) js.Value {
	if fallback.wait.IsUndefined() {
		fallback.wait = js.Global().Get("Function").New(waitWorkerJS).Invoke()
	}
	return fallback.wait.Invoke(ta, i, expect, ms)
}
