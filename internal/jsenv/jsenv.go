//go:build js && wasm

// Package jsenv tells js/wasm tests where they run: Node, a browser page or a
// DedicatedWorker, and whether the browser harness promised cross-origin
// isolation. Tests use it to assert the environment instead of assuming it.
package jsenv

import (
	"os"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// Environment variables the browser harness (internal/browsertest) sets in
// the wasm program's environment.
const (
	EnvBrowser  = "SABKIT_BROWSER"  // "chromium", "firefox" or "webkit" when run by the harness
	EnvIsolated = "SABKIT_ISOLATED" // "1" with COOP/COEP headers, "0" without
	EnvMode     = "SABKIT_MODE"     // "page" or "worker"
)

// ExpectIsolated reports what the harness promised: true and ok when the page
// was served with COOP/COEP, false and ok when deliberately without, and ok
// false when no harness said either (Node, or a hand-made page).
func ExpectIsolated() (isolated, ok bool) {
	switch os.Getenv(EnvIsolated) {
	case "1":
		return true, true
	case "0":
		return false, true
	}
	return false, false
}

// Describe returns a one-line description of the environment for test logs.
func Describe() string {
	where := jsinterop.Where()
	coi := "crossOriginIsolated=false"
	if jsinterop.CrossOriginIsolated() {
		coi = "crossOriginIsolated=true"
	}
	sab := "SharedArrayBuffer=undefined"
	if jsinterop.HasSharedArrayBuffer() {
		sab = "SharedArrayBuffer=available"
	}
	return where + " " + coi + " " + sab
}
