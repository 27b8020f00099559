//go:build js && wasm

package gpuupload

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

// Device is a WebGPU adapter and device with its queue, the staging buffers
// Download reuses and the cached functions Upload calls. It works in a page
// and in a DedicatedWorker (each thread opens its own Device).
//
// A Device is not safe for concurrent use by several goroutines that may
// interleave at a Download or Dispatch await; js/wasm Go runs on one thread,
// so ordinary sequential use from any goroutine is fine.
type Device struct {
	adapter js.Value
	device  js.Value
	queue   js.Value
	// writeBuffer is queue.writeBuffer bound to the queue: Invoke on it costs
	// a fraction of Call("writeBuffer") and allocates nothing in Go.
	writeBuffer js.Value

	limits Limits
	info   AdapterInfo

	writeChunk int // most bytes per writeBuffer call
	stageMax   int // largest staging buffer Download creates

	pool  stagingPool
	stage js.Value // Uint8Array for Go uploads when the direct path is unavailable

	closed  bool // Close was called; device.lost may not have resolved yet
	lost    chan struct{}
	lostErr *Error
	onLost  js.Func
}

// AdapterInfo describes the adapter the device came from.
type AdapterInfo struct {
	Vendor       string
	Architecture string
	Description  string
	// Fallback is true for a software adapter such as SwiftShader.
	Fallback bool
}

// Limits are the device's limits that matter to uploads, downloads and
// compute. Device.Limit reads any other limit by its WebGPU name.
type Limits struct {
	MaxBufferSize                     int
	MaxStorageBufferBindingSize       int
	MaxStorageBuffersPerShaderStage   int
	MaxComputeWorkgroupsPerDimension  int
	MaxComputeWorkgroupSizeX          int
	MaxComputeInvocationsPerWorkgroup int
	MinStorageBufferOffsetAlignment   int
}

// Options configures Open. The zero value asks for navigator.gpu's adapter
// with the limits that let buffers be as large as it allows.
type Options struct {
	// GPU is used instead of navigator.gpu unless it is undefined (the
	// zero js.Value), for example the GPU object of another realm; null
	// makes Open fail with ErrNoWebGPU.
	GPU js.Value
	// Limits requests device limits by their WebGPU names, such as
	// "maxBufferSize". Open fails with ErrDevice when the adapter offers
	// less. Without it Open asks for the adapter's maxBufferSize and
	// maxStorageBufferBindingSize.
	Limits map[string]int
	// WriteChunk caps the bytes one queue.writeBuffer call carries; larger
	// uploads are split into several calls, each still a single copy. 0
	// means 64 MiB; otherwise a positive multiple of 4.
	WriteChunk int
	// StagingSize caps the size of one MAP_READ staging buffer; larger
	// downloads go through it in several rounds. 0 means 64 MiB; otherwise
	// a positive multiple of 4.
	StagingSize int
}

const defaultChunk = 64 << 20

