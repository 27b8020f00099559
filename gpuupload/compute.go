//go:build js && wasm

package gpuupload

import (
	"context"
	"fmt"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"strings"
	"syscall/js"
)

// Kernel is a compiled WGSL compute entry point. Its buffers are bound in
// order to @group(0) @binding(0), @binding(1), …
type Kernel struct {
	d        *Device
	pipeline js.Value
	entry    string
}

// Kernel compiles the WGSL source and builds a compute pipeline for entry
// with an automatic layout. Compilation errors come back as ErrShader with
// WebGPU's messages and their line numbers.
func (d *Device) Kernel(ctx context.Context, wgsl, entry string) (*Kernel, error) {
	const op = "Kernel"
	if err := d.alive(op); err != nil {
		return nil, err
	}
	if entry == "" {
		return nil, errorf(op, ErrShader, "name the @compute function to run", "empty entry point")
	}
	mod, err := jsinterop.Try(func() js.Value { return d.device.Call("createShaderModule", map[string]any{"code": wgsl}) })
	if err != nil {
		return nil, &Error{Package: "gpuupload", Op: op, Kind: ErrShader, Detail: "createShaderModule threw", Err: err}
	}
	info, err := await(ctx, op, func() js.Value { return mod.Call("getCompilationInfo") })
	if err != nil {
		return nil, d.asyncError(op, err)
	}
	if msgs := compileErrors(info); msgs != "" {
		return nil, errorf(op, ErrShader, "fix the WGSL source", "%s", msgs)
	}
	pipe, err := await(ctx, op, func() js.Value {
		return d.device.Call("createComputePipelineAsync", map[string]any{
			"layout":  "auto",
			"compute": map[string]any{"module": mod, "entryPoint": entry},
		})
	})
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, &Error{Package: "gpuupload", Op: op, Kind: ErrShader, Detail: fmt.Sprintf("building the pipeline for entry point %q", entry),
			Err: err, Fix: "check that entry names an @compute function and that its bindings are in @group(0)"}
	}
	return &Kernel{d: d, pipeline: pipe, entry: entry}, nil
}

func compileErrors(info js.Value) string {
	msgs := info.Get("messages")
	var out []string
	for i := 0; i < msgs.Length(); i++ {
		m := msgs.Index(i)
		if m.Get("type").String() != "error" {
			continue
		}
		out = append(out, fmt.Sprintf("%d:%d: %s", m.Get("lineNum").Int(), m.Get("linePos").Int(), m.Get("message").String()))
	}
	return strings.Join(out, "; ")
}

// Dispatch runs the kernel over x×y×z workgroups with buffers bound to
// @group(0) in order, and returns once WebGPU has validated the work (not
// when it finishes: a later Download or Device.Wait waits for that, since
// the queue runs in order). Buffers need Storage or Uniform usage.
func (k *Kernel) Dispatch(ctx context.Context, x, y, z int, buffers ...*Buffer) error {
	const op = "Dispatch"
	d := k.d
	if err := d.alive(op); err != nil {
		return err
	}
	maxGroups := d.limits.MaxComputeWorkgroupsPerDimension
	for _, c := range [...]int{x, y, z} {
		if c < 1 || c > maxGroups {
			return errorf(op, ErrDispatch, "split the work so each dimension has 1 to Limits().MaxComputeWorkgroupsPerDimension groups",
				"workgroup counts (%d, %d, %d) not each in [1, %d]", x, y, z, maxGroups)
		}
	}
	entries := make([]any, len(buffers))
	for i, b := range buffers {
		if err := b.usable(op, d, Storage|Uniform, "Storage or Uniform"); err != nil {
			return err
		}
		entries[i] = map[string]any{"binding": i, "resource": map[string]any{"buffer": b.v}}
	}
	// The scope catches WebGPU's asynchronous validation errors, so they
	// come back from this call instead of the console.
	d.device.Call("pushErrorScope", "validation")
	_, encErr := jsinterop.Try(func() js.Value {
		var bg js.Value
		if len(entries) > 0 {
			bg = d.device.Call("createBindGroup", map[string]any{
				"layout":  k.pipeline.Call("getBindGroupLayout", 0),
				"entries": entries,
			})
		}
		enc := d.device.Call("createCommandEncoder")
		pass := enc.Call("beginComputePass")
		pass.Call("setPipeline", k.pipeline)
		if len(entries) > 0 {
			pass.Call("setBindGroup", 0, bg)
		}
		pass.Call("dispatchWorkgroups", x, y, z)
		pass.Call("end")
		d.queue.Call("submit", []any{enc.Call("finish")})
		return js.Undefined()
	})
	verr, err := await(ctx, op, func() js.Value { return d.device.Call("popErrorScope") })
	if encErr != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrDispatch, Detail: "encoding the dispatch threw", Err: encErr,
			Fix: "bind one buffer per @binding of @group(0), in order"}
	}
	if err != nil {
		return d.asyncError(op, err)
	}
	if verr.Type() == js.TypeObject {
		return d.validationError(op, ErrDispatch, verr)
	}
	return nil
}

// Groups returns the number of workgroups of size threads that cover n
// items in one dimension, at least 1.
func Groups(n, size int) int {
	if size <= 0 {
		return 1
	}
	return max(1, (n+size-1)/size)
}
