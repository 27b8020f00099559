//go:build js && wasm

package gpuupload_test

import (
	"fmt"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/sabview"
)

// source makes a view of n elements of T in one kind of memory.
type source[T sabview.Element] func(t testing.TB, n int) *sabview.View[T]

func sabSource[T sabview.Element](t testing.TB, n int) *sabview.View[T] {
	v, err := sabview.NewShared[T](n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func arrayBufferSource[T sabview.Element](t testing.TB, n int) *sabview.View[T] {
	size := sabview.TypeOf[T]().Size
	// An offset into the buffer checks that uploads honour the view's offset.
	buf := js.Global().Get("ArrayBuffer").New(n*size + 64)
	v, err := sabview.FromBuffer[T](buf, 64, n)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// memorySource views a WebAssembly.Memory, the kind of source a Pyodide heap
// is; shared selects a shared memory.
func memorySource[T sabview.Element](shared bool) source[T] {
	return func(t testing.TB, n int) *sabview.View[T] {
		size := sabview.TypeOf[T]().Size
		pages := (n*size+4096)/65536 + 1
		desc := map[string]any{"initial": pages, "maximum": pages + 16}
		if shared {
			desc["shared"] = true
		}
		mem := js.Global().Get("WebAssembly").Get("Memory").New(desc)
		v, err := sabview.FromMemory[T](mem, 4096, n)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// roundTrip uploads n elements from a view made by src, downloads them into
// another view that first holds different values, and compares the bytes.
func roundTrip[T sabview.Element](t *testing.T, src source[T], n int) {
	d := device(t)
	size := n * sabview.TypeOf[T]().Size
	in, out := src(t, n), sabSource[T](t, n)
	start := time.Now()
	inArr, _ := in.Array()
	outArr, _ := out.Array()
	fillJS.Invoke(inArr, 1)
	fillJS.Invoke(outArr, 2)
	if n > 0 && firstDiffJS.Invoke(inArr, outArr).Int() == -1 {
		t.Fatal("test setup: source and destination hold the same bytes before the round trip")
	}
	b := newBuffer(t, d, max(size, 4), gpuupload.CopyDst|gpuupload.CopySrc)
	filled := time.Now()
	if err := gpuupload.Upload(b, 0, in); err != nil {
		t.Fatal(err)
	}
	uploaded := time.Now()
	if err := gpuupload.Download(ctxFor(t), b, 0, out); err != nil {
		t.Fatal(err)
	}
	downloaded := time.Now()
	defer func() {
		t.Logf("%d bytes: fill %v, upload %v, download %v, compare %v", size, filled.Sub(start), uploaded.Sub(filled),
			downloaded.Sub(uploaded), time.Since(downloaded))
	}()
	outArr, _ = out.Array()
	inArr, _ = in.Array()
	if i := firstDiffJS.Invoke(inArr, outArr).Int(); i != -1 {
		t.Fatalf("%d bytes from %s: round trip differs at byte %d", size, in, i)
	}
}

func TestRoundTrip(t *testing.T) {
	const big = 256 << 20
	tests := []struct {
		name string
		size int // bytes
		run  func(t *testing.T, n int)
	}{
		{"f32/sab/4B", 4, func(t *testing.T, n int) { roundTrip(t, sabSource[float32], n/4) }},
		{"f32/sab/1MiB+12", 1<<20 + 12, func(t *testing.T, n int) { roundTrip(t, sabSource[float32], n/4) }},
		{"i32/sab/1MiB", 1 << 20, func(t *testing.T, n int) { roundTrip(t, sabSource[int32], n/4) }},
		{"u8/sab/1MiB+4", 1<<20 + 4, func(t *testing.T, n int) { roundTrip(t, sabSource[uint8], n) }},
		{"f32/arraybuffer/64KiB", 64 << 10, func(t *testing.T, n int) { roundTrip(t, arrayBufferSource[float32], n/4) }},
		{"u8/arraybuffer/8B", 8, func(t *testing.T, n int) { roundTrip(t, arrayBufferSource[uint8], n) }},
		{"f32/memory/1MiB", 1 << 20, func(t *testing.T, n int) { roundTrip(t, memorySource[float32](false), n/4) }},
		{"i32/shared-memory/1MiB", 1 << 20, func(t *testing.T, n int) { roundTrip(t, memorySource[int32](true), n/4) }},
		{"f64/sab/64KiB", 64 << 10, func(t *testing.T, n int) { roundTrip(t, sabSource[float64], n/8) }},
		{"u16/sab/4KiB", 4 << 10, func(t *testing.T, n int) { roundTrip(t, sabSource[uint16], n/2) }},
		{"f32/sab/256MiB", big, func(t *testing.T, n int) { roundTrip(t, sabSource[float32], n/4) }},
		{"i32/sab/256MiB", big, func(t *testing.T, n int) { roundTrip(t, sabSource[int32], n/4) }},
		{"u8/sab/256MiB", big, func(t *testing.T, n int) { roundTrip(t, sabSource[uint8], n) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.size >= big {
				skipBig(t)
			}
			tc.run(t, tc.size)
		})
	}
}

// skipBig runs the 256 MiB cases once per suite: in the page variant, not in
// the worker, not with -short.
func skipBig(t *testing.T) {
	if testing.Short() {
		t.Skip("256 MiB round trips are skipped with -short")
	}
	if os.Getenv(jsenv.EnvMode) == "worker" {
		t.Skip("256 MiB round trips run once, in the page variant")
	}
}

// TestUploadGo uploads a Go slice and reads it back; then it changes the
// slice and shows the GPU kept the values of the upload, because UploadGo
// copies during the call.
func TestUploadGo(t *testing.T) {
	d := device(t)
	tests := []struct {
		name string
		n    int
		off  int
	}{{"16B", 4, 0}, {"1MiB", 1 << 18, 0}, {"at-offset", 1000, 4096}, {"empty", 0, 0}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := make([]int32, tc.n)
			for i := range src {
				src[i] = int32(i*7919 - 5)
			}
			b := newBuffer(t, d, tc.off+4*tc.n+4, gpuupload.CopyDst|gpuupload.CopySrc)
			if err := gpuupload.UploadGo(b, tc.off, src); err != nil {
				t.Fatal(err)
			}
			for i := range src {
				src[i] = -1 // after the call: must not reach the GPU
			}
			out := sabSource[int32](t, tc.n)
			if err := gpuupload.Download(ctxFor(t), b, tc.off, out); err != nil {
				t.Fatal(err)
			}
			got, err := out.ToSlice()
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range got {
				if want := int32(i*7919 - 5); g != want {
					t.Fatalf("element %d = %d, want %d", i, g, want)
				}
			}
		})
	}
}

// TestGoUploadCopies checks, in Node and in browsers, that the wasm_exec.js
// of this Go release lets UploadGo read Go memory directly.
func TestGoUploadCopies(t *testing.T) {
	if got := gpuupload.GoUploadCopies(); got != 1 {
		t.Fatalf("GoUploadCopies() = %d in %s, want 1: js.CopyBytesToJS no longer passes a view of Go memory to dst.set", got, jsenv.Describe())
	}
}

// TestUploadCopiesAtCall shows Upload copies when called: a later write to
// the view's memory does not reach the GPU; and that Download writes into the
// view's memory: another alias of the bytes sees the result.
func TestUploadCopiesAtCall(t *testing.T) {
	d := device(t)
	v := sabSource[float32](t, 256)
	arr, _ := v.Array()
	fillJS.Invoke(arr, 5)
	// A copy of the bytes, not of the values: Float32Array.from would let an
	// engine canonicalise the NaNs in the pattern (Firefox does).
	before := js.Global().Get("Uint8Array").New(arr.Get("buffer"), arr.Get("byteOffset"), arr.Get("byteLength")).Call("slice")
	b := newBuffer(t, d, 1024, gpuupload.CopyDst|gpuupload.CopySrc)
	if err := gpuupload.Upload(b, 0, v); err != nil {
		t.Fatal(err)
	}
	fillJS.Invoke(arr, 6) // the view now differs from what was uploaded
	if firstDiffJS.Invoke(arr, before).Int() == -1 {
		t.Fatal("test setup: refill did not change the view")
	}
	if err := gpuupload.Download(ctxFor(t), b, 0, v); err != nil {
		t.Fatal(err)
	}
	alias := js.Global().Get("Float32Array").New(arr.Get("buffer"), arr.Get("byteOffset"), 256)
	if i := firstDiffJS.Invoke(alias, before).Int(); i != -1 {
		t.Fatalf("after Download an alias of the view differs from the uploaded bytes at byte %d", i)
	}
}

// TestUploadRange uploads a whole view, changes a dirty range, uploads only
// that range, and checks the GPU holds the old bytes outside it.
func TestUploadRange(t *testing.T) {
	d := device(t)
	const n = 1024
	v := sabSource[uint32](t, n)
	for i := range n {
		v.Set(i, uint32(i))
	}
	b := newBuffer(t, d, 4*n, gpuupload.CopyDst|gpuupload.CopySrc)
	if err := gpuupload.Upload(b, 0, v); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		v.Set(i, uint32(1_000_000+i))
	}
	tests := []struct{ first, count int }{{100, 10}, {0, 1}, {n - 3, 3}, {500, 0}}
	dirty := map[int]bool{}
	for _, tc := range tests {
		if err := gpuupload.UploadRange(b, 4*tc.first, v, tc.first, tc.count); err != nil {
			t.Fatalf("UploadRange(%d, %d): %v", tc.first, tc.count, err)
		}
		for i := tc.first; i < tc.first+tc.count; i++ {
			dirty[i] = true
		}
	}
	out := sabSource[uint32](t, n)
	if err := gpuupload.Download(ctxFor(t), b, 0, out); err != nil {
		t.Fatal(err)
	}
	got, _ := out.ToSlice()
	for i, g := range got {
		want := uint32(i)
		if dirty[i] {
			want = uint32(1_000_000 + i)
		}
		if g != want {
			t.Fatalf("element %d = %d, want %d (dirty=%v)", i, g, want, dirty[i])
		}
	}
}

// TestChunking forces many small writeBuffer calls and staging rounds.
func TestChunking(t *testing.T) {
	d := open(t, gpuupload.Options{WriteChunk: 4096, StagingSize: 8192})
	defer d.Close()
	const n = 100_003 // not a multiple of either chunk
	in, out := sabSource[float32](t, n), sabSource[float32](t, n)
	inArr, _ := in.Array()
	outArr, _ := out.Array()
	fillJS.Invoke(inArr, 9)
	fillJS.Invoke(outArr, 10)
	b := newBuffer(t, d, 4*n+8, gpuupload.CopyDst|gpuupload.CopySrc)
	if err := gpuupload.Upload(b, 8, in); err != nil {
		t.Fatal(err)
	}
	if err := gpuupload.Download(ctxFor(t), b, 8, out); err != nil {
		t.Fatal(err)
	}
	if i := firstDiffJS.Invoke(inArr, outArr).Int(); i != -1 {
		t.Fatalf("chunked round trip differs at byte %d", i)
	}
	goSrc := make([]float32, n)
	for i := range goSrc {
		goSrc[i] = float32(i) / 3
	}
	if err := gpuupload.UploadGo(b, 0, goSrc); err != nil {
		t.Fatal(err)
	}
	if err := gpuupload.Download(ctxFor(t), b, 0, out); err != nil {
		t.Fatal(err)
	}
	got, _ := out.ToSlice()
	for i := range got {
		if got[i] != goSrc[i] {
			t.Fatalf("chunked UploadGo: element %d = %v, want %v", i, got[i], goSrc[i])
		}
	}
}

// TestUploadAfterGrowth uploads from a view of a WebAssembly.Memory, grows
// the memory (a non-shared one detaches its old buffer) and uploads again.
func TestUploadAfterGrowth(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) {
			d := device(t)
			v := memorySource[int32](shared)(t, 1000)
			b := newBuffer(t, d, 4000, gpuupload.CopyDst|gpuupload.CopySrc)
			for round := range 3 {
				for i := range 1000 {
					v.Set(i, int32(round*10_000+i))
				}
				if err := gpuupload.Upload(b, 0, v); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				out := sabSource[int32](t, 1000)
				if err := gpuupload.Download(ctxFor(t), b, 0, out); err != nil {
					t.Fatal(err)
				}
				if g, _ := out.At(999); g != int32(round*10_000+999) {
					t.Fatalf("round %d: last element %d", round, g)
				}
				mem := v.Memory()
				mem.Call("grow", 1)
			}
		})
	}
}
