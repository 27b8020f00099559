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
)

// shared is the device most tests use; tests that destroy a device open
// their own.
var shared *gpuupload.Device

// device returns the shared device. Where WebGPU or an adapter is missing
// in an engine that is not expected to have one (Node, WebKitGTK, Firefox
// builds without navigator.gpu) the test is skipped, and
// TestOpenUnavailable proves the error instead; where the harness provides
// an adapter (Chromium with --enable-unsafe-webgpu, Firefox with WebGPU
// enabled) a missing one is a failure.
func device(t testing.TB) *gpuupload.Device {
	t.Helper()
	if shared == nil || shared.Err() != nil {
		shared = open(t, gpuupload.Options{})
	}
	return shared
}

func open(t testing.TB, opts gpuupload.Options) *gpuupload.Device {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := gpuupload.Open(ctx, opts)
	if unavailable(err) && !expectAdapter() {
		t.Skipf("needs a WebGPU adapter, and %s has none (%v); TestOpenUnavailable proves the error here, "+
			"`go test ./gpuupload` runs this in Chromium and Firefox", where(), err)
	}
	if err != nil {
		t.Fatalf("Open in %s: %v%s", where(), err, adapterHint())
	}
	return d
}

func unavailable(err error) bool {
	return errors.Is(err, gpuupload.ErrNoWebGPU) || errors.Is(err, gpuupload.ErrNoAdapter)
}

// expectAdapter says whether the harness set this engine up with a WebGPU
// adapter: Chromium always (--enable-unsafe-webgpu, SwiftShader); Firefox
// when its build exposes navigator.gpu (the harness's profile enables it).
func expectAdapter() bool {
	switch os.Getenv(jsenv.EnvBrowser) {
	case "chromium":
		return true
	case "firefox":
		return js.Global().Get("navigator").Get("gpu").Type() == js.TypeObject
	}
	return false
}

func adapterHint() string {
	if os.Getenv(jsenv.EnvBrowser) == "firefox" {
		return "; Firefox on Linux needs a Vulkan driver: apt-get install mesa-vulkan-drivers"
	}
	return ""
}

func where() string {
	if b := os.Getenv(jsenv.EnvBrowser); b != "" {
		return b + " (" + jsenv.Describe() + ")"
	}
	return jsenv.Describe()
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
	t.Cleanup(b.Free)
	return b
}

// jsFunc compiles a JavaScript helper for tests: filling and comparing
// hundreds of megabytes element by element through syscall/js would take
// minutes.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

var (
	// fillJS writes a pattern that depends on seed into the bytes of a
	// typed array, as 32-bit words so that every byte varies and the loop
	// stays monomorphic whatever the view's element type.
	fillJS = jsFunc("ta, seed", `
		const w = new Int32Array(ta.buffer, ta.byteOffset, ta.byteLength >> 2);
		for (let i = 0; i < w.length; i++) w[i] = Math.imul(i, 2654435761) + seed;
		const tail = new Uint8Array(ta.buffer, ta.byteOffset + (w.length << 2), ta.byteLength & 3);
		for (let i = 0; i < tail.length; i++) tail[i] = i + seed;
	`)
	// firstDiffJS compares the bytes of two views and returns the index of
	// the first differing 32-bit word (times 4) or byte, or -1.
	firstDiffJS = jsFunc("a, b", `
		if (a.byteLength !== b.byteLength) return -2;
		const n = a.byteLength >> 2;
		const x = new Int32Array(a.buffer, a.byteOffset, n), y = new Int32Array(b.buffer, b.byteOffset, n);
		for (let i = 0; i < n; i++) if (x[i] !== y[i]) return 4 * i;
		const p = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), q = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
		for (let i = 4 * n; i < p.length; i++) if (p[i] !== q[i]) return i;
		return -1;
	`)
)
