//go:build js && wasm

// Package jsenv tells js/wasm tests where they run: Node, a browser page or a
// DedicatedWorker, and whether the browser harness promised cross-origin
// isolation. Tests use it to assert the environment instead of assuming it.
package jsenv

import (
	"os"
	"syscall/js"
)

// Environment variables the browser harness (internal/browsertest) sets in
// the wasm program's environment.
const (
	EnvBrowser  = "SABKIT_BROWSER"  // "chromium", "firefox" or "webkit" when run by the harness
	EnvIsolated = "SABKIT_ISOLATED" // "1" with COOP/COEP headers, "0" without
	EnvMode     = "SABKIT_MODE"     // "page" or "worker"
)

// InBrowser reports whether the program runs in a browser (page or worker).
func InBrowser() bool {
	g := js.Global()
	// wasm_exec.js installs a stub globalThis.process in browsers, so test
	// for the DOM or a worker scope instead.
	return !InNode() && (!g.Get("document").IsUndefined() || !g.Get("WorkerGlobalScope").IsUndefined())
}

// InNode reports whether the program runs under Node.js.
func InNode() bool {
	p := js.Global().Get("process")
	return !p.IsUndefined() && !p.Get("versions").IsUndefined() && !p.Get("versions").Get("node").IsUndefined()
}

// InWorker reports whether the program runs inside a DedicatedWorker.
func InWorker() bool {
	return InBrowser() && js.Global().Get("document").IsUndefined()
}

// MainThread reports whether Atomics.wait is forbidden here: the browser main
// thread (a page), as opposed to Node or a worker.
func MainThread() bool { return InBrowser() && !InWorker() }

// CrossOriginIsolated reports globalThis.crossOriginIsolated.
func CrossOriginIsolated() bool { return js.Global().Get("crossOriginIsolated").Truthy() }

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
	where := "unknown host"
	switch {
	case InNode():
		where = "node " + js.Global().Get("process").Get("version").String()
	case InWorker():
		where = "browser DedicatedWorker"
	case InBrowser():
		where = "browser page"
	}
	coi := "crossOriginIsolated=false"
	if CrossOriginIsolated() {
		coi = "crossOriginIsolated=true"
	}
	sab := "SharedArrayBuffer=undefined"
	if !js.Global().Get("SharedArrayBuffer").IsUndefined() {
		sab = "SharedArrayBuffer=available"
	}
	return where + " " + coi + " " + sab
}
