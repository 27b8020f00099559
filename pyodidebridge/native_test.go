//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvNativeURL is where the browser harness serves the test library that
// internal/sidemodule builds from testdata/native with clang and wasm-ld:
// the side module libsabnative.so and the wheel that carries it. Unset
// (under Node, or on a host without the toolchain) the native tests skip.
const EnvNativeURL = "SABKIT_NATIVE_URL"

const (
	nativeWheel    = "sabnative-1.0-py3-none-any.whl"
	nativeSO       = "libsabnative.so"
	brokenWheel    = "broken-1.0-py3-none-any.whl" // not a zip (the host writes it)
	oversizedWheel = "sabbig-1.0-py3-none-any.whl" // internal/sidemodule's OversizedWheel
)

func nativeURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(EnvNativeURL)
	if u == "" {
		t.Skip(EnvNativeURL + " is unset: the host builds the C library (clang, wasm-ld) and serves it to browsers")
	}
	return u
}

// nativeBridges are the bridges of this variant that C code is loaded
// into: the same-thread one (a shared heap when SABKIT_SHARED_HEAP=1) and,
// where the page is isolated, the LoadWorker one.
func nativeBridges() []struct {
	name string
	get  func(testing.TB) *pyodidebridge.Bridge
} {
	bs := []struct {
		name string
		get  func(testing.TB) *pyodidebridge.Bridge
	}{{"same-thread", bridge}}
	if os.Getenv(EnvSharedHeap) != "1" && jsinterop.CrossOriginIsolated() {
		bs = append(bs, struct {
			name string
			get  func(testing.TB) *pyodidebridge.Bridge
		}{"worker", workerBridge})
	}
	return bs
}

// hookStats reads how many modules the shared-heap hooks of b's Pyodide
// rewrote, or -1 when b's heap is not shared (no hooks).
func hookStats(t *testing.T, ctx context.Context, b *pyodidebridge.Bridge) int {
	t.Helper()
	if !b.Shared() {
		return -1
	}
	if b.InWorker() {
		s, err := pyodidebridge.WorkerStats(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		return s.Get("rewritten").Int()
	}
	return js.Global().Get("sabkitSharedHeap").Call("stats").Get("rewritten").Int()
}

// TestNative installs the wheel with LoadPackage (Pyodide unpacks it, finds
// the side module and links it into its heap) and proves by mutation that
// C, Python, Go and JavaScript use the same bytes: Go writes and C sums, C
// scales and Go and the page's Float32Array read the result. Then it opens
// the bare side module with ctypes.CDLL. On a shared heap the hooks must
// have rewritten the module to import the memory shared.
func TestNative(t *testing.T) {
	base := nativeURL(t)
	for _, bk := range nativeBridges() {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.get(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			before := hookStats(t, ctx, b)
			if err := b.LoadPackage(ctx, base+nativeWheel); err != nil {
				t.Fatal(err)
			}
			if after := hookStats(t, ctx, b); before >= 0 && after <= before {
				t.Errorf("the shared heap's hooks rewrote %d modules before the wheel and %d after: the side module was not made to import the heap shared", before, after)
			}
			if v, err := b.Call(ctx, "sabnative.version"); err != nil || v != 1 {
				t.Fatalf("sabnative.version() = %v, %v; want 1", v, err)
			}

			const n = 1000
			x, err := pyodidebridge.Alloc[float32](ctx, b, "native_x", n)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Free(context.Background(), x)
			want := 0.0
			for i := range n {
				if err := x.Set(i, float32(i)*0.5); err != nil {
					t.Fatal(err)
				}
				want += float64(i) * 0.5
			}
			// Go wrote, C reads (through the view argument, and through the
			// name Alloc bound).
			got, err := b.Call(ctx, "sabnative.total", x)
			if err != nil || got != want {
				t.Fatalf("C's sum of what Go wrote, through a view argument = %v, %v; want %v", got, err, want)
			}
			run(t, b, "import sabnative\nnative_total = sabnative.total(native_x)")
			if got, err := b.Call(ctx, "native_total.__float__"); err != nil || got != want {
				t.Fatalf("C's sum of what Go wrote, through the name Alloc bound = %v, %v; want %v", got, err, want)
			}
			// C writes, Go and the page read.
			if _, err := b.Call(ctx, "sabnative.scale", x, 4.0); err != nil {
				t.Fatal(err)
			}
			arr, err := x.Array()
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range []int{0, 1, 499, n - 1} {
				got, err := x.At(i)
				if err != nil || got != float32(i)*2 {
					t.Fatalf("Go reads element %d = %v, %v after C scaled it; want %v", i, got, err, float32(i)*2)
				}
				if js := arr.Index(i).Float(); js != float64(i)*2 {
					t.Fatalf("the page's Float32Array reads element %d = %v after C scaled it; want %v", i, js, float64(i)*2)
				}
			}
			// C fills a buffer Python made, Go views it by name.
			run(t, b, "import array, sabnative\nnative_y = array.array('f', [0.0]) * 8\nsabnative.fill(native_y, 7.0)")
			y, err := pyodidebridge.ViewOf[float32](ctx, b, "native_y")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := y.At(7); err != nil || got != 14 {
				t.Errorf("element 7 of what C filled = %v, %v; want 14", got, err)
			}
			b.Free(ctx, y)

			// The bare side module, opened with ctypes.CDLL.
			so := fetchBytes(t, ctx, base+nativeSO)
			run(t, b, "def native_write(path, data):\n    with open(path, 'wb') as f:\n        f.write(data)\n")
			if _, err := b.Call(ctx, "native_write", "/tmp/libdirect.so", so); err != nil {
				t.Fatal(err)
			}
			before = hookStats(t, ctx, b)
			run(t, b, "import ctypes\nnative_direct = ctypes.CDLL('/tmp/libdirect.so')\n"+
				"native_direct.sum_f32.restype = ctypes.c_double\n"+
				"native_direct_sum = native_direct.sum_f32(ctypes.c_void_p(ctypes.addressof(ctypes.c_char.from_buffer(memoryview(native_x).cast('B')))), 1000)")
			if got, err := b.Call(ctx, "native_direct_sum.__float__"); err != nil || got != 4*want {
				t.Errorf("ctypes.CDLL's sum_f32 = %v, %v; want %v", got, err, 4*want)
			}
			if after := hookStats(t, ctx, b); before >= 0 && after <= before {
				t.Errorf("hooks rewrote %d modules before ctypes.CDLL and %d after: the side module was not made shared", before, after)
			}
		})
	}
}

