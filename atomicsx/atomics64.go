//go:build js && wasm

package atomicsx

import (
	"encoding/binary"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// A BigInt64Array takes and returns BigInts, and syscall/js converts Go
// integers only to Numbers. These helpers rebuild the BigInt in JavaScript
// from two 32-bit halves, and hand back results as a Number when it is exact
// (|x| < 2^53) or else through an 8-byte scratch buffer, so a 64-bit
// operation costs one Invoke plus, for large results, one bulk copy.
var ops64 struct {
	ready                                                                   bool
	load, store, add, sub, and, or, xor, exchange, compareExchange, scratch js.Value
}

func init64() {
	if ops64.ready {
		return
	}
	buf := js.Global().Get("ArrayBuffer").New(8)
	scratch := js.Global().Get("BigInt64Array").New(buf)
	h := js.Global().Get("Function").New("scratch", atomics64JS).Invoke(scratch)
	ops64.load = h.Get("load")
	ops64.store = h.Get("store")
	ops64.add = h.Get("add")
	ops64.sub = h.Get("sub")
	ops64.and = h.Get("and")
	ops64.or = h.Get("or")
	ops64.xor = h.Get("xor")
	ops64.exchange = h.Get("exchange")
	ops64.compareExchange = h.Get("compareExchange")
	ops64.scratch = js.Global().Get("Uint8Array").New(buf)
	ops64.ready = true
}

func halves(x int64) (lo uint32, hi int32) { return uint32(x), int32(x >> 32) }

func result64(r js.Value) int64 {
	if r.Type() == js.TypeNumber {
		return int64(r.Float())
	}
	var b [8]byte
	js.CopyBytesToGo(b[:], ops64.scratch)
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// Load64 atomically reads element i of a BigInt64 view.
func Load64(v *sabview.View[int64], i int) (int64, error) {
	ta, err := array("Load64", v, i)
	if err != nil {
		return 0, err
	}
	init64()
	return result64(ops64.load.Invoke(ta, i)), nil
}

// Store64 atomically writes x to element i of a BigInt64 view.
func Store64(v *sabview.View[int64], i int, x int64) error {
	ta, err := array("Store64", v, i)
	if err != nil {
		return err
	}
	init64()
	lo, hi := halves(x)
	ops64.store.Invoke(ta, i, lo, hi)
	return nil
}

func rmw64(op string, fn *js.Value, v *sabview.View[int64], i int, x int64) (int64, error) {
	ta, err := array(op, v, i)
	if err != nil {
		return 0, err
	}
	init64()
	lo, hi := halves(x)
	return result64(fn.Invoke(ta, i, lo, hi)), nil
}

// Add64 atomically adds x to element i (wrapping) and returns the old value.
func Add64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("Add64", &ops64.add, v, i, x)
}

// Sub64 atomically subtracts x from element i and returns the old value.
func Sub64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("Sub64", &ops64.sub, v, i, x)
}

// And64 atomically stores element i & x and returns the old value.
func And64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("And64", &ops64.and, v, i, x)
}

// Or64 atomically stores element i | x and returns the old value.
func Or64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("Or64", &ops64.or, v, i, x)
}

// Xor64 atomically stores element i ^ x and returns the old value.
func Xor64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("Xor64", &ops64.xor, v, i, x)
}

// Exchange64 atomically stores x in element i and returns the old value.
func Exchange64(v *sabview.View[int64], i int, x int64) (old int64, err error) {
	return rmw64("Exchange64", &ops64.exchange, v, i, x)
}

// CompareExchange64 stores replacement in element i if it holds expected,
// and returns the value it held.
func CompareExchange64(v *sabview.View[int64], i int, expected, replacement int64) (old int64, err error) {
	ta, err := array("CompareExchange64", v, i)
	if err != nil {
		return 0, err
	}
	init64()
	elo, ehi := halves(expected)
	rlo, rhi := halves(replacement)
	return result64(ops64.compareExchange.Invoke(ta, i, elo, ehi, rlo, rhi)), nil
}
