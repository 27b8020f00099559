//go:build js && wasm

package jsinterop

import (
	"sync"
	"syscall/js"
)

// Import starts loading the ES module at url and returns import(url)'s
// promise of the module namespace. import() is syntax, with no function
// value Go could call, so a one-line Function wraps it (made once).
func Import(url string) js.Value { return dynamicImport().Invoke(url) }

var dynamicImport = sync.OnceValue(func() js.Value {
	return js.Global().Get("Function").New("u", "return import(u)")
})
