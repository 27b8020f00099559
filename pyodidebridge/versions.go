//go:build js && wasm

package pyodidebridge

import (
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
)

// PyodideRelease is one Pyodide release the bridge is tested with, and what
// the tests found working on it.
type PyodideRelease struct {
	Version    string // as on npm, such as "314.0.7"
	SameThread bool   // Attach and Load
	SharedHeap bool   // Load with Options.SharedHeap
	Worker     bool   // LoadWorker
}

// testedPyodide is the tested range, oldest first (TestedPyodide returns a
// copy); the errors that name the range come from it.
//
// The bridge does not gate on the version: it detects what it needs
// (pyodide._module.HEAPU8, the FS and pyimport API, the heap's Memory where
// Pyodide exposes it), so a release outside this list that has those
// features works, untested; one that lacks one fails with ErrVersion naming
// the missing feature and this range.
var testedPyodide = []PyodideRelease{
	{Version: "0.27.7", SameThread: true, SharedHeap: true, Worker: true},
	{Version: "0.28.3", SameThread: true, SharedHeap: true, Worker: true},
	{Version: "0.29.5", SameThread: true, SharedHeap: true, Worker: true},
	{Version: "314.0.7", SameThread: true, SharedHeap: true, Worker: true},
	{Version: "315.0.0-alpha.2", SameThread: true, SharedHeap: true, Worker: true},
}

// TestedPyodide returns the Pyodide releases sabkit is tested with, oldest
// first, and what works on each.
func TestedPyodide() []PyodideRelease { return append([]PyodideRelease(nil), testedPyodide...) }

// testedRange renders the tested range for messages: "0.27.7 to 315.0.0-alpha.2".
func testedRange() string {
	return testedPyodide[0].Version + " to " + testedPyodide[len(testedPyodide)-1].Version
}

// versionError is the ErrVersion of a Pyodide that lacks feature.
func versionError(op, version, feature string) *Error {
	return errorf(op, ErrVersion, "use a Pyodide release from the tested range "+testedRange()+
		" (testdata/pyodide-versions pins each)", "Pyodide %q lacks %s", version, feature)
}

// heapMemory finds the WebAssembly.Memory of Pyodide's heap, by feature:
// 314 and later keep it in _module.memory; 0.27 to 0.29 keep it private and
// expose only the views Emscripten re-creates on growth (_module.HEAPU8),
// so the bridge then uses heapStandIn.
func heapMemory(op string, api js.Value) (js.Value, error) {
	m := api.Get("_module")
	heap := m.Get("HEAPU8")
	if jsinterop.Tag(heap) != "Uint8Array" {
		return js.Undefined(), versionError(op, api.Get("version").String(),
			"pyodide._module.HEAPU8 as a Uint8Array (it is "+jsinterop.Describe(heap)+"), the view of its heap")
	}
	buf := heap.Get("buffer")
	for _, name := range []string{"memory", "wasmMemory"} {
		if mem := m.Get(name); jsinterop.Tag(mem) == "WebAssembly.Memory" && mem.Get("buffer").Equal(buf) {
			return mem, nil
		}
	}
	return heapStandIn.Invoke(m), nil
}

// heapStandIn makes, for a Pyodide that keeps its WebAssembly.Memory
// private, an object with WebAssembly.Memory's prototype whose buffer is
// always the heap's current one (Emscripten replaces HEAPU8 whenever the
// memory grows), which is all sabview.FromMemory reads. Its grow and
// postMessage do not work: only Pyodide grows its heap, and a non-shared
// heap cannot cross threads anyway.
var heapStandIn = js.Global().Get("Function").New("m",
	`return Object.create(WebAssembly.Memory.prototype, {buffer: {get() { return m.HEAPU8.buffer; }}});`)

// tested returns the row of version in the tested range, spelled as npm
// does ("315.0.0-alpha.2") or as pyodide.version does ("315.0.0a2").
func tested(version string) (PyodideRelease, bool) {
	for _, r := range testedPyodide {
		if r.Version == version || pep440(r.Version) == version {
			return r, true
		}
	}
	return PyodideRelease{}, false
}

// pep440 spells an npm pre-release the way Python versions do:
// "315.0.0-alpha.2" becomes "315.0.0a2".
func pep440(npm string) string {
	return strings.NewReplacer("-alpha.", "a", "-beta.", "b", "-rc.", "rc").Replace(npm)
}
