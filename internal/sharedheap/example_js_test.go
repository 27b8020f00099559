//go:build js && wasm

package sharedheap_test

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
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

// Python runs in a worker; this thread views its array in place.
func ExampleStartWorker() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{IndexURL: "/pyodide/", ScriptURL: "/sharedheap/worker.js"})
	if err != nil {
		fmt.Println(err) // ErrNotIsolated names the headers to send
		return
	}
	defer w.Close()
	addr, err := w.Run(ctx, "import array\nsamples = array.array('f', [0]) * 1024\nsamples.buffer_info()[0]")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := sabview.FromMemory[float32](w.Memory(), addr.Int(), 1024) // aliases Python's array
	if err != nil {
		fmt.Println(err)
		return
	}
	w.Run(ctx, "samples[3] = 1.5")
	x, _ := v.At(3)
	fmt.Println(x) // 1.5
}
