//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestSeedRecipeCopies keeps the recipe "pyodide.globals.set(name,
// sabBackedFloat32Array), then js_view.to_py() in Python" as evidence that it
// copies: Python's writes never reach the SharedArrayBuffer and later JS
// writes never reach Python. The same steps on an Alloc'ed array alias.
func TestSeedRecipeCopies(t *testing.T) {
	b := bridge(t)
	if !sabview.Available() {
		t.Skip("the seed recipe starts from a SharedArrayBuffer, which is undefined here (not cross-origin isolated)")
	}
	v, err := sabview.NewShared[float32](8)
	if err != nil {
		t.Fatal(err)
	}
	v.CopyFrom([]float32{1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5})
	arr, _ := v.Array()
	globals := b.Pyodide().Get("globals")
	globals.Call("set", "js_shared_view", arr)
	defer run(t, b, "del js_shared_view, seed_mv")

	run(t, b, `
seed_mv = js_shared_view.to_py()
assert seed_mv.tolist()[:2] == [1.5, 2.5], seed_mv.tolist()
seed_mv[0] = 99.0
`)
	if got, _ := v.At(0); got != 1.5 {
		t.Fatalf("the SharedArrayBuffer saw Python's write (%v): the recipe would alias, which this test says it does not", got)
	}
	v.Set(1, -7)
	run(t, b, `assert seed_mv[1] == 2.5, "Python saw a JS write made after to_py(): %r" % seed_mv[1]`)
	run(t, b, `assert seed_mv[0] == 99.0`)

	// Contrast: the bridge's own array is one set of bytes.
	h, err := pyodidebridge.Alloc[float32](context.Background(), b, "seed_alloc", 8)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), h)
	run(t, b, `seed_alloc[0] = 99.0`)
	if got, _ := h.At(0); got != 99 {
		t.Fatalf("Alloc'ed view read %v after Python wrote 99", got)
	}
	h.Set(1, -7)
	run(t, b, `assert seed_alloc[1] == -7.0, seed_alloc[1]`)
}
