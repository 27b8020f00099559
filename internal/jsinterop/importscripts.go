//go:build js && wasm

package jsinterop

import "syscall/js"

// HideImportScripts makes importScripts throw until the returned function is
// called. ES-module loaders such as Pyodide's choose their classic-worker path
// when they see a working importScripts, and that path refuses to run; with it
// hidden they take the module-worker path, which works in classic workers too.
// Outside a classic worker it does nothing.
func HideImportScripts() (restore func()) {
	g := js.Global()
	orig := g.Get("importScripts")
	if orig.Type() != js.TypeFunction {
		return func() {}
	}
	g.Set("importScripts", g.Get("Function").New(
		`throw new TypeError("importScripts is hidden while an ES module loads");`))
	return func() { g.Set("importScripts", orig) }
}
