//go:build js && wasm

// An app made with sabkit init, changed as the README's "Packages with
// compiled parts" says: the wheel in wheels/ is installed by name, and its C
// code works on an array Go allocated in Python's heap.
package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := js.Global().Get("document").Call("getElementById", "result")
	text, err := scaleInC(ctx)
	if err != nil {
		out.Get("dataset").Set("ok", "false")
		out.Set("textContent", err.Error())
		return
	}
	out.Set("textContent", text)
	out.Get("dataset").Set("ok", "true")
	out.Get("dataset").Set("done", "true")
}

func scaleInC(ctx context.Context) (string, error) {
	b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "pyodide/"})
	if err != nil {
		return "", err
	}
	defer b.Close()
	if err := b.LoadPackage(ctx, "sabnative"); err != nil { // wheels/sabnative-1.0-py3-none-any.whl
		return "", err
	}
	x, err := pyodidebridge.Alloc[float32](ctx, b, "x", 4)
	if err != nil {
		return "", err
	}
	for i := range 4 {
		x.Set(i, float32(i+1))
	}
	if _, err := b.Call(ctx, "sabnative.scale", x, 10.0); err != nil { // C writes x's bytes
		return "", err
	}
	total, err := b.Call(ctx, "sabnative.total", x)
	if err != nil {
		return "", err
	}
	got := make([]float32, 4)
	if _, err := x.CopyTo(got); err != nil {
		return "", err
	}
	return fmt.Sprintf("C scaled Go's array to %v; C's sum: %v", got, total), nil
}
