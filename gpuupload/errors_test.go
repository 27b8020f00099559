//go:build js && wasm

package gpuupload_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

// checkErr asserts err is a *gpuupload.Error of kind want that says what to
// fix.
func checkErr(t *testing.T, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want kind %v", err, want)
	}
	var e *gpuupload.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T, want *gpuupload.Error", err)
	}
	if e.Op == "" || (e.Fix == "" && e.Detail == "") {
		t.Fatalf("error lacks Op or explanation: %#v", e)
	}
	t.Log(err)
}

// TestOpenWithoutWebGPU checks the error users get without WebGPU: in Node
// the real navigator.gpu is missing; in Chromium the option stands in a
// missing GPU object for it.
func TestOpenWithoutWebGPU(t *testing.T) {
	ctx := ctxFor(t)
	if jsinterop.InNode() {
		_, err := gpuupload.Open(ctx, gpuupload.Options{})
		checkErr(t, err, gpuupload.ErrNoWebGPU)
		if !strings.Contains(err.Error(), "--enable-unsafe-webgpu") || !strings.Contains(err.Error(), "Node") {
			t.Fatalf("error does not name the flag and the host: %v", err)
		}
	}
	_, err := gpuupload.Open(ctx, gpuupload.Options{GPU: js.Null()})
	checkErr(t, err, gpuupload.ErrNoWebGPU)
}

// TestOpenCancelled gives up on Open before the adapter arrives.
func TestOpenCancelled(t *testing.T) {
	device(t) // skips where there is no WebGPU
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := gpuupload.Open(ctx, gpuupload.Options{})
	checkErr(t, err, context.Canceled)
}

// TestOpenUnavailable proves, in an engine without a WebGPU adapter (WebKitGTK,
// Firefox ESR 140), the error Open returns there: ErrNoWebGPU without
// navigator.gpu, ErrNoAdapter when requestAdapter finds none.
func TestOpenUnavailable(t *testing.T) {
	if !jsinterop.InBrowser() {
		t.Skip("TestOpenWithoutWebGPU covers " + jsenv.Describe())
	}
	d, err := gpuupload.Open(ctxFor(t), gpuupload.Options{})
	if err == nil {
		d.Close()
		t.Skipf("%s has a WebGPU adapter; TestBrowserNoAdapter covers a missing one in Chromium", where())
	}
	if expectAdapter() {
		t.Fatalf("Open in %s: %v%s", where(), err, adapterHint())
	}
	want := gpuupload.ErrNoAdapter
	if js.Global().Get("navigator").Get("gpu").Type() != js.TypeObject {
		want = gpuupload.ErrNoWebGPU
	}
	checkErr(t, err, want)
}

// TestOpenNoAdapter runs in the host's no-adapter variant, where Chromium
// has WebGPU but no adapter to offer.
func TestOpenNoAdapter(t *testing.T) {
	if os.Getenv("GPUUPLOAD_EXPECT") != "no-adapter" {
		t.Skip("runs in the no-adapter Chromium variant (TestBrowserNoAdapter)")
	}
	if js.Global().Get("navigator").Get("gpu").Type() != js.TypeObject {
		t.Fatal("navigator.gpu is missing; the variant should only lack an adapter")
	}
	_, err := gpuupload.Open(ctxFor(t), gpuupload.Options{})
	checkErr(t, err, gpuupload.ErrNoAdapter)
}

func TestOpenLimits(t *testing.T) {
	d := device(t)
	l := d.Limits()
	t.Logf("adapter %+v; limits %+v", d.AdapterInfo(), l)
	if l.MaxBufferSize < 256<<20 || l.MaxComputeWorkgroupsPerDimension < 1 {
		t.Fatalf("limits too small for this package's tests: %+v", l)
	}
	if got, ok := d.Limit("maxBufferSize"); !ok || got != l.MaxBufferSize {
		t.Fatalf("Limit(maxBufferSize) = %d, %v; Limits() says %d", got, ok, l.MaxBufferSize)
	}
	if _, ok := d.Limit("noSuchLimit"); ok {
		t.Fatal("Limit(noSuchLimit) reported a value")
	}
	_, err := gpuupload.Open(ctxFor(t), gpuupload.Options{Limits: map[string]int{"maxBufferSize": l.MaxBufferSize * 4}})
	checkErr(t, err, gpuupload.ErrDevice)
	_, err = gpuupload.Open(ctxFor(t), gpuupload.Options{Limits: map[string]int{"maxBufferSizes": 1}})
	checkErr(t, err, gpuupload.ErrDevice)
	small := open(t, gpuupload.Options{Limits: map[string]int{"maxBufferSize": 1 << 20}})
	defer small.Close()
	if got := small.Limits().MaxBufferSize; got < 1<<20 || got >= l.MaxBufferSize {
		t.Fatalf("device opened with maxBufferSize 1 MiB reports %d", got)
	}
}

