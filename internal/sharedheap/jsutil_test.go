//go:build js && wasm

package sharedheap_test

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

func awaitJS(ctx context.Context, p js.Value) (js.Value, error) { return promise.Await(ctx, p) }

// tryJS runs f and returns what it threw, or undefined.
func tryJS(f func()) (ok bool, thrown js.Value) {
	var t *jsinterop.Thrown
	if errors.As(jsinterop.Do(f), &t) {
		return false, t.Value
	}
	return true, js.Undefined()
}
