//go:build js && wasm

package atomicsx

import (
	"math"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// jsAtomics caches the Atomics functions: looking a function up by name costs
// several times an Invoke, and every operation here is one Invoke.
var jsAtomics = struct {
	load, store, add, sub, and, or, xor, exchange, compareExchange, notify js.Value
}{}

func init() {
	a := js.Global().Get("Atomics")
	jsAtomics.load = a.Get("load")
	jsAtomics.store = a.Get("store")
	jsAtomics.add = a.Get("add")
	jsAtomics.sub = a.Get("sub")
	jsAtomics.and = a.Get("and")
	jsAtomics.or = a.Get("or")
	jsAtomics.xor = a.Get("xor")
	jsAtomics.exchange = a.Get("exchange")
	jsAtomics.compareExchange = a.Get("compareExchange")
	jsAtomics.notify = a.Get("notify")
}

// array validates v and i and returns the Int32Array over v's bytes. After
// it succeeds the Atomics call cannot throw: the array is an Int32Array and
// the index is in range.
func array[T int32 | int64](op string, v *sabview.View[T], i int) (js.Value, error) {
	if v == nil {
		return js.Undefined(), errNil(op)
	}
	if uint(i) >= uint(v.Len()) {
		return js.Undefined(), errorf(op, ErrOutOfRange, "", "index %d not in [0, %d)", i, v.Len())
	}
	ta, err := v.Array()
	if err != nil {
		return js.Undefined(), errView(op, err)
	}
	return ta, nil
}

// Load atomically reads element i of v.
func Load(v *sabview.View[int32], i int) (int32, error) {
	ta, err := array("Load", v, i)
	if err != nil {
		return 0, err
	}
	return int32(jsAtomics.load.Invoke(ta, i).Int()), nil
}

// Store atomically writes x to element i of v.
func Store(v *sabview.View[int32], i int, x int32) error {
	ta, err := array("Store", v, i)
	if err != nil {
		return err
	}
	jsAtomics.store.Invoke(ta, i, x)
	return nil
}

func rmw(op string, fn js.Value, v *sabview.View[int32], i int, x int32) (int32, error) {
	ta, err := array(op, v, i)
	if err != nil {
		return 0, err
	}
	return int32(fn.Invoke(ta, i, x).Int()), nil
}

// Add atomically adds x to element i (wrapping on overflow) and returns the
// old value.
func Add(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("Add", jsAtomics.add, v, i, x)
}

// Sub atomically subtracts x from element i and returns the old value.
func Sub(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("Sub", jsAtomics.sub, v, i, x)
}

// And atomically stores element i & x and returns the old value.
func And(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("And", jsAtomics.and, v, i, x)
}

// Or atomically stores element i | x and returns the old value.
func Or(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("Or", jsAtomics.or, v, i, x)
}

// Xor atomically stores element i ^ x and returns the old value.
func Xor(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("Xor", jsAtomics.xor, v, i, x)
}

// Exchange atomically stores x in element i and returns the old value.
func Exchange(v *sabview.View[int32], i int, x int32) (old int32, err error) {
	return rmw("Exchange", jsAtomics.exchange, v, i, x)
}

// CompareExchange atomically stores replacement in element i if it holds
// expected, and returns the value it held: the swap happened exactly when
// the result equals expected.
func CompareExchange(v *sabview.View[int32], i int, expected, replacement int32) (old int32, err error) {
	ta, err := array("CompareExchange", v, i)
	if err != nil {
		return 0, err
	}
	return int32(jsAtomics.compareExchange.Invoke(ta, i, expected, replacement).Int()), nil
}

// All is the count for Notify that wakes every waiter.
const All = -1

// Notify wakes up to count agents waiting on element i (All wakes all) and
// returns how many it woke. The view must be shared: on other memory no agent
// can be waiting, so a Notify there is a mistake and reported as ErrNotShared.
func Notify(v *sabview.View[int32], i int, count int) (woken int, err error) {
	const op = "Notify"
	ta, err := array(op, v, i)
	if err != nil {
		return 0, err
	}
	if !v.Shared() {
		return 0, errNotShared(op, v)
	}
	c := any(count)
	switch {
	case count == All:
		c = math.Inf(1)
	case count < 0:
		return 0, errorf(op, ErrOutOfRange, "pass a count ≥ 0, or All", "count %d", count)
	}
	return jsAtomics.notify.Invoke(ta, i, c).Int(), nil
}
