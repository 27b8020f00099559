//go:build js && wasm

package gpuupload_test

import (
	"context"
	"errors"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/promise"
)

// shared is the device most tests use; tests that destroy a device open
// their own.
var shared *gpuupload.Device

// device returns the shared device. Where WebGPU is missing outside the
// browser harness (Node) the test is skipped; inside the harness that is a
// failure, because the harness starts Chromium with --enable-unsafe-webgpu.
func device(t testing.TB) *gpuupload.Device {
	t.Helper()
	if shared == nil || shared.Err() != nil {
		shared = open(t)
	}
	return shared
}

func open(t testing.TB, opts ...gpuupload.Option) *gpuupload.Device {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := gpuupload.Open(ctx, opts...)
	if errors.Is(err, gpuupload.ErrNoWebGPU) && os.Getenv(jsenv.EnvBrowser) == "" {
		t.Skipf("needs WebGPU, which %s lacks; run `go test ./gpuupload` to test in headless Chromium: %v", jsenv.Describe(), err)
	}
	if err != nil {
		t.Fatalf("Open in %s: %v", jsenv.Describe(), err)
	}
	return d
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newBuffer(t testing.TB, d *gpuupload.Device, size int, usage gpuupload.Usage) *gpuupload.Buffer {
	t.Helper()
	b, err := d.NewBuffer(size, usage)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Destroy)
	return b
}

// jsFunc compiles a JavaScript helper for tests: filling and comparing
// hundreds of megabytes element by element through syscall/js would take
// minutes.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

var (
	// fill writes a pattern that depends on seed into a typed array; the
	// values exercise every byte of 32-bit elements.
	fillJS = jsFunc("ta, seed", `
		const n = ta.length, big = ta instanceof Float32Array ? 1/1024 : 1;
		for (let i = 0; i < n; i++) ta[i] = ((Math.imul(i, 2654435761) + seed) | 0) * big;
	`)
	// firstDiff compares the bytes of two views and returns the first
	// differing byte index, or -1.
	firstDiffJS = jsFunc("a, b", `
		if (a.byteLength !== b.byteLength) return -2;
		const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
		for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
		return -1;
	`)
)

func await(t testing.TB, p js.Value) js.Value {
	t.Helper()
	v, err := promise.Await(ctxFor(t), p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
