//go:build js && wasm

package sabview_test

import (
	"fmt"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/sabview"
)

// BenchmarkCopy compares the bulk copies with JavaScript's own
// TypedArray.prototype.set moving the same 64 MiB in the same run:
//
//	CopyFrom        Go []float32 → SharedArrayBuffer view
//	JSSetInto       JS Float32Array → the same SharedArrayBuffer (what CopyFrom competes with)
//	CopyTo          SharedArrayBuffer view → Go []float32
//	JSSetOutOf      the same SharedArrayBuffer → a JS Float32Array
//
// and prints CopyFrom/JSSetInto and CopyTo/JSSetOutOf as throughput ratios
// (1.0 = as fast as JavaScript).
func BenchmarkCopy(b *testing.B) {
	requireShared(b)
	const n = 16 << 20 // 16 Mi float32 = 64 MiB
	v, err := sabview.NewShared[float32](n)
	if err != nil {
		b.Fatal(err)
	}
	goBuf := make([]float32, n)
	for i := range goBuf {
		goBuf[i] = float32(i)
	}
	sabArr := must(v.Array())(b)
	jsArr := js.Global().Get("Float32Array").New(n)
	jsArr.Call("fill", 1.5)

	perOp := map[string]time.Duration{}
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(n * 4)
			for b.Loop() {
				f()
			}
			perOp[name] = b.Elapsed() / time.Duration(b.N)
		})
	}
	run("CopyFrom", func() { v.CopyFrom(goBuf) })
	run("JSSetInto", func() { sabArr.Call("set", jsArr) })
	run("CopyTo", func() { v.CopyTo(goBuf) })
	run("JSSetOutOf", func() { jsArr.Call("set", sabArr) })

	if perOp["CopyFrom"] > 0 && perOp["JSSetInto"] > 0 && perOp["CopyTo"] > 0 && perOp["JSSetOutOf"] > 0 {
		fmt.Printf("sabview copy of 64 MiB (throughput ratio vs TypedArray.set, same run):\n")
		fmt.Printf("  CopyFrom %8v  TypedArray.set into SAB  %8v  ratio %.2f\n", perOp["CopyFrom"], perOp["JSSetInto"],
			float64(perOp["JSSetInto"])/float64(perOp["CopyFrom"]))
		fmt.Printf("  CopyTo   %8v  TypedArray.set out of SAB %8v  ratio %.2f\n", perOp["CopyTo"], perOp["JSSetOutOf"],
			float64(perOp["JSSetOutOf"])/float64(perOp["CopyTo"]))
	}
}

// BenchmarkElement measures At, Set and Array for a 32-bit and a 64-bit type
// over a SharedArrayBuffer, a growable non-shared WebAssembly.Memory (which
// checks for detachment on every access) and a growable shared one (the
// heap's kind, which checks its byteLength when handing out arrays).
func BenchmarkElement(b *testing.B) {
	mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 2})
	f32mem := must(sabview.FromMemory[float32](mem, 0, 1024))(b)
	i64mem := must(sabview.FromMemory[int64](mem, 8192, 1024))(b)
	var f32, i64 interface {
		at() error
		set() error
		array() error
	}
	smem := newMemory(true)
	f32heap := must(sabview.FromMemory[float32](smem, 0, 1024))(b)
	i64heap := must(sabview.FromMemory[int64](smem, 8192, 1024))(b)
	f32, i64 = elemBench[float32]{f32mem}, elemBench[int64]{i64mem}
	if sabview.Available() {
		f32 = elemBench[float32]{must(sabview.NewShared[float32](1024))(b)}
		i64 = elemBench[int64]{must(sabview.NewShared[int64](1024))(b)}
	}
	cases := []struct {
		name string
		f    func() error
	}{
		{"At/float32/SAB", f32.at}, {"Set/float32/SAB", f32.set},
		{"At/int64/SAB", i64.at}, {"Set/int64/SAB", i64.set},
		{"At/float32/Memory", elemBench[float32]{f32mem}.at}, {"Set/float32/Memory", elemBench[float32]{f32mem}.set},
		{"At/int64/Memory", elemBench[int64]{i64mem}.at}, {"Set/int64/Memory", elemBench[int64]{i64mem}.set},
		{"At/float32/SharedMemory", elemBench[float32]{f32heap}.at}, {"Set/float32/SharedMemory", elemBench[float32]{f32heap}.set},
		{"At/int64/SharedMemory", elemBench[int64]{i64heap}.at}, {"Set/int64/SharedMemory", elemBench[int64]{i64heap}.set},
		{"Array/float32/SAB", f32.array}, {"Array/float32/Memory", elemBench[float32]{f32mem}.array},
		{"Array/float32/SharedMemory", elemBench[float32]{f32heap}.array},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type elemBench[T sabview.Element] struct{ v *sabview.View[T] }

func (e elemBench[T]) at() error  { _, err := e.v.At(7); return err }
func (e elemBench[T]) set() error { return e.v.Set(7, 42) }
func (e elemBench[T]) array() error {
	_, err := e.v.Array()
	return err
}
