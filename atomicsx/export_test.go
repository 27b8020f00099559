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
