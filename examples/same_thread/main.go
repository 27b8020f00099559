//go:build js && wasm

// Command same_thread is the smallest sabkit program with Python: Go and
// Pyodide on one thread (no worker, no SharedArrayBuffer needed). Go
// allocates an array in Pyodide's heap, fills it, Python (NumPy when it is
// installed, plain indexing otherwise) normalises it in place, and Go reads
// the result: the array is copied once out of Go's heap and never again.
//
// Serve it with `go run ./cmd/sabkit demo same_thread`.
package main

import (
	"context"
	"fmt"
	"math"
	"syscall/js"

	"github.com/sabkit/sabkit/pyodidebridge"
)

const normalise = `
try:
    import numpy as np
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    how = "NumPy, in place"
except ImportError:
    for i in range(points.shape[0]):
        n = sum(points[i, j] ** 2 for j in range(3)) ** 0.5
        for j in range(3):
            points[i, j] /= n
    how = "a memoryview, in place"
`

func main() {
	ctx := context.Background()
	out := newOutput()
	b, err := pyodidebridge.Load(ctx, pyodidebridge.Options{IndexURL: "pyodide/"})
	if err != nil {
		out.fail(err)
		return
	}
	defer b.Close()
	// 1000 points of (x, y, z), owned by Python, seen by Go through a view.
	points, err := pyodidebridge.Alloc[float64](context.Background(), b, "points", 1000, 3)
	if err != nil {
		out.fail(err)
		return
	}
	src := make([]float64, 3000)
	for i := range src {
		src[i] = float64(i%7 + 1)
	}
	points.CopyFrom(src) // the one copy: Go's heap → Pyodide's heap
	if err := b.Run(ctx, normalise); err != nil {
		out.fail(err)
		return
	}
	x, _ := points.At(0)
	y, _ := points.At(1)
	z, _ := points.At(2)
	length := math.Sqrt(x*x + y*y + z*z)
	out.check("Python normalised the rows Go wrote", math.Abs(length-1) < 1e-12,
		"row 0 is (%.4f, %.4f, %.4f), length %.12f", x, y, z, length)

	// And the other way round: Go writes into the array, Python reads it
	// there and writes its answer next to it.
	points.Set(0, 42)
	if err := b.Run(ctx, "points[1, 0] = points[0, 0] + 1"); err != nil {
		out.fail(err)
		return
	}
	answer, _ := points.At(3)
	out.check("Go's write is Python's value", answer == 43, "Go stored 42 at [0,0]; Python wrote [0,0]+1 = %v at [1,0]", answer)
	out.done()
}

// output writes to the page and publishes the report `sabkit demo
// --headless` reads.
type output struct {
	checks []any
	ok     bool
}

func newOutput() *output { return &output{ok: true} }

func (o *output) log(s string) {
	doc := js.Global().Get("document")
	p := doc.Call("createElement", "p")
	p.Set("textContent", s)
	doc.Get("body").Call("appendChild", p)
	js.Global().Get("console").Call("log", "demo: "+s)
}

func (o *output) check(name string, ok bool, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	o.ok = o.ok && ok
	o.checks = append(o.checks, map[string]any{"name": name, "ok": ok, "detail": detail})
	o.log(fmt.Sprintf("%v %s: %s", map[bool]string{true: "✓", false: "✗"}[ok], name, detail))
}

func (o *output) fail(err error) {
	o.log("error: " + err.Error())
	js.Global().Set("sabkitDemo", map[string]any{"done": true, "ok": false,
		"report": map[string]any{"ok": false, "error": err.Error(), "checks": o.checks}})
}

func (o *output) done() {
	js.Global().Set("sabkitDemo", map[string]any{"done": true, "ok": o.ok,
		"report": map[string]any{"ok": o.ok, "checks": o.checks}})
}
