//go:build js && wasm

package gpuupload_test

import (
	"context"
	_ "embed"
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

// jsFunc compiles a JavaScript helper for tests from its body, a testdata
// file embedded in the test binary (a browser test cannot read the package's
// files at run time): filling and comparing hundreds of megabytes element by
// element through syscall/js would take minutes.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

var (
	// fillJS(ta, seed) writes a pattern that depends on seed into the bytes
	// of a typed array.
	//
	//go:embed testdata/fill.js
	fillBody string
	fillJS   = jsFunc("ta, seed", fillBody)
	// firstDiffJS(a, b) compares the bytes of two views and returns the
	// index of the first differing 32-bit word (times 4) or byte, or -1.
	//
	//go:embed testdata/firstdiff.js
	firstDiffBody string
	firstDiffJS   = jsFunc("a, b", firstDiffBody)
)
