//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"strings"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
)

func jsGlobal(name string) js.Value { return js.Global().Get(name) }

// TestRunExceptions: Python exceptions come back as *PythonError with type,
// message and traceback.
func TestRunExceptions(t *testing.T) {
	b := bridge(t)
	cases := []struct {
		code, typ, msg, inTraceback string
	}{
		{"1/0", "ZeroDivisionError", "division by zero", "line 1"},
		{"def f():\n    raise ValueError('two\\nlines')\nf()", "ValueError", "two\nlines", "in f"},
		{"x = (", "SyntaxError", "'(' was never closed", "x = ("},
		{"class Custom(Exception): pass\nraise Custom('mine')", "Custom", "mine", "Traceback"},
		{"import no_such_module_here", "ModuleNotFoundError", "No module named 'no_such_module_here'", "Traceback"},
		{"await __import__('asyncio').sleep(0)\nraise KeyError('k')", "KeyError", "'k'", "Traceback"},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			err := b.Run(context.Background(), c.code)
			if !errors.Is(err, pyodidebridge.ErrPython) {
				t.Fatalf("Run(%q) = %v, want ErrPython", c.code, err)
			}
			var pe *pyodidebridge.PythonError
			if !errors.As(err, &pe) {
				t.Fatalf("%v does not wrap a *PythonError", err)
			}
			if pe.Type != c.typ || pe.Message != c.msg || !strings.Contains(pe.Traceback, c.inTraceback) {
				t.Fatalf("got type %q message %q, want %q %q; traceback:\n%s", pe.Type, pe.Message, c.typ, c.msg, pe.Traceback)
			}
		})
	}
	// The interpreter is still usable.
	run(t, b, "assert 1 + 1 == 2")
}

func TestRunContext(t *testing.T) {
	b := bridge(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.Run(ctx, "ran_after_cancel = True")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, pyodidebridge.ErrCanceled) {
		t.Fatalf("Run with a cancelled context = %v, want ErrCanceled matching context.Canceled", err)
	}
	// A context that had ended runs nothing.
	run(t, b, "assert 'ran_after_cancel' not in globals()")
}
