//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestBadInputs: each bad input returns an *Error of the expected kind that
// names the operation and says what to fix, and leaves no buffer pinned.
func TestBadInputs(t *testing.T) {
	b := bridge(t)
	run(t, b, `
import array
bad_int = 7
bad_doubles = array.array('d', [1.0, 2.0])
bad_strided = memoryview(bytearray(16))[::2]
bad_bytes = b"read only"
`)
	defer run(t, b, "del bad_int, bad_doubles, bad_strided, bad_bytes")
	inHeap, err := pyodidebridge.Alloc[float32](context.Background(), b, "bad_inputs_base", 6)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), inHeap)
	outside, err := jsBacked[float32](6)
	if err != nil {
		t.Fatal(err)
	}
	// A Pyodide-like object with the whole API but no view of its heap.
	oldVersion := js.Global().Get("Object").Call("create", b.Pyodide())
	oldVersion.Set("version", "0.23.4")
	oldVersion.Set("_module", js.Global().Get("Object").New())
	badURL := "/no-such-pyodide/"
	if jsinterop.InNode() {
		badURL = "/nonexistent/pyodide/dir/"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	before, err := pyodidebridge.LiveEntries(b)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		kind    error
		inError string // must appear in the message
		call    func() error
	}{
		{"Attach(undefined)", pyodidebridge.ErrNotPyodide, "undefined",
			func() error { _, err := pyodidebridge.Attach(js.Undefined()); return err }},
		{"Attach({})", pyodidebridge.ErrNotPyodide, `"version"`,
			func() error { _, err := pyodidebridge.Attach(js.Global().Get("Object").New()); return err }},
		{"Attach(promise)", pyodidebridge.ErrNotPyodide, "Promise",
			func() error {
				_, err := pyodidebridge.Attach(js.Global().Get("Promise").Call("resolve", 1))
				return err
			}},
		{"Attach(no HEAPU8)", pyodidebridge.ErrVersion, `"0.23.4" lacks pyodide._module.HEAPU8`,
			func() error { _, err := pyodidebridge.Attach(oldVersion); return err }},
		{"Load(no URL)", pyodidebridge.ErrLoad, "IndexURL",
			func() error { _, err := pyodidebridge.Load(ctx, pyodidebridge.Options{}); return err }},
		{"Load(bad URL)", pyodidebridge.ErrLoad, badURL,
			func() error { _, err := pyodidebridge.Load(ctx, pyodidebridge.Options{IndexURL: badURL}); return err }},
		{"Alloc(digit name)", pyodidebridge.ErrName, "1x",
			func() error { _, err := pyodidebridge.Alloc[float32](context.Background(), b, "1x", 4); return err }},
		{"Alloc(keyword)", pyodidebridge.ErrName, "keyword",
			func() error { _, err := pyodidebridge.Alloc[float32](context.Background(), b, "class", 4); return err }},
		{"Alloc(no shape)", pyodidebridge.ErrShape, "no dimensions",
			func() error { _, err := pyodidebridge.Alloc[float32](context.Background(), b, "x"); return err }},
		{"Alloc(negative dim)", pyodidebridge.ErrShape, "-3",
			func() error { _, err := pyodidebridge.Alloc[float32](context.Background(), b, "x", 2, -3); return err }},
		{"Alloc(zero dim)", pyodidebridge.ErrShape, "is 0",
			func() error { _, err := pyodidebridge.Alloc[uint8](context.Background(), b, "x", 0); return err }},
		{"Alloc(too big)", pyodidebridge.ErrShape, "bytes",
			func() error { _, err := pyodidebridge.Alloc[float64](context.Background(), b, "x", 1<<28); return err }},
		{"View(missing)", pyodidebridge.ErrName, "no_such_global",
			func() error {
				_, err := pyodidebridge.ViewOf[float32](context.Background(), b, "no_such_global")
				return err
			}},
		{"View(int)", pyodidebridge.ErrNotBuffer, "int",
			func() error { _, err := pyodidebridge.ViewOf[float32](context.Background(), b, "bad_int"); return err }},
		{"View(float64 as float32)", pyodidebridge.ErrDType, "View[float64]",
			func() error {
				_, err := pyodidebridge.ViewOf[float32](context.Background(), b, "bad_doubles")
				return err
			}},
		{"View(strided)", pyodidebridge.ErrLayout, "C-contiguous",
			func() error {
				_, err := pyodidebridge.ViewOf[uint8](context.Background(), b, "bad_strided")
				return err
			}},
		{"View(bytes)", pyodidebridge.ErrLayout, "read-only",
			func() error { _, err := pyodidebridge.ViewOf[uint8](context.Background(), b, "bad_bytes"); return err }},
		{"Share(outside heap)", pyodidebridge.ErrOutsideHeap, "CopyIn",
			func() error { return pyodidebridge.Share(context.Background(), b, "x", outside) }},
		{"Share(nil)", pyodidebridge.ErrView, "nil",
			func() error { return pyodidebridge.Share[float32](context.Background(), b, "x", nil) }},
		{"Share(shape mismatch)", pyodidebridge.ErrShape, "6",
			func() error { return pyodidebridge.Share(context.Background(), b, "x", inHeap, 4, 2) }},
		{"CopyIn(shape mismatch)", pyodidebridge.ErrShape, "5",
			func() error { _, err := pyodidebridge.CopyIn(context.Background(), b, "x", outside, 5); return err }},
		{"CopyOut(small dst)", pyodidebridge.ErrShape, "at least 6",
			func() error {
				small, _ := jsBacked[float32](3)
				_, err := pyodidebridge.CopyOut(context.Background(), b, "bad_inputs_base", small)
				return err
			}},
		{"CopyOut(dtype)", pyodidebridge.ErrDType, "float64",
			func() error {
				_, err := pyodidebridge.CopyOut(context.Background(), b, "bad_doubles", outside)
				return err
			}},
		{"Free(foreign view)", pyodidebridge.ErrNotOwned, "not made by this bridge",
			func() error { return b.Free(context.Background(), outside) }},
		{"Free(nil)", pyodidebridge.ErrView, "nil view",
			func() error { return b.Free(context.Background(), nil) }},
		{"Free(typed nil)", pyodidebridge.ErrView, "nil view",
			func() error { var v *sabview.View[float32]; return b.Free(context.Background(), v) }},
		{"Run(syntax error)", pyodidebridge.ErrPython, "SyntaxError",
			func() error { return b.Run(ctx, "def (") }},
		{"nil Bridge", pyodidebridge.ErrClosed, "nil",
			func() error { _, err := pyodidebridge.Alloc[int8](context.Background(), nil, "x", 1); return err }},
		{"nil Bridge Run", pyodidebridge.ErrClosed, "nil",
			func() error {
				var nb *pyodidebridge.Bridge
				nb.Close()
				return nb.Run(ctx, "pass")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.kind) {
				t.Fatalf("%v\nis not %v", err, c.kind)
			}
			var e *pyodidebridge.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not a *pyodidebridge.Error", err)
			}
			if e.Op == "" || (e.Fix == "" && c.kind != pyodidebridge.ErrPython) {
				t.Fatalf("error without Op or Fix: %#v", e)
			}
			if !strings.Contains(err.Error(), c.inError) {
				t.Fatalf("%q does not mention %q", err, c.inError)
			}
		})
	}
	if after, err := pyodidebridge.LiveEntries(b); err != nil || after != before {
		t.Fatalf("Python holds %d buffers after the bad inputs, %d before (%v)", after, before, err)
	}
	if _, err := inHeap.At(0); err != nil {
		t.Fatalf("a good view broke after the bad inputs: %v", err)
	}
}
