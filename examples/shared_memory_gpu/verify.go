//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"math"
	"syscall/js"
	"time"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/sabview"
)

// verify runs the demo for a fixed number of frames and checks each path:
// frames arrive whole without copies, the pointer reaches Python through the
// heap, and the GPU computed what the CPU computes.
func (d *demo) verify(ctx context.Context, l *frameLoop, inputs *sabview.View[float32], simDone <-chan error, lap func(string)) report {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for i := 0; i < d.verifyFrames; i++ {
		if _, err := l.next(ctx, true); err != nil {
			return d.fail(err)
		}
		if i == 0 {
			lap("first frame")
		}
		if i%20 == 0 {
			d.page.update(l.stats())
		}
	}
	lap("frames verified")
	st := l.stats()
	shown := fmt.Sprintf("%v bytes uploaded to the GPU straight from the heap", st["bytes_heap_to_gpu"])
	if l.g.noGPU != "" {
		shown = fmt.Sprintf("%v bytes copied out of the heap to colour them on the CPU (no WebGPU)", st["bytes_heap_to_cpu"])
	}
	d.check("Python → UI thread in place", l.torn == 0 && l.shown == d.verifyFrames && l.checked == l.shown,
		"%d frames taken in place from the worker's heap through the triple buffer: %s; "+
			"%v bytes copied into Go to check %d CRCs (%d torn) and read the frame trailers",
		l.shown, shown, st["bytes_heap_to_go"], l.checked, l.torn)

	// The UI thread writes heat into inputs, in Python's heap; Python reads it
	// on its next step and the field warms up where the pointer is.
	const px, py = 10, 10
	before := l.lastField[py*width+px]
	inputs.Set(0, px)
	inputs.Set(1, py)
	inputs.Set(2, 40)
	warmed, after := false, before
	for i := 0; i < 120 && !warmed; i++ {
		if _, err := l.next(ctx, true); err != nil {
			return d.fail(err)
		}
		after = l.lastField[py*width+px]
		warmed = after > before+20
	}
	inputs.Set(2, 0)
	d.check("UI thread → Python without copies", warmed,
		"the UI wrote pointer heat into the inputs array in Python's heap; cell (%d,%d) went from %.2f to %.2f", px, py, before, after)

	if l.g.noGPU != "" {
		d.notRun("GPU result", "%s; the frames were coloured on the CPU", l.g.noGPU)
	} else if err := d.checkGPU(ctx, l); err != nil {
		return d.fail(err)
	}

	inputs.Set(3, 1) // ask Python to stop
	select {
	case err := <-simDone:
		d.check("simulation stopped through the heap", err == nil, "Python saw the stop flag the UI wrote (%v)", errText(err))
	case <-time.After(20 * time.Second):
		d.check("simulation stopped through the heap", false, "Python did not stop within 20s")
	}
	d.rep.Stats = l.stats()
	d.page.update(d.rep.Stats)
	d.rep.OK = true
	for _, c := range d.rep.Checks {
		d.rep.OK = d.rep.OK && (c.OK || c.NotRun)
	}
	return d.rep
}

// checkGPU compares the colours the GPU computed for the frame shown last
// with the palette computed here.
func (d *demo) checkGPU(ctx context.Context, l *frameLoop) error {
	if _, err := l.next(ctx, true); err != nil {
		return err
	}
	colors, err := sabview.FromBuffer[uint32](js.Global().Get("ArrayBuffer").New(fieldBytes), 0, cells)
	if err != nil {
		return err
	}
	if err := gpuupload.Download(ctx, l.g.colors, 0, colors); err != nil {
		return err
	}
	got, _ := colors.ToSlice()
	worst, hot := 0, 0
	for i, v := range l.lastField {
		want := palette(v)
		for c := 0; c < 4; c++ {
			worst = max(worst, absDiff(int(got[i]>>(8*c)&0xff), int(want[c])))
		}
		if v > 1 {
			hot++
		}
	}
	d.check("GPU result", worst <= 1 && hot > 0,
		"WGSL colourised %d cells (%d warm) as the CPU palette does, within 1/255 per channel (largest difference %d)", cells, hot, worst)
	return nil
}

// palette is colorize.wgsl's palette on the CPU, in float32 like the GPU.
func palette(v float32) [4]uint8 {
	clamp := func(x float32) float32 { return min(max(x, 0), 1) }
	t := clamp(v * 0.125)
	unorm := func(x float32) uint8 { return uint8(math.Floor(float64(clamp(x))*255 + 0.5)) }
	return [4]uint8{unorm(t * 2), unorm(t*2 - 0.6), unorm(0.25 + t*1.5 - t*t*1.5), 255}
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

func errText(err error) string {
	if err == nil {
		return "returned normally"
	}
	return fmt.Sprint(err)
}
