//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestFreeThenUse: after Free every view of the allocation (Sub and Cast
// included) returns an error instead of touching the memory, and Python
// code that kept a reference still reads valid bytes.
func TestFreeThenUse(t *testing.T) {
	b := bridge(t)
	v, err := pyodidebridge.Alloc[float32](context.Background(), b, "freed_arr", 16)
	if err != nil {
		t.Fatal(err)
	}
	v.CopyFrom([]float32{1, 2, 3, 4})
	sub, _ := v.Sub(2, 8)
	bytes, _ := sabview.Cast[uint8](v)
	run(t, b, "kept_ref = freed_arr")
	defer run(t, b, "del kept_ref")
	if err := b.Free(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	uses := []struct {
		name string
		use  func() error
	}{
		{"At", func() error { _, err := v.At(0); return err }},
		{"Set", func() error { return v.Set(0, 1) }},
		{"CopyFrom", func() error { _, err := v.CopyFrom([]float32{1}); return err }},
		{"CopyTo", func() error { _, err := v.CopyTo(make([]float32, 4)); return err }},
		{"Array", func() error { _, err := v.Array(); return err }},
		{"Sub.At", func() error { _, err := sub.At(0); return err }},
		{"Cast.Set", func() error { return bytes.Set(0, 1) }},
		{"Share", func() error { return pyodidebridge.Share(context.Background(), b, "again", v) }},
	}
	for _, u := range uses {
		err := u.use()
		if err == nil {
			t.Errorf("%s after Free: no error", u.name)
			continue
		}
		if u.name != "Share" && !errors.Is(err, sabview.ErrRevoked) {
			t.Errorf("%s after Free: %v, want sabview.ErrRevoked", u.name, err)
		}
		if !errors.Is(err, pyodidebridge.ErrFreed) {
			t.Errorf("%s after Free: %v, want pyodidebridge.ErrFreed", u.name, err)
		}
	}
	if err := b.Free(context.Background(), v); !errors.Is(err, pyodidebridge.ErrNotOwned) {
		t.Errorf("second Free: %v, want ErrNotOwned", err)
	}
	reuseBait(t, b, 16*4)
	// Python: the bound name is gone, a reference kept by Python code still
	// holds the bytes (no use after free on that side either).
	run(t, b, `
assert "freed_arr" not in globals()
assert _flat(kept_ref)[:4] == [1.0, 2.0, 3.0, 4.0], _flat(kept_ref)[:4]
`)
}

// TestClose: closing a bridge revokes its views and frees its memory; the
// Pyodide instance and other bridges on it keep working.
func TestClose(t *testing.T) {
	shared := bridge(t)
	b, err := pyodidebridge.Attach(shared.Pyodide())
	if err != nil {
		t.Fatal(err)
	}
	before, err := pyodidebridge.LiveEntries(shared)
	if err != nil {
		t.Fatal(err)
	}
	v, err := pyodidebridge.Alloc[int32](context.Background(), b, "closing_arr", 4)
	if err != nil {
		t.Fatal(err)
	}
	run(t, b, "import array\nclosing_buf = array.array('i', [5, 6])")
	w, err := pyodidebridge.ViewOf[int32](context.Background(), b, "closing_buf")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, err := v.At(0); return err }(),
		func() error { _, err := w.At(0); return err }(),
	} {
		if !errors.Is(err, sabview.ErrRevoked) || !errors.Is(err, pyodidebridge.ErrClosed) {
			t.Errorf("view after Close: %v, want ErrRevoked wrapping ErrClosed", err)
		}
	}
	if _, err := pyodidebridge.Alloc[int32](context.Background(), b, "after_close", 4); !errors.Is(err, pyodidebridge.ErrClosed) {
		t.Errorf("Alloc after Close: %v, want ErrClosed", err)
	}
	if err := b.Run(context.Background(), "pass"); !errors.Is(err, pyodidebridge.ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	after, err := pyodidebridge.LiveEntries(shared)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("Python holds %d buffers after Close, %d before the bridge existed", after, before)
	}
	// Unpinned: Python may resize the array again.
	run(t, shared, "closing_buf.append(7)\nassert 'closing_arr' not in globals()\ndel closing_buf")
}
