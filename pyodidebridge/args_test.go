//go:build js && wasm

package pyodidebridge

import (
	"math"
	"syscall/js"
	"testing"
)

// TestArgsJSON checks the JSON text Go hands worker.js against the
// engine's own JSON.parse: it must give the same array as syscall/js's
// conversion, and arguments JSON cannot carry must keep the array form.
func TestArgsJSON(t *testing.T) {
	stringify := js.Global().Get("JSON").Get("stringify")
	parse := js.Global().Get("JSON").Get("parse")
	tests := []struct {
		name string
		args []any
		ok   bool
	}{
		{"none", []any{}, true},
		{"alloc", []any{"x", 4096, 16, "f", 32, 32}, true},
		{"quotes and backslashes", []any{`a"b\c`, `\"`}, true},
		{"control characters", []any{"\x00\x1f\n\t\r\x7f", "fields\x1fjoined"}, true},
		{"non-ASCII", []any{"héllo wörld", "日本語", "😀", "\u2028\u2029"}, true},
		{"integers", []any{0, -1, 1 << 40, math.MaxInt32, -(1 << 53)}, true},
		{"floats", []any{0.5, -2.25, 1e300, 5e-324}, true},
		{"bools", []any{true, false}, true},
		{"NaN", []any{math.NaN()}, false},
		{"infinity", []any{math.Inf(-1)}, false},
		{"negative zero", []any{math.Copysign(0, -1)}, false},
		{"invalid UTF-8", []any{"\xff\xfe"}, false},
		{"typed array", []any{"f", js.Global().Get("Uint8Array").New(4)}, false},
		{"nested", []any{[]any{1, 2}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ok := argsJSON(tt.args)
			if ok != tt.ok {
				t.Fatalf("argsJSON(%q) ok = %v, want %v (text %s)", tt.args, ok, tt.ok, text)
			}
			if !ok {
				return
			}
			got := stringify.Invoke(parse.Invoke(text)).String()
			want := stringify.Invoke(js.ValueOf(tt.args)).String()
			if got != want {
				t.Errorf("argsJSON(%q) = %s, which parses to %s; syscall/js makes %s", tt.args, text, got, want)
			}
		})
	}
}