// Open requests an adapter and a device. It fails with ErrNoWebGPU where
// navigator.gpu is missing, ErrNoAdapter when no adapter is offered, and
// ErrDevice when the device cannot be created with the requested limits.
func Open(ctx context.Context, opts Options) (*Device, error) {
	const op = "Open"
	if opts.WriteChunk == 0 {
		opts.WriteChunk = defaultChunk
	}
	if opts.StagingSize == 0 {
		opts.StagingSize = defaultChunk
	}
	if opts.WriteChunk < 0 || opts.WriteChunk%4 != 0 {
		return nil, errorf(op, ErrMisaligned, alignFix("Options.WriteChunk"), "write chunk of %d bytes", opts.WriteChunk)
	}
	if opts.StagingSize < 0 || opts.StagingSize%4 != 0 {
		return nil, errorf(op, ErrMisaligned, alignFix("Options.StagingSize"), "staging size of %d bytes", opts.StagingSize)
	}
	gpu := opts.GPU
	if gpu.IsUndefined() {
		if nav := js.Global().Get("navigator"); nav.Type() == js.TypeObject {
			gpu = nav.Get("gpu")
		} else {
			gpu = js.Undefined()
		}
	}
	if gpu.Type() != js.TypeObject {
		return nil, errorf(op, ErrNoWebGPU, noWebGPUFix, "navigator.gpu is %s in %s", gpu.Type(), where())
	}
	adapter, err := await(ctx, op, func() js.Value { return gpu.Call("requestAdapter") })
	if e, ok := err.(*Error); ok {
		return nil, e // ctx ended
	}
	if err != nil {
		return nil, &Error{Package: "gpuupload", Op: op, Kind: ErrNoAdapter, Detail: "requestAdapter failed", Err: err, Fix: noWebGPUFix}
	}
	if adapter.Type() != js.TypeObject {
		return nil, errorf(op, ErrNoAdapter, "check that WebGPU is enabled and not blocklisted for this GPU (chrome://gpu); "+
			"headless Chromium needs --enable-unsafe-webgpu and its software rasterizer (no --disable-software-rasterizer)", "navigator.gpu.requestAdapter() resolved to %s", adapter.Type())
	}
	want := opts.Limits
	if want == nil {
		al := adapter.Get("limits")
		want = map[string]int{
			"maxBufferSize":               int(al.Get("maxBufferSize").Float()),
			"maxStorageBufferBindingSize": int(al.Get("maxStorageBufferBindingSize").Float()),
		}
	}
	required := map[string]any{}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		have := adapter.Get("limits").Get(name)
		if have.Type() != js.TypeNumber {
			return nil, errorf(op, ErrDevice, "use a limit name from the WebGPU spec, such as maxBufferSize",
				"the adapter has no limit named %q", name)
		}
		if n := want[name]; strings.HasPrefix(name, "min") && float64(n) < have.Float() ||
			!strings.HasPrefix(name, "min") && float64(n) > have.Float() {
			return nil, errorf(op, ErrDevice, "request at most what Device.Limit reports for the adapter",
				"%s=%d requested, the adapter offers %v", name, n, have.Float())
		}
		required[name] = want[name]
	}
	dev, err := await(ctx, op, func() js.Value {
		return adapter.Call("requestDevice", map[string]any{"requiredLimits": required})
	})
	if e, ok := err.(*Error); ok {
		return nil, e // ctx ended
	}
	if err != nil {
		return nil, &Error{Package: "gpuupload", Op: op, Kind: ErrDevice, Detail: "adapter.requestDevice failed", Err: err,
			Fix: "request fewer limits or features"}
	}
	d := &Device{
		adapter:    adapter,
		device:     dev,
		queue:      dev.Get("queue"),
		writeChunk: opts.WriteChunk,
		stageMax:   opts.StagingSize,
		lost:       make(chan struct{}),
	}
	d.writeBuffer = d.queue.Get("writeBuffer").Call("bind", d.queue)
	d.limits = readLimits(dev.Get("limits"))
	d.info = readInfo(adapter)
	d.onLost = js.FuncOf(func(this js.Value, args []js.Value) any {
		reason, msg := "unknown", ""
		if len(args) > 0 && args[0].Type() == js.TypeObject {
			reason, msg = args[0].Get("reason").String(), args[0].Get("message").String()
		}
		d.lostErr = errorf("Device", ErrDeviceLost, lostFix, "reason %q: %s", reason, msg)
		close(d.lost)
		d.onLost.Release()
		return nil
	})
	dev.Get("lost").Call("then", d.onLost)
	return d, nil
}

// where names the environment for error messages; WebGPU needs a secure
// context, so browsers say whether they have one.
func where() string {
	if jsinterop.InBrowser() {
		return fmt.Sprintf("%s (isSecureContext=%v)", jsinterop.Where(), js.Global().Get("isSecureContext").Truthy())
	}
	return jsinterop.Where()
}

