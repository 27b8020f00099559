//go:build js && wasm

package gpuupload_test

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/sabview"
)

// Upload a shared view, double it on the GPU and read the result back into
// the same view: every alias of its bytes (another thread, Python) sees it.
// It needs WebGPU, which not every engine the tests run in has, so it is
// compiled but not run (no Output); the package's tests check the same steps.
func Example() {
	ctx := context.Background()
	d, err := gpuupload.Open(ctx, gpuupload.Options{})
	if err != nil {
		fmt.Println(err) // ErrNoWebGPU says which browser or flag is needed
		return
	}
	defer d.Close()

	v, _ := sabview.NewShared[float32](1024)
	for i := range v.Len() {
		v.Set(i, float32(i))
	}
	buf, _ := d.NewBuffer(v.ByteLength(), gpuupload.Storage|gpuupload.CopyDst|gpuupload.CopySrc)
	if err := gpuupload.Upload(buf, 0, v); err != nil { // one copy, view → GPU
		fmt.Println(err)
		return
	}
	k, err := d.Kernel(ctx, `
		@group(0) @binding(0) var<storage, read_write> data: array<f32>;
		@compute @workgroup_size(64)
		fn main(@builtin(global_invocation_id) id: vec3<u32>) {
			if (id.x < arrayLength(&data)) { data[id.x] *= 2.0; }
		}`, "main")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := k.Dispatch(ctx, gpuupload.Groups(v.Len(), 64), 1, 1, buf); err != nil {
		fmt.Println(err)
		return
	}
	if err := gpuupload.Download(ctx, buf, 0, v); err != nil { // one copy, GPU → view
		fmt.Println(err)
		return
	}
	x, _ := v.At(3)
	fmt.Println(x) // 6
}

// Upload a Go slice: js.CopyBytesToJS exposes it to queue.writeBuffer for the
// duration of one call, so the bytes are copied once. It needs WebGPU: it is
// compiled but not run.
func ExampleUploadGo() {
	d, err := gpuupload.Open(context.Background(), gpuupload.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	weights := make([]float32, 1<<16)
	buf, _ := d.NewBuffer(4*len(weights), gpuupload.Storage|gpuupload.CopyDst)
	if err := gpuupload.UploadGo(buf, 0, weights); err != nil {
		fmt.Println(err)
	}
	fmt.Println("copies:", gpuupload.GoUploadCopies())
}

// Re-upload only the elements that changed. It needs WebGPU: it is compiled
// but not run.
func ExampleUploadRange() {
	d, err := gpuupload.Open(context.Background(), gpuupload.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	v, _ := sabview.NewShared[uint32](4096)
	buf, _ := d.NewBuffer(v.ByteLength(), gpuupload.Storage|gpuupload.CopyDst)
	_ = gpuupload.Upload(buf, 0, v)
	v.Set(100, 7)
	// Elements [100, 101) land at byte 400 of the buffer.
	if err := gpuupload.UploadRange(buf, 4*100, v, 100, 1); err != nil {
		fmt.Println(err)
	}
}

// Without WebGPU, Open says what is missing and how to get it.
func ExampleOpen_noWebGPU() {
	_, err := gpuupload.Open(context.Background(), gpuupload.Options{GPU: js.Null()})
	fmt.Println(errors.Is(err, gpuupload.ErrNoWebGPU))
	var e *gpuupload.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, "-", e.Kind)
	}
	// Output:
	// true
	// Open - WebGPU unavailable
}

func ExampleUsage_String() {
	fmt.Println(gpuupload.Storage | gpuupload.CopyDst | gpuupload.CopySrc)
	fmt.Println(gpuupload.MapRead | gpuupload.CopyDst)
	// Output:
	// COPY_SRC|COPY_DST|STORAGE
	// MAP_READ|COPY_DST
}

func ExampleGroups() {
	// 1,000,000 items with @workgroup_size(64) need 15,625 workgroups.
	fmt.Println(gpuupload.Groups(1_000_000, 64))
	fmt.Println(gpuupload.Groups(0, 64))
	// Output:
	// 15625
	// 1
}
