//go:build js && wasm

package gpuupload_test

import (
	"context"
	"fmt"
	"syscall/js"
	"testing"
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

// jsAsync compiles an async JavaScript function for the plain-JS baselines.
func jsAsync(params, body string) js.Value {
	return js.Global().Get("Function").New("return async (" + params + ") => {" + body + "}").Invoke()
}

var (
	// jsUploadLoop is what a JavaScript program writes by hand.
	jsUploadLoop = jsAsync("q, buf, data, n, flush", `
		for (let i = 0; i < n; i++) {
			q.writeBuffer(buf, 0, data);
			if ((i + 1) % flush === 0) await q.onSubmittedWorkDone();
		}
		await q.onSubmittedWorkDone();
	`)
	// jsDownloadLoop reads back through one reused MAP_READ buffer, the
	// fastest plain-JS readback.
	jsDownloadLoop = jsAsync("device, src, staging, dst, n", `
		const size = dst.byteLength;
		for (let i = 0; i < n; i++) {
			const enc = device.createCommandEncoder();
			enc.copyBufferToBuffer(src, 0, staging, 0, size);
			device.queue.submit([enc.finish()]);
			await staging.mapAsync(GPUMapMode.READ, 0, size);
			dst.set(new Uint8Array(staging.getMappedRange(0, size)));
			staging.unmap();
		}
	`)
)

func awaitB(b *testing.B, p js.Value) {
	if _, err := promise.Await(context.Background(), p); err != nil {
		b.Fatal(err)
	}
}

// rounds is how many times each pair of sub-benchmarks runs, alternating;
// the ratio uses each side's best round, because on a shared machine other
// load only ever makes a round slower.
const rounds = 3

// timing keeps a sub-benchmark's ns/op from its last invocation (the one
// `go test` reports; earlier ones only calibrate b.N) and the best over
// rounds.
type timing struct{ last, best float64 }

func (t *timing) record(b *testing.B) float64 {
	t.last = float64(b.Elapsed()) / float64(b.N)
	return t.last
}

func (t *timing) fold() {
	if t.best == 0 || t.last < t.best {
		t.best = t.last
	}
}

type ratioRow struct {
	size         int
	mine, plain  timing
	allocsPerRun float64
}

func printRatios(title, mine, plain string, rows []ratioRow) {
	fmt.Printf("\n%s (same run, best of %d rounds each)\n%-8s %14s %14s %9s %12s\n", title, rounds, "size", mine+" MB/s", plain+" MB/s", "ratio", "allocs/call")
	for _, r := range rows {
		mbs := func(ns float64) float64 { return float64(r.size) / ns * 1e9 / 1e6 }
		fmt.Printf("%-8s %14.0f %14.0f %8.2fx %12.1f\n", human(r.size), mbs(r.mine.best), mbs(r.plain.best), r.plain.best/r.mine.best, r.allocsPerRun)
	}
	fmt.Println()
}

// BenchmarkUpload compares Upload from a SharedArrayBuffer view with a plain
// JavaScript queue.writeBuffer of the same bytes, and prints the throughput
// ratio (≥ 1 means gpuupload is as fast) and the allocations per Upload.
func BenchmarkUpload(b *testing.B) {
	d := device(b)
	var rows []ratioRow
	for _, size := range benchSizes {
		v := sabSource[float32](b, size/4)
		data, _ := v.Bytes()
		buf := newBuffer(b, d, size, gpuupload.CopyDst)
		row := ratioRow{size: size}
		flush := flushEvery(size)
		for range rounds {
			b.Run("js/"+human(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				awaitB(b, jsUploadLoop.Invoke(d.JS().Get("queue"), buf.JS(), data, b.N, flush))
				row.plain.record(b)
			})
			b.Run("gpuupload/"+human(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				for i := range b.N {
					if err := gpuupload.Upload(buf, 0, v); err != nil {
						b.Fatal(err)
					}
					if (i+1)%flush == 0 {
						d.Wait(context.Background())
					}
				}
				d.Wait(context.Background())
				b.ReportMetric(row.plain.last/row.mine.record(b), "x-js")
			})
			row.plain.fold()
			row.mine.fold()
		}
		row.allocsPerRun = testing.AllocsPerRun(20, func() { gpuupload.Upload(buf, 0, v) })
		d.Wait(context.Background())
		rows = append(rows, row)
	}
	printRatios("Upload vs plain JS writeBuffer", "gpuupload", "js", rows)
}

// BenchmarkUploadGo compares UploadGo (one copy, Go heap → GPU) with the
// two-copy route through a JavaScript staging array, and with Upload of a
// SharedArrayBuffer view of the same size.
func BenchmarkUploadGo(b *testing.B) {
	d := device(b)
	var rows, viewRows []ratioRow
	for _, size := range benchSizes {
		src := make([]float32, size/4)
		buf := newBuffer(b, d, size, gpuupload.CopyDst)
		stage := js.Global().Get("Uint8Array").New(size)
		stageBuf := stage.Get("buffer")
		q := d.JS().Get("queue")
		writeBuffer := q.Get("writeBuffer").Call("bind", q)
		v := sabSource[float32](b, size/4)
		row := ratioRow{size: size}
		viewRow := ratioRow{size: size}
		flush := flushEvery(size)
		run := func(b *testing.B, dst *timing, upload func()) float64 {
			b.SetBytes(int64(size))
			for i := range b.N {
				upload()
				if (i+1)%flush == 0 {
					d.Wait(context.Background())
				}
			}
			d.Wait(context.Background())
			return dst.record(b)
		}
		for range rounds {
			b.Run("two-copies/"+human(size), func(b *testing.B) {
				run(b, &row.plain, func() {
					js.CopyBytesToJS(stage, asBytes(src))
					writeBuffer.Invoke(buf.JS(), 0, stageBuf, 0, size)
				})
			})
			b.Run("view/"+human(size), func(b *testing.B) {
				run(b, &viewRow.plain, func() { gpuupload.Upload(buf, 0, v) })
			})
			b.Run("UploadGo/"+human(size), func(b *testing.B) {
				ns := run(b, &row.mine, func() {
					if err := gpuupload.UploadGo(buf, 0, src); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(row.plain.last/ns, "x-two-copies")
			})
			row.plain.fold()
			row.mine.fold()
			viewRow.plain.fold()
			viewRow.mine = row.mine
		}
		row.allocsPerRun = testing.AllocsPerRun(20, func() { gpuupload.UploadGo(buf, 0, src) })
		viewRow.allocsPerRun = row.allocsPerRun
		d.Wait(context.Background())
		rows, viewRows = append(rows, row), append(viewRows, viewRow)
	}
	printRatios(fmt.Sprintf("UploadGo (%d copy) vs CopyBytesToJS + writeBuffer (2 copies)", gpuupload.GoUploadCopies()), "UploadGo", "2-copy", rows)
	printRatios("UploadGo vs Upload from a SharedArrayBuffer view", "UploadGo", "view", viewRows)
}

// BenchmarkDownload compares Download into a SharedArrayBuffer view with a
// plain JavaScript readback through one reused MAP_READ buffer.
func BenchmarkDownload(b *testing.B) {
	d := device(b)
	var rows []ratioRow
	for _, size := range benchSizes {
		v := sabSource[float32](b, size/4)
		data, _ := v.Bytes()
		src := newBuffer(b, d, size, gpuupload.CopyDst|gpuupload.CopySrc)
		staging := d.JS().Call("createBuffer", map[string]any{"size": size, "usage": int(gpuupload.MapRead | gpuupload.CopyDst)})
		row := ratioRow{size: size}
		for range rounds {
			b.Run("js/"+human(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				awaitB(b, jsDownloadLoop.Invoke(d.JS(), src.JS(), staging, data, b.N))
				row.plain.record(b)
			})
			b.Run("gpuupload/"+human(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				ctx := context.Background()
				for range b.N {
					if err := gpuupload.Download(ctx, src, 0, v); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(row.plain.last/row.mine.record(b), "x-js")
			})
			row.plain.fold()
			row.mine.fold()
		}
		row.allocsPerRun = testing.AllocsPerRun(5, func() { gpuupload.Download(context.Background(), src, 0, v) })
		staging.Call("destroy")
		rows = append(rows, row)
	}
	printRatios("Download vs plain JS mapAsync readback", "gpuupload", "js", rows)
}

func asBytes(s []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), 4*len(s))
}
