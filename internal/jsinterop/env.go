//go:build js && wasm

package jsinterop

import "syscall/js"

// InNode reports whether the program runs under Node.js.
func InNode() bool {
	p := js.Global().Get("process")
	if p.Type() != js.TypeObject {
		return false
	}
	v := p.Get("versions")
	return v.Type() == js.TypeObject && v.Get("node").Type() == js.TypeString
}

// InBrowser reports whether the program runs in a browser page or worker.
// wasm_exec.js installs a stub globalThis.process in browsers, so this tests
// for a DOM or a worker scope rather than for the absence of process.
func InBrowser() bool {
	g := js.Global()
	return !InNode() && (g.Get("document").Type() == js.TypeObject ||
		g.Get("WorkerGlobalScope").Type() == js.TypeFunction)
}

// InWorker reports whether the program runs in a browser worker.
func InWorker() bool {
	return InBrowser() && js.Global().Get("document").Type() != js.TypeObject
}

// MainThread reports whether Atomics.wait is forbidden here: the browser main
// thread, as opposed to a worker or Node.
func MainThread() bool { return InBrowser() && !InWorker() }

// CrossOriginIsolated reports globalThis.crossOriginIsolated.
func CrossOriginIsolated() bool { return js.Global().Get("crossOriginIsolated").Truthy() }

// HasSharedArrayBuffer reports whether globalThis.SharedArrayBuffer exists.
func HasSharedArrayBuffer() bool {
	return js.Global().Get("SharedArrayBuffer").Type() == js.TypeFunction
}

// Where names the environment for messages and logs: "Node v20.20.2", "a
// browser page", "a browser worker", or "an unknown JavaScript host".
func Where() string {
	switch {
	case InNode():
		return "Node " + js.Global().Get("process").Get("version").String()
	case InWorker():
		return "a browser worker"
	case InBrowser():
		return "a browser page"
	}
	return "an unknown JavaScript host"
}
