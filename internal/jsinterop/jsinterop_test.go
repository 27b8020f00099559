//go:build js && wasm

package jsinterop_test

import (
	"context"
	"errors"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

func TestTry(t *testing.T) {
	tests := []struct {
		name    string
		f       func() js.Value
		wantErr string
		errName string
	}{
		{"value", func() js.Value { return js.ValueOf(3) }, "", ""},
		{"TypeError", func() js.Value { return js.Global().Get("Function").New("null.x").Invoke() },
			"TypeError: ", "TypeError"},
		{"thrown string", func() js.Value { return js.Global().Get("Function").New("throw 'boom'").Invoke() },
			"boom", ""},
		{"RangeError", func() js.Value { return js.Global().Get("Array").New(-1) }, "RangeError: ", "RangeError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsinterop.Try(tt.f)
			if tt.wantErr == "" {
				if err != nil || v.Int() != 3 {
					t.Fatalf("Try = %v, %v; want 3, nil", v, err)
				}
				return
			}
			var thrown *jsinterop.Thrown
			if !errors.As(err, &thrown) {
				t.Fatalf("Try error = %v (%T), want *Thrown", err, err)
			}
			if got := err.Error(); len(got) < len(tt.wantErr) || got[:len(tt.wantErr)] != tt.wantErr {
				t.Errorf("Error() = %q, want prefix %q", got, tt.wantErr)
			}
			if thrown.Name() != tt.errName {
				t.Errorf("Name() = %q, want %q", thrown.Name(), tt.errName)
			}
		})
	}
}

// A Go bug inside Try must stay a panic, never become an ordinary error.
func TestTryKeepsGoPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("a Go nil dereference inside Try was swallowed")
		}
	}()
	var p *struct{ x int }
	_, err := jsinterop.Try(func() js.Value { return js.ValueOf(p.x) })
	t.Fatalf("Try returned %v instead of panicking", err)
}

func TestDescribe(t *testing.T) {
	g := js.Global()
	tests := []struct {
		v    js.Value
		want string
	}{
		{js.Undefined(), "undefined"},
		{js.Null(), "null"},
		{js.ValueOf(1.5), "number"},
		{js.ValueOf("x"), `the string "x"`},
		{g.Get("Float32Array").New(2), "a Float32Array"},
		{g.Get("ArrayBuffer").New(8), "a ArrayBuffer"},
		{g.Get("Object").New(), "a Object"},
	}
	for _, tt := range tests {
		if got := jsinterop.Describe(tt.v); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestEnvironment(t *testing.T) {
	if jsinterop.InNode() == jsinterop.InBrowser() {
		t.Fatalf("InNode=%v InBrowser=%v: exactly one must hold", jsinterop.InNode(), jsinterop.InBrowser())
	}
	if jsinterop.MainThread() && jsinterop.InWorker() {
		t.Fatal("MainThread and InWorker both true")
	}
	if jsinterop.CrossOriginIsolated() && !jsinterop.HasSharedArrayBuffer() {
		t.Error("crossOriginIsolated but no SharedArrayBuffer")
	}
	want := map[bool]string{true: "a browser worker", false: "a browser page"}[jsinterop.InWorker()]
	if jsinterop.InNode() {
		want = "Node v"
	}
	if got := jsinterop.Where(); !strings.HasPrefix(got, want) {
		t.Errorf("Where() = %q, want it to start with %q", got, want)
	}
}

func TestImport(t *testing.T) {
	tests := []struct {
		name, url string
		want      int // the module's export x; 0: the import must reject
	}{
		{"data module", "data:text/javascript,export const x = 42;", 42},
		{"syntax error", "data:text/javascript,export const = ;", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			mod, err := promise.Await(ctx, jsinterop.Import(tt.url))
			if tt.want == 0 {
				if _, ok := promise.IsRejected(err); !ok {
					t.Fatalf("import(%q) = %v, %v; want a rejection", tt.url, jsinterop.Describe(mod), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("import(%q): %v", tt.url, err)
			}
			if got := mod.Get("x"); got.Type() != js.TypeNumber || got.Int() != tt.want {
				t.Fatalf("import(%q).x = %s, want %d", tt.url, jsinterop.Describe(got), tt.want)
			}
		})
	}
}
