//go:build js && wasm

package sharedheap_test

import (
	"context"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/promise"
)

func awaitJS(ctx context.Context, p js.Value) (js.Value, error) { return promise.Await(ctx, p) }

// tryJS runs f and returns what it threw, or undefined.
func tryJS(f func()) (ok bool, thrown js.Value) {
	thrown = js.Undefined()
	defer func() {
		if r := recover(); r != nil {
			je, isJS := r.(js.Error)
			if !isJS {
				panic(r)
			}
			thrown = je.Value
		}
	}()
	f()
	return true, thrown
}
