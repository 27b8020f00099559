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
		{"start without indexURL", func(ctx context.Context) error {
			_, err := startWorker(ctx, workerConfig{Shared: true})
			return err
		}, sharedheap.ErrArgument, "indexURL"},
		{"start with a wrong indexURL", func(ctx context.Context) error {
			w, err := startWorker(ctx, workerConfig{IndexURL: url + "no-such-dir/", ScriptURL: workerScriptURL(), Shared: true})
			if err == nil {
				w.Close()
			}
			return err
		}, sharedheap.ErrBoot, "no-such-dir/"},
		{"start with a missing script", func(ctx context.Context) error {
			script := workerScriptURL() + ".missing"
			if workerScriptURL() == "" {
				script = "/no/such/worker.js"
			}
			w, err := startWorker(ctx, workerConfig{IndexURL: url, ScriptURL: script, Shared: true})
			if err == nil {
				w.Close()
			}
			return err
		}, sharedheap.ErrWorker, "worker"},
		// These workers have no helper modules, so the bridge's requests
		// (alloc, ...) are refused by name.
		{"a request the worker does not serve", func(ctx context.Context) error {
			_, err := w.request(ctx, "alloc", "name", "uint8", []any{4})
			return err
		}, sharedheap.ErrArgument, `unknown request "alloc"`},
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
