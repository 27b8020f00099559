//go:build js && wasm

package gpuupload

import (
	"context"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// Download copies len(dst) elements from src, starting at byte offset
// srcOffset, into the memory dst aliases. The GPU copies src into a reused
// MAP_READ staging buffer; once mapAsync resolves, the mapped range (a plain
// ArrayBuffer WebGPU owns) is copied into dst: exactly one CPU copy, so every
// alias of dst (Python, JavaScript, other threads) sees the new values.
// Downloads larger than the staging size go in several rounds.
//
// src needs CopySrc usage. When ctx ends first Download returns an error for
// which errors.Is(err, ctx.Err()) holds; dst may then hold part of the data.
func Download[T sabview.Element](ctx context.Context, src *Buffer, srcOffset int, dst *sabview.View[T]) error {
	const op = "Download"
	if dst == nil {
		return errorf(op, ErrView, "pass a view", "nil view")
	}
	if err := src.usable(op, nil, CopySrc, "CopySrc"); err != nil {
		return err
	}
	n := dst.ByteLength()
	if err := src.checkRegion(op, srcOffset, n); err != nil {
		return err
	}
	if _, err := dst.Bytes(); err != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrView, Err: err, Fix: "download into a live view"}
	}
	d := src.d
	for done := 0; done < n; {
		c := min(n-done, d.stageMax)
		if err := d.downloadChunk(ctx, op, src, srcOffset+done, c, func(mapped js.Value) error {
			// Re-derived after the wait: the view's memory may have grown.
			bytes, err := dst.Bytes()
			if err != nil {
				return &Error{Package: "gpuupload", Op: op, Kind: ErrView, Err: err, Fix: "keep the view alive until Download returns"}
			}
			bytes.Call("set", uint8Array().New(mapped), done)
			return nil
		}); err != nil {
			return err
		}
		done += c
	}
	return nil
}

// downloadChunk copies n bytes at off from src into a staging buffer, maps
// it and gives the mapped ArrayBuffer to use.
func (d *Device) downloadChunk(ctx context.Context, op string, src *Buffer, off, n int, use func(js.Value) error) error {
	st, err := d.pool.get(d, n)
	if err != nil {
		return err
	}
	defer func() {
		// Also when we stop early: unmap aborts a pending map, or undoes one
		// that completed meanwhile, so the buffer can be reused.
		if st.v.Get("mapState").String() != "unmapped" {
			st.v.Call("unmap")
		}
		d.pool.put(st)
	}()
	var mapping js.Value
	scope, err := jsinterop.Try(func() js.Value {
		d.device.Call("pushErrorScope", "validation")
		enc := d.device.Call("createCommandEncoder")
		enc.Call("copyBufferToBuffer", src.v, off, st.v, 0, n)
		d.queue.Call("submit", []any{enc.Call("finish")})
		// Requested before the scope is popped, so both answers come back
		// from the GPU process together.
		mapping = st.v.Call("mapAsync", 1 /* GPUMapMode.READ */, 0, n)
		return d.device.Call("popErrorScope")
	})
	if err != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrDevice, Detail: "encoding the copy threw", Err: err}
	}
	// When we stop waiting early, unmap rejects this promise; observe it so
	// the page does not report an unhandled rejection.
	if mapping.Type() == js.TypeObject {
		mapping.Call("catch", ignore())
	}
	// One wait for both: each wait costs Go a callback and a wake-up, which
	// shows at small sizes.
	both, err := await(ctx, op, func() js.Value { return promiseAll().Invoke([]any{scope, mapping}) })
	if err != nil {
		// A validation error makes the copy invalid, and the map may fail
		// for that reason too; report the validation error first.
		if verr, werr := await(ctx, op, func() js.Value { return scope }); werr == nil && verr.Type() == js.TypeObject {
			return d.validationError(op, ErrDevice, verr)
		}
		return d.asyncError(op, err)
	}
	if verr := both.Index(0); verr.Type() == js.TypeObject {
		return d.validationError(op, ErrDevice, verr)
	}
	rng, err := jsinterop.Try(func() js.Value { return st.v.Call("getMappedRange", 0, n) })
	if err != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrDevice, Detail: "getMappedRange threw", Err: err}
	}
	return use(rng)
}

