//go:build js && wasm

package sharedheap_test

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// Once the hooks are installed, a module that imports memory is compiled to
// import it shared, so it links against a shared WebAssembly.Memory (an
// unshared import would refuse it).
func ExampleInstall() {
	if _, err := sharedheap.Install(sharedheap.InstallOptions{Shims: sharedheap.ShimsOff}); err != nil {
		fmt.Println(err)
		return
	}
	defer sharedheap.Uninstall()
	wa := js.Global().Get("WebAssembly")
	mod := wa.Get("Module").New(bytesJS(memImportModule))
	imp := wa.Get("Module").Call("imports", mod).Index(0)
	memory := wa.Get("Memory").New(map[string]any{"initial": 1, "maximum": 65536, "shared": true})
	inst := wa.Get("Instance").New(mod, map[string]any{"env": map[string]any{"memory": memory}})
	inst.Get("exports").Call("set", 42)
	st, _ := sharedheap.CurrentStats()
	fmt.Println(imp.Get("module"), imp.Get("name"), imp.Get("kind"), st.Rewritten > 0)
	fmt.Println(js.Global().Get("Int32Array").New(memory.Get("buffer"), 0, 1).Index(0).Int())
	// Output:
	// env memory memory true
	// 42
}

// sabkitWorker (worker.js) is the worker protocol's client: Go reaches it
// through WorkerNamespace, and FromJS maps what it throws or rejects with to
// an *Error. Here start() is refused for want of an indexURL.
func ExampleWorkerNamespace() {
	ns, err := sharedheap.WorkerNamespace()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ns.Get("WORKER_REQUESTS").Call("join", " "))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = promise.Await(ctx, ns.Call("start", map[string]any{}))
	err = sharedheap.FromJS("start", err)
	fmt.Println(errors.Is(err, sharedheap.ErrArgument))
	fmt.Println(err)
	// Output:
	// run call loadPackage stdin info close
	// true
	// sharedheap.start: invalid argument: sabkitWorker.start: set options.indexURL to the folder that serves Pyodide
}