// TestBadInputs checks that wrong arguments come back as typed errors that
// say what to fix, and never panic.
func TestBadInputs(t *testing.T) {
	d := device(t)
	ctx := ctxFor(t)
	rw := newBuffer(t, d, 1024, gpuupload.CopyDst|gpuupload.CopySrc|gpuupload.Storage)
	srcOnly := newBuffer(t, d, 1024, gpuupload.CopySrc)
	dstOnly := newBuffer(t, d, 1024, gpuupload.CopyDst|gpuupload.Storage)
	v256 := sabSource[float32](t, 256)
	tests := []struct {
		name string
		want error
		do   func() error
	}{
		{"upload to unaligned offset", gpuupload.ErrMisaligned, func() error { return gpuupload.Upload(rw, 2, v256) }},
		{"upload 3 bytes", gpuupload.ErrMisaligned, func() error { return gpuupload.Upload(rw, 0, sabSource[uint8](t, 3)) }},
		{"upload past the end", gpuupload.ErrSize, func() error { return gpuupload.Upload(rw, 4, v256) }},
		{"upload negative offset", gpuupload.ErrMisaligned, func() error { return gpuupload.Upload(rw, -4, v256) }},
		{"upload without CopyDst", gpuupload.ErrUsage, func() error { return gpuupload.Upload(srcOnly, 0, v256) }},
		{"upload nil view", gpuupload.ErrView, func() error { return gpuupload.Upload[float32](rw, 0, nil) }},
		{"upload range outside view", gpuupload.ErrOutOfRange, func() error { return gpuupload.UploadRange(rw, 0, v256, 250, 10) }},
		{"upload Go slice unaligned", gpuupload.ErrMisaligned, func() error { return gpuupload.UploadGo(rw, 0, []byte{1, 2}) }},
		{"upload revoked view", sabview.ErrRevoked, func() error {
			l := sabview.NewLease()
			v, err := sabview.NewShared[float32](4)
			if err != nil {
				return err
			}
			v = v.WithLease(l)
			l.Revoke(errors.New("owner freed the memory"))
			err = gpuupload.Upload(rw, 0, v)
			if !errors.Is(err, gpuupload.ErrView) {
				return errors.New("want ErrView too")
			}
			return err
		}},
		{"upload resizable ArrayBuffer", gpuupload.ErrView, func() error {
			buf := js.Global().Get("ArrayBuffer").New(16, map[string]any{"maxByteLength": 64})
			v, err := sabview.FromBuffer[float32](buf, 0, 4)
			if err != nil {
				return err
			}
			return gpuupload.Upload(rw, 0, v)
		}},
		{"upload detached ArrayBuffer", sabview.ErrDetached, func() error {
			buf := js.Global().Get("ArrayBuffer").New(16)
			v, err := sabview.FromBuffer[float32](buf, 0, 4)
			if err != nil {
				return err
			}
			js.Global().Call("structuredClone", buf, map[string]any{"transfer": []any{buf}})
			err = gpuupload.Upload(rw, 0, v)
			if !errors.Is(err, gpuupload.ErrView) {
				return errors.New("want ErrView too")
			}
			return err
		}},
		{"download without CopySrc", gpuupload.ErrUsage, func() error { return gpuupload.Download(ctx, dstOnly, 0, v256) }},
		{"download larger than buffer", gpuupload.ErrSize, func() error {
			return gpuupload.Download(ctx, rw, 0, sabSource[float32](t, 257))
		}},
		{"download unaligned offset", gpuupload.ErrMisaligned, func() error { return gpuupload.Download(ctx, rw, 6, sabSource[float32](t, 1)) }},
		{"download into nil view", gpuupload.ErrView, func() error { return gpuupload.Download[int32](ctx, rw, 0, nil) }},
		{"upload to freed buffer", gpuupload.ErrFreed, func() error {
			b := newBuffer(t, d, 64, gpuupload.CopyDst)
			b.Free()
			return gpuupload.Upload(b, 0, sabSource[float32](t, 4))
		}},
		{"download from freed buffer", gpuupload.ErrFreed, func() error {
			b := newBuffer(t, d, 64, gpuupload.CopySrc)
			b.Free()
			return gpuupload.Download(ctx, b, 0, sabSource[float32](t, 4))
		}},
		{"download from buffer destroyed in JS", gpuupload.ErrFreed, func() error {
			b := newBuffer(t, d, 64, gpuupload.CopySrc)
			b.JS().Call("destroy") // behind the package's back: WebGPU validation reports it
			return gpuupload.Download(ctx, b, 0, sabSource[float32](t, 4))
		}},
		{"buffer of size 0", gpuupload.ErrOutOfRange, func() error { _, err := d.NewBuffer(0, gpuupload.Storage); return err }},
		{"buffer over the limit", gpuupload.ErrOutOfRange, func() error {
			_, err := d.NewBuffer(d.Limits().MaxBufferSize+4, gpuupload.Storage)
			return err
		}},
		{"MapRead with Storage", gpuupload.ErrUsage, func() error {
			_, err := d.NewBuffer(64, gpuupload.MapRead|gpuupload.Storage)
			return err
		}},
		{"empty usage", gpuupload.ErrUsage, func() error { _, err := d.NewBuffer(64, 0); return err }},
		{"WGSL syntax error", gpuupload.ErrShader, func() error {
			_, err := d.Kernel(ctx, "@compute @workgroup_size(1) fn main() { let x = ; }", "main")
			return err
		}},
		{"missing entry point", gpuupload.ErrShader, func() error {
			_, err := d.Kernel(ctx, doubleWGSL, "nope")
			return err
		}},
		{"zero workgroups", gpuupload.ErrDispatch, func() error {
			return doubleKernel(t, d).Dispatch(ctx, 0, 1, 1, rw)
		}},
		{"too many workgroups", gpuupload.ErrDispatch, func() error {
			return doubleKernel(t, d).Dispatch(ctx, d.Limits().MaxComputeWorkgroupsPerDimension+1, 1, 1, rw)
		}},
		{"binding without Storage", gpuupload.ErrUsage, func() error {
			return doubleKernel(t, d).Dispatch(ctx, 1, 1, 1, srcOnly)
		}},
		{"binding missing", gpuupload.ErrDispatch, func() error {
			return doubleKernel(t, d).Dispatch(ctx, 1, 1, 1)
		}},
		{"buffer of another device", gpuupload.ErrForeign, func() error {
			other := open(t, gpuupload.Options{})
			defer other.Close()
			b := newBuffer(t, other, 64, gpuupload.Storage)
			return doubleKernel(t, d).Dispatch(ctx, 1, 1, 1, b)
		}},
		{"write chunk not a multiple of 4", gpuupload.ErrMisaligned, func() error {
			_, err := gpuupload.Open(ctx, gpuupload.Options{WriteChunk: 1000001})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, tc.do(), tc.want)
		})
	}
	// The device still works after all that.
	roundTrip(t, sabSource[float32], 64)
}