// asyncError classifies an error from waiting on WebGPU.
func (d *Device) asyncError(op string, err error) error {
	if e, ok := err.(*Error); ok {
		return e // ctx ended
	}
	if d.lostErr != nil {
		return &Error{Package: "gpuupload", Op: op, Kind: ErrDeviceLost, Detail: d.lostErr.Detail, Err: err, Fix: lostFix}
	}
	return &Error{Package: "gpuupload", Op: op, Kind: ErrDevice, Err: err}
}

// validationError reports a GPUValidationError caught by an error scope;
// the commonest cause is a buffer destroyed through its JS object.
func (d *Device) validationError(op string, kind error, verr js.Value) error {
	msg := verr.Get("message").String()
	if strings.Contains(msg, "destroyed") {
		kind = ErrFreed
	}
	if d.lostErr != nil {
		kind = ErrDeviceLost
	}
	return &Error{Package: "gpuupload", Op: op, Kind: kind, Detail: "WebGPU validation: " + msg,
		Fix: "check that the buffers are alive and their usages and sizes fit"}
}

var (
	u8Ctor   js.Value
	allFn    js.Value
	ignoreFn js.Func
)

// promiseAll returns Promise.all bound to Promise.
func promiseAll() js.Value {
	if allFn.IsUndefined() {
		p := js.Global().Get("Promise")
		allFn = p.Get("all").Call("bind", p)
	}
	return allFn
}

// ignore returns a JS function that does nothing, made once.
func ignore() js.Func {
	if ignoreFn.IsUndefined() {
		ignoreFn = js.FuncOf(func(js.Value, []js.Value) any { return nil })
	}
	return ignoreFn
}

func uint8Array() js.Value {
	if u8Ctor.IsUndefined() {
		u8Ctor = js.Global().Get("Uint8Array")
	}
	return u8Ctor
}

// staging is one MAP_READ|COPY_DST buffer.
type staging struct {
	v    js.Value
	size int
}

// stagingPool keeps a few staging buffers for reuse, so that a download
// does not create and destroy a MAP_READ buffer each time.
type stagingPool struct {
	free []*staging
}

const (
	minStaging  = 64 << 10
	keepStaging = 4
)

func (p *stagingPool) get(d *Device, n int) (*staging, error) {
	best := -1
	for i, s := range p.free {
		if s.size >= n && (best < 0 || s.size < p.free[best].size) {
			best = i
		}
	}
	if best >= 0 {
		s := p.free[best]
		p.free = append(p.free[:best], p.free[best+1:]...)
		return s, nil
	}
	size := minStaging
	for size < n {
		size *= 2
	}
	size = min(size, max(d.stageMax, n))
	v, err := jsinterop.Try(func() js.Value {
		return d.device.Call("createBuffer", map[string]any{"size": size, "usage": int(MapRead | CopyDst)})
	})
	if err != nil {
		return nil, &Error{Package: "gpuupload", Op: "Download", Kind: ErrDevice, Detail: "creating a staging buffer threw", Err: err}
	}
	return &staging{v: v, size: size}, nil
}

func (p *stagingPool) put(s *staging) {
	p.free = append(p.free, s)
	if len(p.free) > keepStaging {
		small := 0
		for i, f := range p.free {
			if f.size < p.free[small].size {
				small = i
			}
		}
		p.free[small].v.Call("destroy")
		p.free = append(p.free[:small], p.free[small+1:]...)
	}
}

func (p *stagingPool) destroyAll() {
	for _, s := range p.free {
		s.v.Call("destroy")
	}
	p.free = nil
}