func readLimits(l js.Value) Limits {
	get := func(name string) int {
		v := l.Get(name)
		if v.Type() != js.TypeNumber {
			return 0
		}
		return int(v.Float())
	}
	return Limits{
		MaxBufferSize:                     get("maxBufferSize"),
		MaxStorageBufferBindingSize:       get("maxStorageBufferBindingSize"),
		MaxStorageBuffersPerShaderStage:   get("maxStorageBuffersPerShaderStage"),
		MaxComputeWorkgroupsPerDimension:  get("maxComputeWorkgroupsPerDimension"),
		MaxComputeWorkgroupSizeX:          get("maxComputeWorkgroupSizeX"),
		MaxComputeInvocationsPerWorkgroup: get("maxComputeInvocationsPerWorkgroup"),
		MinStorageBufferOffsetAlignment:   get("minStorageBufferOffsetAlignment"),
	}
}

func readInfo(adapter js.Value) AdapterInfo {
	var ai AdapterInfo
	info := adapter.Get("info")
	str := func(name string) string {
		if info.Type() != js.TypeObject || info.Get(name).Type() != js.TypeString {
			return ""
		}
		return info.Get(name).String()
	}
	ai.Vendor, ai.Architecture, ai.Description = str("vendor"), str("architecture"), str("description")
	if info.Type() == js.TypeObject && info.Get("isFallbackAdapter").Type() == js.TypeBoolean {
		ai.Fallback = info.Get("isFallbackAdapter").Bool()
	} else {
		ai.Fallback = adapter.Get("isFallbackAdapter").Truthy()
	}
	return ai
}

// Limits returns the device's limits.
func (d *Device) Limits() Limits { return d.limits }

// Limit returns the device limit with the given WebGPU name, and false if
// the device has no such limit.
func (d *Device) Limit(name string) (int, bool) {
	v := d.device.Get("limits").Get(name)
	if v.Type() != js.TypeNumber {
		return 0, false
	}
	return int(v.Float()), true
}

// AdapterInfo describes the adapter.
func (d *Device) AdapterInfo() AdapterInfo { return d.info }

// JS returns the GPUDevice, for work this package does not wrap.
func (d *Device) JS() js.Value { return d.device }

// Lost is closed when the device is lost or destroyed; Err then says why.
func (d *Device) Lost() <-chan struct{} { return d.lost }

// Err returns an ErrDeviceLost error once the device is lost, else nil.
func (d *Device) Err() error {
	if d.lostErr == nil {
		return nil
	}
	return d.lostErr
}

// Close destroys the device and the staging buffers. Buffers created from it
// become unusable; Lost is closed shortly after (asynchronously).
func (d *Device) Close() {
	d.closed = true
	d.pool.destroyAll()
	d.device.Call("destroy")
}

// Wait returns when the GPU has finished all work submitted so far,
// including uploads (queue.onSubmittedWorkDone).
func (d *Device) Wait(ctx context.Context) error {
	if err := d.alive("Wait"); err != nil {
		return err
	}
	_, err := await(ctx, "Wait", func() js.Value { return d.queue.Call("onSubmittedWorkDone") })
	return err
}

func (d *Device) alive(op string) error {
	switch {
	case d.lostErr != nil:
		return &Error{Package: "gpuupload", Op: op, Kind: ErrDeviceLost, Detail: d.lostErr.Detail, Fix: lostFix}
	case d.closed:
		return errorf(op, ErrDeviceLost, lostFix, "the device was closed")
	}
	return nil
}

// await runs start, which returns a promise, and waits for it. A
// synchronous exception, a rejection and ctx's end all come back as errors;
// ctx's end as an ErrCanceled *Error wrapping ctx.Err(), so errors.Is(err,
// context.Canceled) holds too.
func await(ctx context.Context, op string, start func() js.Value) (js.Value, error) {
	p, err := jsinterop.Try(start)
	if err != nil {
		return js.Undefined(), err
	}
	v, err := promise.Await(ctx, p)
	if err != nil && ctx.Err() != nil && err == ctx.Err() {
		return js.Undefined(), &Error{Package: "gpuupload", Op: op, Kind: ErrCanceled, Err: ctx.Err(), Detail: "gave up waiting for WebGPU"}
	}
	return v, err
}
