//go:build js && wasm

package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/sabview"
)

// graphics owns the GPU side: the field buffer frames are uploaded into and
// the colour buffer the compute pass writes. The colours are read back into
// an ImageData and drawn with putImageData: presenting a WebGPU canvas is not
// available in headless Chromium on SwiftShader (the device is lost), and
// ImageData refuses shared memory, so the read-back buffer is a private one.
//
// Where the engine has no WebGPU (WebKitGTK, Firefox ESR 140), noGPU says
// why and the same palette is computed on the CPU instead: the picture
// still shows, labelled so, and the GPU check is not run.
type graphics struct {
	dev           *gpuupload.Device
	field, colors *gpuupload.Buffer
	colorize      *gpuupload.Kernel
	pixels        *sabview.View[uint8] // over the ImageData's own bytes
	image, ctx2d  js.Value

	noGPU     string    // why the CPU colours the frames; "" on the GPU
	noGPUWhy  string    // the same, in a few words
	cpuField  []float32 // the CPU path's copy of the frame
	cpuPixels []uint8

	heapToGPU   int64 // bytes Upload sent to the GPU straight from a heap view
	heapToCPU   int64 // bytes the CPU path copied out of the heap
	gpuToCanvas int64 // bytes read back from the GPU into the ImageData
}

func withSize(wgsl string) string {
	return strings.NewReplacer("__WIDTH__", strconv.Itoa(width), "__HEIGHT__", strconv.Itoa(height)).Replace(wgsl)
}

func newGraphics(ctx context.Context, canvas js.Value) (g *graphics, err error) {
	g = &graphics{}
	if g.dev, err = gpuupload.Open(ctx, gpuupload.Options{}); errors.Is(err, gpuupload.ErrNoWebGPU) || errors.Is(err, gpuupload.ErrNoAdapter) {
		g.noGPU, g.noGPUWhy = err.Error(), "no GPU adapter"
		if errors.Is(err, gpuupload.ErrNoWebGPU) {
			g.noGPUWhy = "navigator.gpu is missing"
		}
		g.cpuField, g.cpuPixels = make([]float32, cells), make([]uint8, fieldBytes)
		return g, g.canvas(canvas)
	}
	if err != nil {
		return nil, err
	}
	if g.field, err = g.dev.NewBuffer(fieldBytes, gpuupload.Storage|gpuupload.CopyDst); err != nil {
		return nil, err
	}
	if g.colors, err = g.dev.NewBuffer(fieldBytes, gpuupload.Storage|gpuupload.CopySrc); err != nil {
		return nil, err
	}
	if g.colorize, err = g.dev.Kernel(ctx, withSize(colorizeWGSL), "main"); err != nil {
		return nil, err
	}
	return g, g.canvas(canvas)
}

// canvas sizes the canvas and makes the ImageData the colours land in.
func (g *graphics) canvas(canvas js.Value) (err error) {
	canvas.Set("width", width)
	canvas.Set("height", height)
	g.ctx2d = canvas.Call("getContext", "2d")
	data := js.Global().Get("Uint8ClampedArray").New(fieldBytes)
	g.image = js.Global().Get("ImageData").New(data, width, height) // aliases data
	g.pixels, err = sabview.FromBuffer[uint8](data, 0, fieldBytes)
	return err
}

// show uploads one frame (one copy: heap → GPU), colourises it on the GPU,
// reads the colours back (one copy: GPU → ImageData) and draws them.
// Without WebGPU it copies the frame out of the heap, colours it here and
// copies the colours into the ImageData.
func (g *graphics) show(ctx context.Context, field *sabview.View[float32]) error {
	if g.noGPU != "" {
		n, err := field.CopyTo(g.cpuField)
		if err != nil {
			return err
		}
		g.heapToCPU += int64(4 * n)
		for i, v := range g.cpuField {
			c := palette(v)
			copy(g.cpuPixels[4*i:4*i+4], c[:])
		}
		if _, err := g.pixels.CopyFrom(g.cpuPixels); err != nil {
			return err
		}
		g.ctx2d.Call("putImageData", g.image, 0, 0)
		return nil
	}
	if err := gpuupload.Upload(g.field, 0, field); err != nil {
		return err
	}
	g.heapToGPU += int64(field.ByteLength())
	if err := g.colorize.Dispatch(ctx, gpuupload.Groups(cells, 64), 1, 1, g.field, g.colors); err != nil {
		return err
	}
	if err := gpuupload.Download(ctx, g.colors, 0, g.pixels); err != nil {
		return err
	}
	g.gpuToCanvas += int64(g.pixels.ByteLength())
	g.ctx2d.Call("putImageData", g.image, 0, 0)
	return nil
}

func (g *graphics) close() {
	if g.dev != nil {
		g.dev.Close()
	}
}
