//go:build js && wasm

// Command attach_existing shows sabkit joining a page that already runs
// Pyodide: index.html loads Pyodide with a plain script tag, as pages do,
// and only then starts Go, which attaches to that instance and shares an
// array with the page's JavaScript and Python — the same bytes for all
// three.
//
// Serve it with `go run ./cmd/sabkit demo attach_existing`.
package main

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/pyodidebridge"
)

func main() {
	ctx := context.Background()
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		report(false, "attach: "+err.Error())
		return
	}
	// A uint8 array in Pyodide's heap, bound to the Python name "levels".
	levels, err := pyodidebridge.Alloc[uint8](context.Background(), b, "levels", 8)
	if err != nil {
		report(false, err.Error())
		return
	}
	levels.CopyFrom([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	// The page's own JavaScript gets the typed array over the same bytes.
	arr, _ := levels.Array()
	js.Global().Get("pageDoubles").Invoke(arr) // JS: arr[i] *= 2, in place
	if err := b.Run(ctx, "levels[7] = sum(levels[:7])"); err != nil {
		report(false, err.Error())
		return
	}
	got, _ := levels.ToSlice()
	want := []byte{2, 4, 6, 8, 10, 12, 14, 56}
	report(fmt.Sprint(got) == fmt.Sprint(want),
		fmt.Sprintf("Go wrote 1..8, the page's JS doubled them, Python summed them: %v (want %v)", got, want))
	b.Close() // the page keeps its Pyodide; the bridge frees what it allocated
}

func report(ok bool, detail string) {
	js.Global().Get("console").Call("log", "demo: "+detail)
	js.Global().Get("document").Call("getElementById", "out").Set("textContent", detail)
	js.Global().Set("sabkitDemo", map[string]any{"done": true, "ok": ok, "report": map[string]any{"ok": ok,
		"checks": []any{map[string]any{"name": "Go, JS and Python share one array", "ok": ok, "detail": detail}}}})
}
