//go:build js && wasm

package gpuupload

import (
	"errors"
	"fmt"

	"github.com/sabkit/sabkit"
)

// Sentinel errors. Every error returned by this package is an *Error whose
// Kind is one of these, so callers can branch with errors.Is. The kinds
// sabkit's packages share are the module's (see package sabkit), the same
// value in every package.
var (
	// ErrMisaligned: a buffer offset or byte count is not a multiple of 4,
	// which queue.writeBuffer and copyBufferToBuffer require.
	ErrMisaligned = sabkit.ErrMisaligned
	// ErrOutOfRange: an offset, length or count lies outside the buffer,
	// the view or a device limit.
	ErrOutOfRange = sabkit.ErrOutOfRange
	// ErrView: the view is nil or cannot be read or written (revoked,
	// detached); Err holds the view's error.
	ErrView = sabkit.ErrView
	// ErrCanceled: the context ended first; Err is the context's error, so
	// errors.Is(err, context.Canceled) or context.DeadlineExceeded holds
	// too.
	ErrCanceled = sabkit.ErrCanceled
	// ErrNoWebGPU: navigator.gpu is undefined (Node, a browser without
	// WebGPU, Chromium on Linux without --enable-unsafe-webgpu, an insecure
	// context).
	ErrNoWebGPU = errors.New("WebGPU unavailable")
	// ErrNoAdapter: navigator.gpu.requestAdapter resolved to null.
	ErrNoAdapter = errors.New("no WebGPU adapter")
	// ErrDevice: requestDevice failed, or the requested limits exceed what
	// the adapter offers.
	ErrDevice = errors.New("device request failed")
	// ErrDeviceLost: the device was lost or destroyed; open a new one.
	ErrDeviceLost = errors.New("device lost")
	// ErrSize: the view and the buffer region it is copied to or from differ
	// in size.
	ErrSize = errors.New("size mismatch")
	// ErrUsage: the buffer was not created with the usage flags the
	// operation needs (COPY_DST to upload, COPY_SRC to download, STORAGE or
	// UNIFORM to bind), or the flags are an invalid combination.
	ErrUsage = errors.New("wrong buffer usage")
	// ErrFreed: the buffer was freed with Buffer.Free.
	ErrFreed = sabkit.ErrFreed
	// ErrShader: the WGSL source failed to compile or the pipeline failed to
	// build.
	ErrShader = errors.New("shader error")
	// ErrDispatch: a dispatch was refused (workgroup counts, bindings) by
	// this package or by WebGPU validation.
	ErrDispatch = errors.New("dispatch error")
	// ErrForeign: the buffer belongs to another Device.
	ErrForeign = errors.New("buffer from another device")
)

// Error is sabkit's one error type (sabkit.Error).
type Error = sabkit.Error

func errorf(op string, kind error, fix string, format string, args ...any) *Error {
	return &Error{Package: "gpuupload", Op: op, Kind: kind, Detail: fmt.Sprintf(format, args...), Fix: fix}
}

const noWebGPUFix = "use Chrome or Edge 113+ (or Safari 26+) on https:// or localhost; on Linux start Chromium with " +
	"--enable-unsafe-webgpu (headless Chromium then uses SwiftShader); Node has no WebGPU"

const lostFix = "open a new Device with gpuupload.Open and recreate its buffers"

func alignFix(what string) string {
	return "make the " + what + " a multiple of 4 bytes (pad the view or the buffer); queue.writeBuffer and copyBufferToBuffer require it"
}
