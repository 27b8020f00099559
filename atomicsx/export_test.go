//go:build js && wasm

package atomicsx

// ForceWaitFallback makes WaitContext wait through helper workers even where
// Atomics.waitAsync exists, so every engine tests the fallback; it returns a
// function that restores the previous choice.
func ForceWaitFallback() (restore func()) {
	old := fallback.forced
	fallback.forced = true
	return func() { fallback.forced = old }
}

// UsesWaitFallback reports whether WaitContext waits through helper workers.
func UsesWaitFallback() bool { return useWaitFallback() }

// WaitFallbackStats returns the helper-worker pool's counters: workers
// alive, waits started, cancelled waits whose helper had not blocked yet
// (cancelled) or was blocked in Atomics.wait (cancelledWaiting), helpers
// terminated for not answering, and idle helpers. Nil before the first
// fallback wait.
func WaitFallbackStats() map[string]int {
	if fallback.wait.IsUndefined() {
		return nil
	}
	s := fallback.wait.Call("stats")
	m := map[string]int{}
	for _, k := range []string{"workers", "started", "cancelled", "cancelledWaiting", "terminated", "idle"} {
		m[k] = s.Get(k).Int()
	}
	return m
}