// TestDeviceLost destroys a device and checks that its operations then fail
// with ErrDeviceLost.
func TestDeviceLost(t *testing.T) {
	d := open(t, gpuupload.Options{})
	b := newBuffer(t, d, 64, gpuupload.CopyDst|gpuupload.CopySrc)
	v := sabSource[float32](t, 16)
	if err := gpuupload.Upload(b, 0, v); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// At once, before device.lost resolves:
	checkErr(t, gpuupload.Upload(b, 0, v), gpuupload.ErrDeviceLost)
	select {
	case <-d.Lost():
	case <-time.After(30 * time.Second):
		t.Fatal("device.lost did not resolve within 30s of destroy()")
	}
	checkErr(t, d.Err(), gpuupload.ErrDeviceLost)
	checkErr(t, gpuupload.Upload(b, 0, v), gpuupload.ErrDeviceLost)
	checkErr(t, gpuupload.Download(ctxFor(t), b, 0, v), gpuupload.ErrDeviceLost)
	_, err := d.NewBuffer(64, gpuupload.Storage)
	checkErr(t, err, gpuupload.ErrDeviceLost)
	checkErr(t, d.Wait(ctxFor(t)), gpuupload.ErrDeviceLost)
}

// TestDownloadCancel gives up on a download whose map is pending, then
// checks the staging pool still serves a correct download.
func TestDownloadCancel(t *testing.T) {
	d := device(t)
	b := newBuffer(t, d, 1<<20, gpuupload.CopyDst|gpuupload.CopySrc)
	in := sabSource[int32](t, 1<<18)
	arr, _ := in.Array()
	fillJS.Invoke(arr, 3)
	if err := gpuupload.Upload(b, 0, in); err != nil {
		t.Fatal(err)
	}
	out := sabSource[int32](t, 1<<18)
	for range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := gpuupload.Download(ctx, b, 0, out)
		checkErr(t, err, context.Canceled)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	checkErr(t, gpuupload.Download(ctx, b, 0, out), context.DeadlineExceeded)
	if err := gpuupload.Download(ctxFor(t), b, 0, out); err != nil {
		t.Fatalf("download after cancelled ones: %v", err)
	}
	outArr, _ := out.Array()
	if i := firstDiffJS.Invoke(arr, outArr).Int(); i != -1 {
		t.Fatalf("download after cancelled ones differs at byte %d", i)
	}
}
