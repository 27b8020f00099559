//go:build js && wasm

package sharedheap_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/sharedheap"
)

// TestBadInput: every bad input gives an *Error of the right kind whose text
// says what to fix; none panics and none is silently accepted.
func TestBadInput(t *testing.T) {
	w := shared(t)
	url := pyodideURL(t)
	cases := []struct {
		name string
		do   func(ctx context.Context) error
		kind error
		says string
	}{
		{"Load without IndexURL", func(ctx context.Context) error {
			_, err := sharedheap.Load(ctx, sharedheap.Options{})
			return err
		}, sharedheap.ErrArgument, "IndexURL"},
		{"StartWorker without IndexURL", func(ctx context.Context) error {
			_, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{})
			return err
		}, sharedheap.ErrArgument, "IndexURL"},
		{"StartWorker with a wrong IndexURL", func(ctx context.Context) error {
			_, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{IndexURL: url + "no-such-dir/", ScriptURL: workerScriptURL()})
			return err
		}, sharedheap.ErrBoot, "no-such-dir/"},
		{"StartWorker with a missing script", func(ctx context.Context) error {
			if workerScriptURL() == "" {
				_, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{IndexURL: url, ScriptURL: "/no/such/worker.js"})
				return err
			}
			_, err := sharedheap.StartWorker(ctx, sharedheap.WorkerOptions{IndexURL: url, ScriptURL: workerScriptURL() + ".missing"})
			return err
		}, sharedheap.ErrWorker, "worker"},
		{"Alloc with an unknown dtype", func(ctx context.Context) error {
			_, err := w.Alloc(ctx, "bad_dtype", "complex128", 4)
			return err
		}, sharedheap.ErrArgument, "float32"},
		{"Alloc with a negative shape", func(ctx context.Context) error {
			_, err := w.Alloc(ctx, "bad_shape", "uint8", 4, -1)
			return err
		}, sharedheap.ErrArgument, "non-negative"},
		{"Alloc without a name", func(ctx context.Context) error {
			_, err := w.Alloc(ctx, "", "uint8", 4)
			return err
		}, sharedheap.ErrArgument, "name"},
		{"Alloc of a taken name", func(ctx context.Context) error {
			if _, err := w.Alloc(ctx, "bad_twice", "uint8", 4); err != nil {
				return err
			}
			defer w.Free(ctx, "bad_twice")
			_, err := w.Alloc(ctx, "bad_twice", "uint8", 4)
			return err
		}, sharedheap.ErrPython, "free it first"},
		{"Free of an unknown name", func(ctx context.Context) error {
			return w.Free(ctx, "never_allocated")
		}, sharedheap.ErrPython, "never_allocated"},
		{"Run raising", func(ctx context.Context) error {
			_, err := w.Run(ctx, "def f():\n    raise ValueError('boom ✓')\nf()")
			return err
		}, sharedheap.ErrPython, "ValueError: boom ✓"},
		{"Run with a syntax error", func(ctx context.Context) error {
			_, err := w.Run(ctx, "def (")
			return err
		}, sharedheap.ErrPython, "SyntaxError"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.do(ctxFor(t, time.Minute))
			var e *sharedheap.Error
			if !errors.As(err, &e) || !errors.Is(err, c.kind) {
				t.Fatalf("got %v, want a *sharedheap.Error of kind %v", err, c.kind)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
		})
	}
	// A Python exception carries its type and traceback.
	_, err := w.Run(ctxFor(t, time.Minute), "def f():\n    raise KeyError('k')\nf()")
	var pe *sharedheap.PythonError
	if !errors.As(err, &pe) || pe.Type != "KeyError" || !strings.Contains(pe.Traceback, "in f") {
		t.Errorf("got %#v, want a KeyError PythonError with a traceback through f", err)
	}
	// The worker still serves after all that.
	var x int
	runJSON(t, w, "6 * 7", &x)
	if x != 42 {
		t.Errorf("6 * 7 = %d after the errors", x)
	}
}
