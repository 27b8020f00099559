//go:build js && wasm

package main

import (
	"context"
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
type graphics struct {
	dev           *gpuupload.Device
	field, colors *gpuupload.Buffer
	colorize      *gpuupload.Kernel
	pixels        *sabview.View[uint8] // over the ImageData's own bytes
	image, ctx2d  js.Value

	heapToGPU   int64 // bytes Upload sent to the GPU straight from a heap view
	gpuToCanvas int64 // bytes read back from the GPU into the ImageData
}

func withSize(wgsl string) string {
	return strings.NewReplacer("__WIDTH__", strconv.Itoa(width), "__HEIGHT__", strconv.Itoa(height)).Replace(wgsl)
}

func newGraphics(ctx context.Context, canvas js.Value) (g *graphics, err error) {
	g = &graphics{}
	if g.dev, err = gpuupload.Open(ctx); err != nil {
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
	canvas.Set("width", width)
	canvas.Set("height", height)
	g.ctx2d = canvas.Call("getContext", "2d")
	data := js.Global().Get("Uint8ClampedArray").New(fieldBytes)
	g.image = js.Global().Get("ImageData").New(data, width, height) // aliases data
	if g.pixels, err = sabview.FromBuffer[uint8](data, 0, fieldBytes); err != nil {
		return nil, err
	}
	return g, nil
}

// show uploads one frame (one copy: heap → GPU), colourises it on the GPU,
// reads the colours back (one copy: GPU → ImageData) and draws them.
func (g *graphics) show(ctx context.Context, field *sabview.View[float32]) error {
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

func (g *graphics) close() { g.dev.Close() }
