//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// roundTripCase allocates an array in Pyodide's heap and proves aliasing in
// both directions: Go writes → Python reads, Python writes → Go and
// JavaScript read. Values are exactly representable, so equality is exact.
type roundTripCase struct {
	name string
	test func(t *testing.T, b *pyodidebridge.Bridge)
}

// roundTrip builds a case for element type T. goVal/pyGoVal are the values
// Go writes (in Go, and the same formula in Python over the flat index i);
// pyPyVal/pyVal are the values Python writes (in Python, and in Go).
func roundTrip[T sabview.Element](name string, shape []int, goVal func(i int) T, pyGoVal, pyPyVal string, pyVal func(i int) T) roundTripCase {
	return roundTripCase{name: name, test: func(t *testing.T, b *pyodidebridge.Bridge) {
		v, err := pyodidebridge.Alloc[T](context.Background(), b, name, shape...)
		if err != nil {
			t.Fatal(err)
		}
		freed := false
		defer func() {
			if !freed {
				b.Free(context.Background(), v)
			}
		}()
		n := v.Len()
		pyShape := fmt.Sprintf("(%s,)", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(shape)), ", "), "[]"))
		run(t, b, fmt.Sprintf(`
assert tuple(memoryview(%[1]s).shape) == %[2]s, ("shape", memoryview(%[1]s).shape)
assert memoryview(%[1]s).format.lstrip("@=<") == %[3]q, ("format", memoryview(%[1]s).format)
assert not any(_flat(%[1]s)), "Alloc must hand out zeroed memory"
`, name, pyShape, formatOf[T]()))

		// Go writes, Python reads.
		src := make([]T, n)
		for i := range src {
			src[i] = goVal(i)
		}
		if _, err := v.CopyFrom(src); err != nil {
			t.Fatal(err)
		}
		run(t, b, fmt.Sprintf(`
_want = [%[2]s for i in range(%[3]d)]
_got = _flat(%[1]s)
_bad = [(i, g, w) for i, (g, w) in enumerate(zip(_got, _want)) if g != w]
assert not _bad, "Python read what Go wrote wrongly (index, got, want): %%r" %% _bad[:5]
`, name, pyGoVal, n))

		// Python writes through its own (possibly N-D) indexing; Go and JS read.
		run(t, b, fmt.Sprintf(`
import itertools
for _idx in itertools.product(*[range(d) for d in %[2]s]):
    i = 0
    for _k, _d in zip(_idx, %[2]s):
        i = i * _d + _k
    %[1]s[_idx if len(_idx) > 1 else _idx[0]] = %[3]s
`, name, pyShape, pyPyVal))
		got, err := v.ToSlice()
		if err != nil {
			t.Fatal(err)
		}
		arr, err := v.Array()
		if err != nil {
			t.Fatal(err)
		}
		wide := sabview.TypeOf[T]().Size == 8 && sabview.TypeOf[T]().ArrayType != "Float64Array"
		for i := range n {
			if want := pyVal(i); got[i] != want {
				t.Fatalf("Go read element %d = %v after Python wrote %v", i, got[i], want)
			}
			if !wide {
				if js := arr.Index(i).Float(); js != float64(pyVal(i)) {
					t.Fatalf("JS read element %d = %v after Python wrote %v", i, js, pyVal(i))
				}
			}
		}
		if err := b.Free(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		freed = true
		run(t, b, fmt.Sprintf("assert %q not in globals(), 'Free must unbind the name'", name))
	}}
}

// formatOf is the Python struct format sabview's element table gives T,
// which Python must report for the bytes the bridge hands it.
func formatOf[T sabview.Element]() string { return sabview.TypeOf[T]().Format }

func TestRoundTrip(t *testing.T) {
	b := bridge(t)
	for _, c := range roundTripCases() {
		t.Run(c.name, func(t *testing.T) { c.test(t, b) })
	}
}

// roundTripCases are run on the same-thread bridge and on a worker bridge.
func roundTripCases() []roundTripCase {
	return []roundTripCase{
		roundTrip("rt_f32", []int{1000},
			func(i int) float32 { return float32(i)*0.25 - 3 }, "i*0.25-3",
			"-(i*1.5)+0.125", func(i int) float32 { return -(float32(i) * 1.5) + 0.125 }),
		roundTrip("rt_f64", []int{777},
			func(i int) float64 { return float64(i) / 3 }, "i/3",
			"i*1e-3 - 7", func(i int) float64 { return float64(i)*1e-3 - 7 }),
		roundTrip("rt_i32", []int{1500},
			func(i int) int32 { return int32(i*1000003 - 50000) }, "i*1000003-50000",
			"-i*7919", func(i int) int32 { return int32(-i * 7919) }),
		roundTrip("rt_u8", []int{4096},
			func(i int) uint8 { return uint8((i*37 + 5) % 256) }, "(i*37+5)%256",
			"(i*11)%256", func(i int) uint8 { return uint8((i * 11) % 256) }),
		roundTrip("rt_f32_2d", []int{3, 4},
			func(i int) float32 { return float32(i) + 0.5 }, "i+0.5",
			"100.0*i - 1", func(i int) float32 { return 100*float32(i) - 1 }),
		roundTrip("rt_i64_3d", []int{2, 3, 5},
			func(i int) int64 { return int64(i) << 40 }, "i<<40",
			"-(i<<33)-1", func(i int) int64 { return -(int64(i) << 33) - 1 }),
	}
}
