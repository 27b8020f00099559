//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// A page that loaded Pyodide itself hands the instance to Go:
//
//	<script src="/pyodide/pyodide.js"></script>
//	<script type="module">globalThis.pyodide = await loadPyodide();</script>
func ExampleAttach() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	v, err := pyodidebridge.Alloc[int32](context.Background(), b, "counts", 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	v.Set(0, 41)
	b.Run(context.Background(), "counts[0] += 1\ncounts[2] = counts[0] * 2")
	out, _ := v.ToSlice()
	fmt.Println(out)
	// Output: [42 0 84]
}

// Allocate in Pyodide's heap, fill from Go, compute in place in Python
// (NumPy when it is importable, plain indexing otherwise), read from Go.
func ExampleAlloc() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	samples, err := pyodidebridge.Alloc[float64](context.Background(), b, "samples", 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	samples.CopyFrom([]float64{1, 2, 3, 4, 5, 6}) // one copy out of Go's heap
	err = b.Run(context.Background(), `
try:
    import numpy as np
    samples *= 10                            # an ndarray over the shared bytes
    samples += np.arange(2).reshape(2, 1)
except ImportError:
    for i in range(2):                       # a memoryview with the same shape
        for j in range(3):
            samples[i, j] = samples[i, j] * 10 + i
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := samples.ToSlice()
	fmt.Println(out)
	// Output: [10 20 30 41 51 61]
}

// Share binds another Python name, with another shape, to bytes already in
// the heap: no copy, whatever the size.
func ExampleShare() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	flat, _ := pyodidebridge.Alloc[float32](context.Background(), b, "flat", 12)
	if err := pyodidebridge.Share(context.Background(), b, "grid", flat, 3, 4); err != nil {
		fmt.Println(err)
		return
	}
	b.Run(context.Background(), "grid[2, 3] = 1.5\ndel grid")
	x, _ := flat.At(11)
	fmt.Println(x)
	// Output: 1.5
}

// A SharedArrayBuffer (say, filled by a worker) is outside Pyodide's heap:
// Share refuses it, CopyIn copies it once.
func ExampleCopyIn() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	src, err := sabview.NewShared[int32](4)
	if err != nil {
		fmt.Println(err)
		return
	}
	src.CopyFrom([]int32{1, 2, 3, 4})
	err = pyodidebridge.Share(context.Background(), b, "direct", src)
	fmt.Println(errors.Is(err, pyodidebridge.ErrOutsideHeap))

	in, err := pyodidebridge.CopyIn(context.Background(), b, "copied", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	b.Run(context.Background(), "for i in range(4): copied[i] *= -1")
	before, _ := src.ToSlice()
	after, _ := in.ToSlice()
	fmt.Println(before, after)
	// Output:
	// true
	// [1 2 3 4] [-1 -2 -3 -4]
}

// View exposes a buffer Python created itself, zero-copy, while pinning it.
func ExampleViewOf() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	b.Run(context.Background(), "import array\nreadings = array.array('d', [0.5, 1.5, 2.5])")
	v, err := pyodidebridge.ViewOf[float64](context.Background(), b, "readings")
	if err != nil {
		fmt.Println(err)
		return
	}
	v.Set(2, 99)
	err = b.Run(context.Background(), "readings.append(4.0)")
	var pe *pyodidebridge.PythonError
	errors.As(err, &pe)
	fmt.Println(pe.Type)
	b.Free(context.Background(), v) // unpins: Python may resize it again, and v reports ErrRevoked
	b.Run(context.Background(), "readings.append(4.0)")
	w, _ := pyodidebridge.ViewOf[float64](context.Background(), b, "readings")
	out, _ := w.ToSlice()
	fmt.Println(out)
	// Output:
	// BufferError
	// [0.5 1.5 99 4]
}

func ExampleBridge_Run() {
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	err = b.Run(context.Background(), "def f(x):\n    return 1 / x\nf(0)")
	var pe *pyodidebridge.PythonError
	if errors.As(err, &pe) {
		fmt.Println(pe.Type + ": " + pe.Message)
	}
	// Output: ZeroDivisionError: division by zero
}

// Pyodide on a shared heap in a worker: Python computes there, and this
// thread reads the result in place, through a view of the worker's heap.
// (Not run as a test: it needs a cross-origin-isolated page serving
// Pyodide at /pyodide/; the worker tests cover it.)
func ExampleLoadWorker() {
	ctx := context.Background()
	b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "/pyodide/"})
	if errors.Is(err, pyodidebridge.ErrNotIsolated) {
		// No isolation headers: run Pyodide on this thread instead, and copy
		// whatever has to cross threads.
		b, err = pyodidebridge.Load(ctx, pyodidebridge.Options{IndexURL: "/pyodide/"})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	pixels, err := pyodidebridge.Alloc[float32](context.Background(), b, "pixels", 480, 640)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := b.Run(ctx, "for i in range(640): pixels[0, i] = i / 640"); err != nil {
		fmt.Println(err)
		return
	}
	x, _ := pixels.At(320) // no copy: the view aliases the worker's array
	fmt.Println(x)
}

// Python in the worker publishes frames with sabkit_atomics.FrameWriter,
// filling the back slot in place; Go on this thread takes each latest frame
// with atomicsx.FrameReader, waiting without blocking the thread. (Not run
// as a test: it needs a cross-origin-isolated page serving Pyodide at
// /pyodide/; TestProtocolFrames runs the same exchange.)
func ExampleAllocFrames() {
	ctx := context.Background()
	b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "/pyodide/"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	region, err := pyodidebridge.AllocFrames(context.Background(), b, "frames", 64)
	if err != nil {
		fmt.Println(err)
		return
	}
	reader, err := atomicsx.NewFrameReader(region)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The simulation loop runs in the worker while this thread reads.
	done := make(chan error, 1)
	go func() {
		done <- b.Run(ctx, `
import struct
for k in range(1, 601):
    slot = frames.back()            # a writable memoryview of the slot: no copy
    struct.pack_into("<If", slot, 0, k, k * 0.5)
    frames.publish_back(8)
`)
	}()
	buf := make([]byte, reader.MaxFrameBytes())
	for {
		f, err := reader.Next(ctx, buf) // parks this goroutine, not the thread
		if err != nil {
			fmt.Println(err)
			return
		}
		if f.Number == 600 { // earlier frames may have been dropped, never torn
			break
		}
	}
	fmt.Println("worker:", <-done)
}

// Call a Python function by name, with a heap view that Python fills in
// place and numbers that it returns: no source is parsed per call.
func ExampleBridge_Call() {
	ctx := context.Background()
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	b.Run(ctx, "def ramp(a, step):\n    for i in range(len(a)):\n        a[i] = i * step\n    return len(a)")
	v, err := pyodidebridge.Alloc[float32](ctx, b, "ramp_out", 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := b.Call(ctx, "ramp", v, 0.5) // v arrives as an array over its own bytes
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := v.ToSlice()
	hyp, _ := b.Call(ctx, "math.hypot", 3, 4) // a module's function, imported on first use
	fmt.Println(n, out, hyp)
	_, err = b.Call(ctx, "no_such_function")
	fmt.Println(errors.Is(err, pyodidebridge.ErrName))
	// Output:
	// 4 [0 0.5 1 1.5] 5
	// true
}

// A Func looks its callable up once; Free lets Python drop it.
func ExampleBridge_Func() {
	ctx := context.Background()
	b, err := pyodidebridge.Attach(js.Global().Get("pyodide"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	b.Run(ctx, "def greet(name, times):\n    return ' '.join(['hello ' + name] * times)")
	greet, err := b.Func(ctx, "greet")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := greet.Call(ctx, "go", 2)
	fmt.Println(s, err)
	greet.Free()
	_, err = greet.Call(ctx, "go", 1)
	fmt.Println(errors.Is(err, pyodidebridge.ErrFreed))
	// Output:
	// hello go hello go <nil>
	// true
}