// TestNativeCrash traps inside C code in a worker: the call ends with
// ErrWorkerDead and every view of the worker's heap is revoked.
func TestNativeCrash(t *testing.T) {
	base := nativeURL(t)
	if jsinterop.InBrowser() && !jsinterop.CrossOriginIsolated() {
		t.Skip("LoadWorker needs cross-origin isolation")
	}
	if os.Getenv(EnvSharedHeap) == "1" {
		t.Skip("the page variant runs the worker rows")
	}
	b := freshWorker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := b.LoadPackage(ctx, base+nativeWheel); err != nil {
		t.Fatal(err)
	}
	v := allocView(t, b, "crash_view")
	_, err := b.Call(ctx, "sabnative.crash")
	wantDead(t, "Call", err, "fatal")
	wantRevoked(t, v, pyodidebridge.ErrWorkerDead)
	noLeaks(t, b)
}

// TestLoadPackageErrors: a package that did not load is ErrLoad naming it
// and what went wrong, on both kinds of bridge, never nil.
func TestLoadPackageErrors(t *testing.T) {
	base := nativeURL(t)
	rows := []struct {
		name, src string
		says      []string
	}{
		{"404", base + "missing-1.0-py3-none-any.whl", []string{"missing", "404", "missing-1.0-py3-none-any.whl"}},
		{"not a wheel", base + brokenWheel, []string{"broken", "zip", "was found"}},
		{"unknown name", "no_such_package_here", []string{"no_such_package_here", "pyodide-lock.json"}},
		// Its side module imports a memory of at least 2 GiB: no heap has
		// that much when the package loads, so it must not link.
		{"side module that does not link", base + oversizedWheel, []string{"sabbig", "libsabbig.so"}},
	}
	if other := otherOrigin(base + nativeWheel); other != "" {
		rows = append(rows, struct {
			name, src string
			says      []string
		}{"cross-origin, refused under COEP", other, []string{"sabnative", "refused", "origin"}})
	}
	for _, bk := range nativeBridges() {
		for _, r := range rows {
			t.Run(bk.name+"/"+r.name, func(t *testing.T) {
				b := bk.get(t)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				err := b.LoadPackage(ctx, r.src)
				var e *pyodidebridge.Error
				if !errors.Is(err, pyodidebridge.ErrLoad) || !errors.As(err, &e) {
					t.Fatalf("LoadPackage(%q) = %v; want ErrLoad", r.src, err)
				}
				t.Log(err)
				for _, s := range r.says {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("LoadPackage(%q) = %v; want it to say %q", r.src, err, s)
					}
				}
			})
		}
	}
}

// otherOrigin returns path (served by the harness) at the same server under
// another host name, a different origin that sends no CORS headers, or ""
// outside a browser.
func otherOrigin(path string) string {
	loc := js.Global().Get("location")
	if !jsinterop.InBrowser() || loc.Type() != js.TypeObject {
		return ""
	}
	host := "localhost"
	if loc.Get("hostname").String() == "localhost" {
		host = "127.0.0.1"
	}
	return loc.Get("protocol").String() + "//" + host + ":" + loc.Get("port").String() + path
}

// fetchBytes downloads url on this thread.
func fetchBytes(t *testing.T, ctx context.Context, url string) []byte {
	t.Helper()
	r, err := promise.Await(ctx, js.Global().Call("fetch", url))
	if err == nil && !r.Get("ok").Bool() {
		t.Fatalf("GET %s: %d", url, r.Get("status").Int())
	}
	var buf js.Value
	if err == nil {
		buf, err = promise.Await(ctx, r.Call("arrayBuffer"))
	}
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	out := make([]byte, u8.Length())
	js.CopyBytesToGo(out, u8)
	return out
}
