//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
)

// reuseBait allocates, after a Free, 256 Python buffers of the size Alloc
// takes for nbytes (the bytes plus 16 for alignment, as Alloc asks the
// Python helper for), filled with 0xA5. Had Free returned the bytes to the
// allocator while Python names still refer to them, a bait buffer would
// land on them and those names would read 0xA5. The bait lives until the
// test ends.
func reuseBait(t *testing.T, b *pyodidebridge.Bridge, nbytes int) {
	t.Helper()
	run(t, b, fmt.Sprintf("_reuse_bait = [bytearray(b'\\xa5' * %d) for _ in range(256)]", nbytes+16))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := b.Run(ctx, "del _reuse_bait"); err != nil {
			t.Error(err)
		}
	})
}
