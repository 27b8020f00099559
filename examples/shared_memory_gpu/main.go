//go:build js && wasm

// Command shared_memory_gpu is sabkit's demo: four parties, one heap.
//
// Python, in a Web Worker running Pyodide on a shared heap, simulates heat
// diffusion and writes every step straight into the back slot of a triple
// buffer that lives in its own heap. Go, on the UI thread, takes the latest
// complete frame through that buffer with Atomics — no copy, no
// postMessage — uploads it to WebGPU (one copy: into GPU memory),
// colourises it with a WGSL compute pass, reads the colours back (one copy)
// and draws them on a canvas. The
// pointer writes into an inputs array in the same heap, which Python reads on
// its next step. Where the engine has no WebGPU (WebKitGTK, Firefox ESR
// 140) the same palette is computed on the CPU, the page says so, and the
// GPU check is reported as not run.
//
// Build and serve it with `go run ./cmd/sabkit demo`; with --headless the
// page also verifies each path and reports to the command.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

//go:embed sim.py
var simPy string

//go:embed colorize.wgsl
var colorizeWGSL string

const (
	width, height = 160, 120
	cells         = width * height
	fieldBytes    = cells * 4
	frameBytes    = fieldBytes + 16 // see the layout in sim.py
)

func main() {
	p := newPage()
	verifyFrames, _ := strconv.Atoi(p.query("verify"))
	d := &demo{page: p, verifyFrames: verifyFrames}
	rep := d.run(context.Background())
	d.page.finish(rep)
	if verifyFrames == 0 && rep.Error == "" {
		select {} // keep serving pointer events
	}
}

// report is what the page hands to `sabkit demo --headless` (as JSON).
type report struct {
	OK     bool              `json:"ok"`
	Error  string            `json:"error,omitempty"`
	Checks []check           `json:"checks"`
	Times  map[string]string `json:"times"`
	Stats  map[string]any    `json:"stats"`
}

// check is one verified path. A check that could not run here (NotRun)
// says why in Detail; it is never reported as passed.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	NotRun bool   `json:"not_run,omitempty"`
	Detail string `json:"detail"`
}

type demo struct {
	page         *page
	verifyFrames int
	rep          report
}

func (d *demo) check(name string, ok bool, format string, args ...any) {
	d.rep.Checks = append(d.rep.Checks, check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	d.page.log(fmt.Sprintf("%s %s: %s", map[bool]string{true: "✓", false: "✗"}[ok], name, fmt.Sprintf(format, args...)))
}

func (d *demo) notRun(name, format string, args ...any) {
	detail := "not run: " + fmt.Sprintf(format, args...)
	d.rep.Checks = append(d.rep.Checks, check{Name: name, NotRun: true, Detail: detail})
	d.page.log(fmt.Sprintf("– %s: %s", name, detail))
}

func (d *demo) fail(err error) report {
	d.rep.Error = err.Error()
	d.rep.OK = false
	return d.rep
}

func (d *demo) run(ctx context.Context) report {
	d.rep = report{Times: map[string]string{}, Stats: map[string]any{}}
	start := time.Now()
	lap := func(name string) { d.rep.Times[name] = time.Since(start).Round(time.Millisecond).String() }

	if !sabview.Available() {
		return d.fail(fmt.Errorf("this page is not cross-origin isolated, so there is no SharedArrayBuffer: serve it with " +
			"`Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` (sabkit serve does)"))
	}

	d.page.log("booting Pyodide on a shared heap in a worker…")
	py, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: "pyodide/", ScriptURL: "sharedheap/worker.js"})
	if err != nil {
		return d.fail(err)
	}
	defer py.Close()
	lap("python ready")
	region, err := pyodidebridge.AllocFrames(context.Background(), py, "frames", frameBytes)
	if err != nil {
		return d.fail(err)
	}
	inputs, err := pyodidebridge.Alloc[float32](context.Background(), py, "inputs", 4)
	if err != nil {
		return d.fail(err)
	}
	if err := d.probeSharedHeap(ctx, py); err != nil {
		return d.fail(err)
	}
	if err := py.Run(ctx, simPy+"\nfrom js import performance\nclock = lambda: performance.timeOrigin + performance.now()\n"); err != nil {
		return d.fail(err)
	}

	d.page.log("opening WebGPU…")
	g, err := newGraphics(ctx, d.page.canvas)
	if err != nil {
		return d.fail(err)
	}
	defer g.close()
	d.page.colouredBy(g.noGPUWhy)
	if g.noGPU == "" {
		lap("gpu ready")
	}

	// Python runs until the UI sets the stop flag (inputs[3]): a fixed
	// count would end the simulation before a slow renderer (Firefox's
	// WebGPU on lavapipe, the CPU path) has shown enough frames to verify.
	const frames = 1 << 30
	simDone := make(chan error, 1)
	go func() {
		simDone <- py.Run(ctx, fmt.Sprintf("published = run(frames, inputs, %d, %d, %d, clock)", width, height, frames))
	}()
	d.page.onPointer(func(x, y, heat float32) {
		inputs.Set(0, x*width)
		inputs.Set(1, y*height)
		inputs.Set(2, heat)
	})

	loop, err := newFrameLoop(region, g, d.page)
	if err != nil {
		return d.fail(err)
	}
	if d.verifyFrames == 0 {
		d.page.log("running: drag on the picture to add heat")
		return d.fail(loop.forever(ctx, simDone))
	}
	return d.verify(ctx, loop, inputs, simDone, lap)
}

// probeSharedHeap shows that the UI thread and the worker see the same heap
// bytes: Go writes a fresh nonce into an array in Pyodide's heap, Python in
// the worker checks that it reads the same value there (the code it runs
// carries the nonce by message, for comparison) and writes its complement
// beside it, and Go reads that back through its view.
func (d *demo) probeSharedHeap(ctx context.Context, py *pyodidebridge.Bridge) error {
	probe, err := pyodidebridge.Alloc[uint32](ctx, py, "shared_probe", 2)
	if err != nil {
		return err
	}
	defer py.Free(ctx, probe)
	nonce := rand.Uint32()
	if err := probe.Set(0, nonce); err != nil {
		return err
	}
	ran := py.Run(ctx, fmt.Sprintf("assert shared_probe[0] == %d, f'the worker reads {shared_probe[0]:#010x} in the heap'\n"+
		"shared_probe[1] = shared_probe[0] ^ 0xFFFFFFFF", nonce))
	echo, err := probe.At(1)
	if err != nil {
		return err
	}
	ok := ran == nil && echo == ^nonce
	detail := fmt.Sprintf("Go wrote %#08x into Pyodide's heap on the UI thread; Python in the worker read it there and wrote back its complement %#08x, read here",
		nonce, echo)
	if !ok {
		detail = fmt.Sprintf("Go wrote %#08x into Pyodide's heap on the UI thread and read back %#08x, want its complement %#08x from Python in the worker (%v)",
			nonce, echo, ^nonce, errText(ran))
	}
	d.check("heap is shared", ok, "%s", detail)
	return nil
}
