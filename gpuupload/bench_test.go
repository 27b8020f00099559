//go:build js && wasm

package gpuupload_test

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"syscall/js"
	"testing"
	"time"
	"unsafe"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/internal/promise"
)

var benchSizes = []int{64 << 10, 1 << 20, 16 << 20, 64 << 20}

func human(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// flushEvery says how many uploads a benchmark issues between waits for the
// queue, so both sides keep at most 64 MiB in flight and pay the same waits.
func flushEvery(size int) int { return max(1, (64<<20)/size) }

// jsAsync compiles an async JavaScript function for the plain-JS baselines
// from its body, a testdata file embedded in the test binary.
func jsAsync(params, body string) js.Value {
	return js.Global().Get("Function").New("return async (" + params + ") => {\n" + body + "\n}").Invoke()
}

var (
	// jsUploadLoop is what a JavaScript program writes by hand.
	//
	//go:embed testdata/bench_upload.js
	uploadLoopBody string
	jsUploadLoop   = jsAsync("q, buf, data, n, flush", uploadLoopBody)
	// jsDownloadLoop reads back through one reused MAP_READ buffer, the
	// fastest plain-JS readback.
	//
	//go:embed testdata/bench_download.js
	downloadLoopBody string
	jsDownloadLoop   = jsAsync("device, src, staging, dst, n", downloadLoopBody)
)

func awaitB(b *testing.B, p js.Value) {
	if _, err := promise.Await(context.Background(), p); err != nil {
		b.Fatal(err)
	}
}

// pairResult compares two contenders at one size.
type pairResult struct {
	size         int
	mine, plain  float64 // MB/s over all batches
	ratio        float64 // median over pairs of mine's throughput / plain's
	allocsPerRun float64
}

// pair runs b.N pairs of batches, one batch of each contender per pair, in
// alternating order, so that load from other work on a shared machine hits
// both alike; the ratio is the median of the per-pair ratios.
func pair(b *testing.B, size, batch int, mine, plain func(n int)) pairResult {
	var tMine, tPlain time.Duration
	ratios := make([]float64, 0, b.N)
	timed := func(f func(int)) time.Duration {
		start := time.Now()
		f(batch)
		return time.Since(start)
	}
	for i := range b.N {
		var m, p time.Duration
		if i%2 == 0 {
			m, p = timed(mine), timed(plain)
		} else {
			p, m = timed(plain), timed(mine)
		}
		tMine, tPlain = tMine+m, tPlain+p
		ratios = append(ratios, float64(p)/float64(m))
	}
	slices.Sort(ratios)
	bytes := float64(size) * float64(batch) * float64(b.N)
	r := pairResult{size: size, mine: bytes / tMine.Seconds() / 1e6, plain: bytes / tPlain.Seconds() / 1e6, ratio: ratios[len(ratios)/2]}
	b.ReportMetric(r.ratio, "x-plain")
	b.ReportMetric(r.mine, "MB/s-gpuupload")
	b.ReportMetric(r.plain, "MB/s-plain")
	return r
}

func printPairs(title, mine, plain string, rows []pairResult) {
	fmt.Printf("\n%s (same run, alternating batches; ratio = median of per-pair throughput ratios)\n", title)
	fmt.Printf("%-8s %14s %14s %9s %12s\n", "size", mine+" MB/s", plain+" MB/s", "ratio", "allocs/call")
	for _, r := range rows {
		fmt.Printf("%-8s %14.0f %14.0f %8.2fx %12.1f\n", human(r.size), r.mine, r.plain, r.ratio, r.allocsPerRun)
	}
	fmt.Println()
}

// uploadBatch returns a batch function that calls upload n times, waiting
// for the queue every flushEvery(size) calls and at the end, as
// jsUploadLoop does.
func uploadBatch(b *testing.B, d *gpuupload.Device, size int, upload func() error) func(int) {
	flush := flushEvery(size)
	return func(n int) {
		for i := range n {
			if err := upload(); err != nil {
				b.Fatal(err)
			}
			if (i+1)%flush == 0 {
				d.Wait(context.Background())
			}
		}
		d.Wait(context.Background())
	}
}

// BenchmarkUpload compares Upload from a SharedArrayBuffer view with a plain
// JavaScript queue.writeBuffer of the same bytes, and prints the throughput
// ratio (1 means as fast) and the allocations per Upload.
func BenchmarkUpload(b *testing.B) {
	d := device(b)
	var rows []pairResult
	for _, size := range benchSizes {
		v := sabSource[float32](b, size/4)
		data, _ := v.Bytes()
		buf := newBuffer(b, d, size, gpuupload.CopyDst)
		q := d.JS().Get("queue")
		flush := flushEvery(size)
		var r pairResult
		b.Run(human(size), func(b *testing.B) {
			r = pair(b, size, flush,
				uploadBatch(b, d, size, func() error { return gpuupload.Upload(buf, 0, v) }),
				func(n int) { awaitB(b, jsUploadLoop.Invoke(q, buf.JS(), data, n, flush)) })
		})
		r.allocsPerRun = testing.AllocsPerRun(20, func() { gpuupload.Upload(buf, 0, v) })
		d.Wait(context.Background())
		rows = append(rows, r)
	}
	printPairs("Upload vs plain JS writeBuffer", "gpuupload", "js", rows)
}

// BenchmarkUploadGo compares UploadGo (one copy, Go heap → GPU) with the
// two-copy route through a JavaScript staging array, and with Upload of a
// SharedArrayBuffer view of the same size.
func BenchmarkUploadGo(b *testing.B) {
	d := device(b)
	var twoCopies, views []pairResult
	for _, size := range benchSizes {
		src := make([]float32, size/4)
		buf := newBuffer(b, d, size, gpuupload.CopyDst)
		stage := js.Global().Get("Uint8Array").New(size)
		stageBuf := stage.Get("buffer")
		q := d.JS().Get("queue")
		writeBuffer := q.Get("writeBuffer").Call("bind", q)
		v := sabSource[float32](b, size/4)
		batch := flushEvery(size)
		uploadGo := uploadBatch(b, d, size, func() error { return gpuupload.UploadGo(buf, 0, src) })
		var r2, rv pairResult
		b.Run("vs-two-copies/"+human(size), func(b *testing.B) {
			r2 = pair(b, size, batch, uploadGo, uploadBatch(b, d, size, func() error {
				js.CopyBytesToJS(stage, asBytes(src))
				writeBuffer.Invoke(buf.JS(), 0, stageBuf, 0, size)
				return nil
			}))
		})
		b.Run("vs-view/"+human(size), func(b *testing.B) {
			rv = pair(b, size, batch, uploadGo, uploadBatch(b, d, size, func() error { return gpuupload.Upload(buf, 0, v) }))
		})
		r2.allocsPerRun = testing.AllocsPerRun(20, func() { gpuupload.UploadGo(buf, 0, src) })
		rv.allocsPerRun = r2.allocsPerRun
		d.Wait(context.Background())
		twoCopies, views = append(twoCopies, r2), append(views, rv)
	}
	printPairs(fmt.Sprintf("UploadGo (%d copy) vs CopyBytesToJS + writeBuffer (2 copies)", gpuupload.GoUploadCopies()), "UploadGo", "2-copy", twoCopies)
	printPairs("UploadGo vs Upload from a SharedArrayBuffer view", "UploadGo", "view", views)
}

// BenchmarkDownload compares Download into a SharedArrayBuffer view with a
// plain JavaScript readback through one reused MAP_READ buffer.
func BenchmarkDownload(b *testing.B) {
	d := device(b)
	var rows []pairResult
	for _, size := range benchSizes {
		v := sabSource[float32](b, size/4)
		data, _ := v.Bytes()
		src := newBuffer(b, d, size, gpuupload.CopyDst|gpuupload.CopySrc)
		staging := d.JS().Call("createBuffer", map[string]any{"size": size, "usage": int(gpuupload.MapRead | gpuupload.CopyDst)})
		batch := max(1, (16<<20)/size)
		var r pairResult
		b.Run(human(size), func(b *testing.B) {
			r = pair(b, size, batch,
				func(n int) {
					for range n {
						if err := gpuupload.Download(context.Background(), src, 0, v); err != nil {
							b.Fatal(err)
						}
					}
				},
				func(n int) { awaitB(b, jsDownloadLoop.Invoke(d.JS(), src.JS(), staging, data, n)) })
		})
		r.allocsPerRun = testing.AllocsPerRun(5, func() { gpuupload.Download(context.Background(), src, 0, v) })
		staging.Call("destroy")
		rows = append(rows, r)
	}
	printPairs("Download vs plain JS mapAsync readback", "gpuupload", "js", rows)
}

func asBytes(s []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), 4*len(s))
}
