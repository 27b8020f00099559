//go:build js && wasm

package sabview_test

import (
	"errors"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestWithLease: a leased view aliases the view it came from (writes through
// either side, element access and the typed array, in a buffer and in a
// memory), views derived from it share its lease, and once the lease is
// revoked only the leased views fail.
func TestWithLease(t *testing.T) {
	g := js.Global()
	sources := map[string]func() *sabview.View[float32]{
		"buffer": func() *sabview.View[float32] {
			return must(sabview.FromBuffer[float32](g.Get("ArrayBuffer").New(64), 0, 16))(t)
		},
		"memory": func() *sabview.View[float32] {
			return must(sabview.FromMemory[float32](g.Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1}), 64, 16))(t)
		},
	}
	for name, make := range sources {
		t.Run(name, func(t *testing.T) {
			v := make()
			lease := sabview.NewLease()
			leased := v.WithLease(lease)
			if leased.Lease() != lease || v.Lease() != nil {
				t.Fatalf("Lease(): leased %p, original %p; want %p and nil", leased.Lease(), v.Lease(), lease)
			}
			must(0, leased.Set(3, 2.5))(t)
			if x := must(v.At(3))(t); x != 2.5 {
				t.Errorf("the original reads %v after a write through the leased view, want 2.5", x)
			}
			must(0, v.Set(4, 7))(t)
			arr := must(leased.Array())(t)
			if x := arr.Index(4).Float(); x != 7 {
				t.Errorf("the leased view's array reads %v after a write through the original, want 7", x)
			}
			sub := must(leased.Sub(2, 6))(t)
			lease.Revoke(errors.New("owner freed it"))
			for what, err := range map[string]error{"leased": leased.Set(0, 1), "derived": sub.Set(0, 1)} {
				if !errors.Is(err, sabview.ErrRevoked) {
					t.Errorf("%s view after Revoke: %v, want ErrRevoked", what, err)
				}
			}
			if x, err := v.At(3); err != nil || x != 2.5 {
				t.Errorf("the original after Revoke: %v, %v; want 2.5 and no error", x, err)
			}
			if (*sabview.View[float32])(nil).WithLease(lease) != nil {
				t.Error("WithLease on a nil view is not nil")
			}
		})
	}
}
