//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/sabview"
)

// frameLoop takes frames from the triple buffer in Python's heap and shows
// them. Taking a frame copies nothing: the reader owns the slot it took
// until its next take, so it is uploaded to the GPU straight from the heap.
// What is copied into Go (each frame's 16-byte trailer, and the field of
// frames whose CRC is checked) is counted where it is copied.
type frameLoop struct {
	reader *atomicsx.FrameReader
	g      *graphics
	page   *page

	shown, torn, checked int
	heapToGo             int64     // bytes copied from the heap into Go: frame trailers and CRC-checked fields
	latencies            []float64 // ms, publish (worker) → shown (here)
	lastField            []float32 // copy of the last CRC-checked frame, for the GPU check
	scratch              []byte
	start                time.Time
	clock                js.Value
}

func newFrameLoop(region *sabview.View[int32], g *graphics, p *page) (*frameLoop, error) {
	r, err := atomicsx.NewFrameReader(region)
	if err != nil {
		return nil, err
	}
	if r.MaxFrameBytes() < frameBytes {
		return nil, fmt.Errorf("frame slots hold %d bytes, need %d", r.MaxFrameBytes(), frameBytes)
	}
	return &frameLoop{reader: r, g: g, page: p, scratch: make([]byte, fieldBytes),
		lastField: make([]float32, cells), start: time.Now(), clock: js.Global().Get("performance")}, nil
}

func (l *frameLoop) now() float64 {
	return l.clock.Get("timeOrigin").Float() + l.clock.Call("now").Float()
}

// next waits for a new frame and shows it. With verify it also copies the
// field into Go to check the CRC Python wrote: that copy exists only to
// prove nothing tore, the display path does without it.
func (l *frameLoop) next(ctx context.Context, verify bool) (step uint32, err error) {
	if _, err := l.reader.Next(ctx, nil); err != nil {
		return 0, err
	}
	front, f, err := l.reader.Front()
	if err != nil {
		return 0, err
	}
	if f.Len != frameBytes {
		return 0, fmt.Errorf("frame %d has %d bytes, want %d", f.Number, f.Len, frameBytes)
	}
	tail, err := front.Sub(fieldBytes, frameBytes)
	if err != nil {
		return 0, err
	}
	words, err := sabview.Cast[uint32](tail)
	if err != nil {
		return 0, err
	}
	trailer, err := words.ToSlice() // crc, step, published-at (float64 as two words)
	if err != nil {
		return 0, err
	}
	l.heapToGo += int64(tail.ByteLength())
	fieldBytesView, err := front.Sub(0, fieldBytes)
	if err != nil {
		return 0, err
	}
	if verify {
		n, err := fieldBytesView.CopyTo(l.scratch)
		if err != nil {
			return 0, err
		}
		l.heapToGo += int64(n)
		l.checked++
		if crc32.ChecksumIEEE(l.scratch) != trailer[0] {
			l.torn++
		} else {
			for i := range l.lastField {
				l.lastField[i] = math.Float32frombits(uint32(l.scratch[4*i]) | uint32(l.scratch[4*i+1])<<8 |
					uint32(l.scratch[4*i+2])<<16 | uint32(l.scratch[4*i+3])<<24)
			}
		}
	}
	field, err := sabview.Cast[float32](fieldBytesView)
	if err != nil {
		return 0, err
	}
	if err := l.g.show(ctx, field); err != nil {
		return 0, err
	}
	published := math.Float64frombits(uint64(trailer[2]) | uint64(trailer[3])<<32)
	l.latencies = append(l.latencies, l.now()-published)
	l.shown++
	return trailer[1], nil
}

func (l *frameLoop) stats() map[string]any {
	_, taken, dropped, _ := l.reader.Stats()
	elapsed := time.Since(l.start).Seconds()
	lat := slices.Clone(l.latencies)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	return map[string]any{
		"frames_shown":        l.shown,
		"frames_taken":        taken,
		"frames_dropped":      dropped,
		"frames_crc_checked":  l.checked,
		"frames_torn":         l.torn,
		"fps":                 math.Round(float64(l.shown)/elapsed*10) / 10,
		"bytes_heap_to_gpu":   l.g.heapToGPU,
		"bytes_heap_to_cpu":   l.g.heapToCPU,
		"bytes_heap_to_go":    l.heapToGo,
		"bytes_gpu_to_canvas": l.g.gpuToCanvas,
		"latency_p50_ms":      math.Round(pct(0.5)*100) / 100,
		"latency_p99_ms":      math.Round(pct(0.99)*100) / 100,
	}
}

// forever shows frames until the simulation ends or fails.
func (l *frameLoop) forever(ctx context.Context, simDone <-chan error) error {
	lastUI := time.Now()
	for n := 0; ; n++ {
		select {
		case err := <-simDone:
			if err == nil {
				err = fmt.Errorf("the simulation ended")
			}
			return err
		default:
		}
		if _, err := l.next(ctx, n%30 == 0); err != nil {
			return err
		}
		if time.Since(lastUI) > 250*time.Millisecond {
			l.page.update(l.stats())
			lastUI = time.Now()
		}
	}
}
