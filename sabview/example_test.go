//go:build js && wasm

package sabview_test

import (
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// A fresh SharedArrayBuffer, filled from Go in one copy and read by
// JavaScript through the same bytes.
func ExampleNewShared() {
	v, err := sabview.NewShared[float32](4)
	if err != nil {
		fmt.Println(err) // not cross-origin isolated: the error names the headers
		return
	}
	v.CopyFrom([]float32{0.5, 1.5, 2.5, 3.5})
	arr, _ := v.Array() // a Float32Array over the SharedArrayBuffer
	fmt.Println(arr.Get("constructor").Get("name"), arr.Index(2).Float(), v.Shared())
	// Output: Float32Array 2.5 true
}

// A view over part of a WebAssembly.Memory keeps working after the memory
// grows, because it re-derives its typed arrays from the new buffer.
func ExampleFromMemory() {
	mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 1, "maximum": 16})
	v, _ := sabview.FromMemory[int32](mem, 1024, 8)
	v.Set(3, 42)
	mem.Call("grow", 4) // detaches the old ArrayBuffer
	x, err := v.At(3)
	arr, _ := v.Array()
	fmt.Println(x, err, arr.Get("buffer").Get("byteLength").Int())
	// Output: 42 <nil> 327680
}

// Sub and Cast alias: a write through one view is read through the other.
func ExampleCast() {
	f, _ := sabview.FromTypedArray[float32](js.Global().Get("Float32Array").New(4))
	bits, _ := sabview.Cast[uint32](f)
	f.Set(1, 1.0)
	b, _ := bits.At(1)
	tail, _ := f.Sub(1, 4)
	fmt.Printf("%#x %d %v\n", b, tail.Len(), sabview.Overlap(tail, bits))
	// Output: 0x3f800000 3 true
}

// Errors say what to change.
func ExampleFromBuffer_misaligned() {
	buf := js.Global().Get("ArrayBuffer").New(64)
	_, err := sabview.FromBuffer[float64](buf, 4, 2)
	fmt.Println(err)
	// Output: sabview.FromBuffer: misaligned: byte offset 4 is not a multiple of 8, the size of a Float64Array element (use a byte offset that is a multiple of 8)
}

// One table names an element type for Go, JavaScript and Python: here the
// typed array, the memoryview format and the NumPy kind of a float64.
func ExampleTypeOf() {
	e := sabview.TypeOf[float64]()
	fmt.Println(e.Go, e.ArrayType, e.Format, string(e.Kind), e.Size)
	fmt.Println(sabview.TypeOf[uint16]().ArrayType)
	// Output:
	// float64 Float64Array d f 8
	// Uint16Array
}
