//go:build js && wasm

package sharedheap

import (
	"encoding/json"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// The hooks and shims on their own, without booting Pyodide: only tests
// install them by hand (Load and the worker install them themselves).

func decodeStats(op string, v js.Value) (Stats, error) {
	var s Stats
	text := js.Global().Get("JSON").Call("stringify", v).String()
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return Stats{}, &Error{Package: "sharedheap", Op: op, Kind: ErrArgument, Detail: "undecodable stats " + text, Err: err}
	}
	return s, nil
}

// Install hooks WebAssembly.Module, compile, instantiate, compileStreaming
// and instantiateStreaming in this thread so that every module that
// defines or imports memory is compiled with that memory shared, and (by
// default, in browsers) installs the TextDecoder.decode,
// Crypto.getRandomValues and TextEncoder.encodeInto shims. Call it in the
// Pyodide thread before Pyodide loads. Installing twice is a no-op.
func Install(opts InstallOptions) (Stats, error) {
	ns, err := Namespace()
	if err != nil {
		return Stats{}, err
	}
	v, err := jsinterop.Try(func() js.Value { return ns.Call("install", opts.js()) })
	if err != nil {
		return Stats{}, FromJS("Install", err)
	}
	return decodeStats("Install", v)
}

// Uninstall restores the hooked functions and the shimmed methods. It
// reports whether anything was installed. Modules compiled meanwhile stay as
// they are.
func Uninstall() bool {
	ns, err := Namespace()
	if err != nil {
		return false
	}
	return ns.Call("uninstall").Bool()
}

// CurrentStats returns the counters of this thread's hooks and shims.
func CurrentStats() (Stats, error) {
	ns, err := Namespace()
	if err != nil {
		return Stats{}, err
	}
	return decodeStats("CurrentStats", ns.Call("stats"))
}

// ResetStats zeroes the counters.
func ResetStats() {
	if ns, err := Namespace(); err == nil {
		ns.Call("resetStats")
	}
}
