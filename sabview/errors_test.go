//go:build js && wasm

package sabview_test

import (
	"errors"
	"strings"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

func errorIs(err, target error) bool { return errors.Is(err, target) }

// TestErrors feeds bad input to every entry point and checks the error kind
// and that the message says what to fix.
func TestErrors(t *testing.T) {
	g := js.Global()
	ab := g.Get("ArrayBuffer").New(64)
	mem := g.Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1})
	f32 := must(sabview.FromBuffer[float32](ab, 0, 16))(t)
	bytesView := must(sabview.FromBuffer[uint8](ab, 0, 64))(t)
	lease := sabview.NewLease()
	leased := must(sabview.FromBuffer[int32](ab, 0, 4))(t).WithLease(lease)
	lease.Revoke(errors.New("owner freed it"))

	tests := []struct {
		name string
		err  func() error
		kind error
		says string // a fragment the message must contain
	}{
		{"NewShared negative length", func() error { _, err := sabview.NewShared[int32](-1); return err }, sabview.ErrOutOfRange, "length -1"},
		{"FromBuffer misaligned offset", func() error { _, err := sabview.FromBuffer[float32](ab, 2, 4); return err }, sabview.ErrMisaligned, "multiple of 4"},
		{"FromBuffer misaligned float64", func() error { _, err := sabview.FromBuffer[float64](ab, 4, 2); return err }, sabview.ErrMisaligned, "multiple of 8"},
		{"FromBuffer past the end", func() error { _, err := sabview.FromBuffer[int32](ab, 8, 15); return err }, sabview.ErrOutOfRange, "exceed the 64 bytes"},
		{"FromBuffer negative offset", func() error { _, err := sabview.FromBuffer[int32](ab, -4, 1); return err }, sabview.ErrOutOfRange, "negative"},
		{"FromBuffer number", func() error { _, err := sabview.FromBuffer[int32](js.ValueOf(3), 0, 1); return err }, sabview.ErrSource, "got number"},
		{"FromBuffer plain object", func() error { _, err := sabview.FromBuffer[int32](g.Get("Object").New(), 0, 1); return err }, sabview.ErrSource, "pass an ArrayBuffer"},
		{"FromBuffer WebAssembly.Memory", func() error { _, err := sabview.FromBuffer[int32](mem, 0, 1); return err }, sabview.ErrSource, "use FromMemory"},
		{"FromBuffer typed-array region too long", func() error {
			_, err := sabview.FromBuffer[int32](g.Get("Uint8Array").New(ab, 8, 8), 0, 3)
			return err
		}, sabview.ErrOutOfRange, "exceed the 8 bytes"},
		{"FromBuffer typed array at odd offset", func() error {
			_, err := sabview.FromBuffer[float32](g.Get("Uint8Array").New(ab, 1, 8), 0, 1)
			return err
		}, sabview.ErrMisaligned, "byte offset 1"},
		{"FromBuffer detached", func() error {
			b := g.Get("ArrayBuffer").New(8)
			transfer(b)
			_, err := sabview.FromBuffer[uint8](b, 0, 8)
			return err
		}, sabview.ErrDetached, "detached"},
		{"FromTypedArray wrong element type", func() error { _, err := sabview.FromTypedArray[float32](g.Get("Int32Array").New(4)); return err }, sabview.ErrElementType, "use View[int32]"},
		{"FromTypedArray of a buffer", func() error { _, err := sabview.FromTypedArray[float32](ab); return err }, sabview.ErrSource, "got a ArrayBuffer"},
		{"FromTypedArray undefined", func() error { _, err := sabview.FromTypedArray[uint8](js.Undefined()); return err }, sabview.ErrSource, "got undefined"},
		{"FromMemory of a buffer", func() error { _, err := sabview.FromMemory[uint8](ab, 0, 1); return err }, sabview.ErrSource, "WebAssembly.Memory object itself"},
		{"FromMemory misaligned", func() error { _, err := sabview.FromMemory[int64](mem, 4, 1); return err }, sabview.ErrMisaligned, "BigInt64Array"},
		{"FromMemory past the end", func() error { _, err := sabview.FromMemory[uint8](mem, 65530, 7); return err }, sabview.ErrOutOfRange, "65536 bytes"},
		{"At past the end", func() error { _, err := f32.At(16); return err }, sabview.ErrOutOfRange, "index 16 not in [0, 16)"},
		{"Set negative index", func() error { return f32.Set(-1, 0) }, sabview.ErrOutOfRange, "index -1"},
		{"Sub reversed", func() error { _, err := f32.Sub(5, 2); return err }, sabview.ErrOutOfRange, "[5, 2)"},
		{"Sub past the end", func() error { _, err := f32.Sub(0, 17); return err }, sabview.ErrOutOfRange, "[0, 17)"},
		{"CopyFrom too long", func() error { _, err := f32.CopyFrom(make([]float32, 17)); return err }, sabview.ErrOutOfRange, "do not fit"},
		{"Cast misaligned start", func() error {
			_, err := sabview.Cast[int32](must(bytesView.Sub(2, 10))(t))
			return err
		}, sabview.ErrMisaligned, "byte offset 2"},
		{"Cast ragged length", func() error {
			_, err := sabview.Cast[int32](must(bytesView.Sub(0, 6))(t))
			return err
		}, sabview.ErrMisaligned, "byte length 6"},
		{"revoked lease", func() error { _, err := leased.At(0); return err }, sabview.ErrRevoked, "owner freed it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatalf("no error, want %v", tt.kind)
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %q is not %v", err, tt.kind)
			}
			var e *sabview.Error
			if !errors.As(err, &e) || e.Op == "" {
				t.Fatalf("error %q is not a *sabview.Error with an Op", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

// TestUnavailable runs in every variant. Where SharedArrayBuffer exists,
// NewShared works; in a page without COOP/COEP it must fail with an error
// that names both headers, while shared WebAssembly memories (which exist
// without isolation) still work.
func TestUnavailable(t *testing.T) {
	v, err := sabview.NewShared[float32](4)
	if sabview.Available() {
		if err != nil {
			t.Fatalf("SharedArrayBuffer is available but NewShared failed: %v", err)
		}
		if !v.Shared() {
			t.Fatal("NewShared view is not shared")
		}
		return
	}
	if !errors.Is(err, sabview.ErrNotIsolated) {
		t.Fatalf("NewShared without SharedArrayBuffer: %v, want ErrNotIsolated", err)
	}
	for _, header := range []string{"Cross-Origin-Opener-Policy: same-origin", "Cross-Origin-Embedder-Policy: require-corp", "crossOriginIsolated=false"} {
		if !strings.Contains(err.Error(), header) {
			t.Errorf("error %q does not name %q", err, header)
		}
	}
	t.Logf("as a user sees it: %v", err)

	mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 2, "shared": true})
	m, err := sabview.FromMemory[int32](mem, 0, 4)
	if err != nil {
		t.Fatalf("a shared WebAssembly.Memory works without isolation, but FromMemory failed: %v", err)
	}
	if !m.Shared() {
		t.Fatal("view over a shared memory must report Shared() without the SharedArrayBuffer global")
	}
}
