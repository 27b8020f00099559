//go:build js && wasm

package atomicsx

import (
	_ "embed"
	"io/fs"
	"sync"
	"syscall/js"
)

// The JavaScript atomicsx's Go code runs, each evaluated as a function body.
var (
	//go:embed assets/waits.js
	waitsJS string
	//go:embed assets/atomics64.js
	atomics64JS string
	// waitWorkerJS is the fallback for engines without Atomics.waitAsync:
	// the wait happens in a helper worker, where Atomics.wait may block,
	// and its result comes back as a message.
	//
	//go:embed assets/waitworker.js
	waitWorkerJS string
)

// atomicsX is the API of sabkit-atomics.js, evaluated for Go's own use with
// a private global object, so a page's own AtomicsX (of whatever version)
// is neither read nor replaced.
var atomicsX = sync.OnceValue(func() js.Value {
	src, err := fs.ReadFile(JSModule, "sabkit-atomics.js")
	if err != nil {
		panic(err) // go:embed checked the file
	}
	holder := js.Global().Get("Object").New()
	js.Global().Get("Function").New("globalThis", string(src)).Invoke(holder)
	return holder.Get("AtomicsX")
})
