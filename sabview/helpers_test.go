//go:build js && wasm

package sabview_test

import (
	"strconv"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// jsNum builds the JS value a typed array of T stores: a BigInt for 64-bit
// integer types, a Number otherwise.
func jsNum[T sabview.Element](x T) any {
	switch sabview.TypeOf[T]().ArrayType {
	case "BigInt64Array":
		return js.Global().Get("BigInt").Invoke(strconv.FormatInt(int64(x), 10))
	case "BigUint64Array":
		return js.Global().Get("BigInt").Invoke(strconv.FormatUint(uint64(x), 10))
	}
	return float64(x)
}

// jsString renders a typed-array element as JS would print it, so that 64-bit
// values are compared exactly.
func jsString(v js.Value) string { return js.Global().Get("String").Invoke(v).String() }

func requireShared(t testing.TB) {
	t.Helper()
	if !sabview.Available() {
		t.Skip("SharedArrayBuffer unavailable: the page is not cross-origin isolated (TestUnavailable covers this case)")
	}
}

// transfer detaches buf by transferring it, as postMessage with a transfer
// list would, and returns the new owner.
func transfer(buf js.Value) js.Value {
	opts := map[string]any{"transfer": []any{buf}}
	return js.Global().Call("structuredClone", buf, opts)
}
