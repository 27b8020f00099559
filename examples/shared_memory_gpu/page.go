//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"syscall/js"
)

// page is the DOM side: the canvas, the panel and the report the headless
// run reads.
type page struct {
	doc, canvas, status js.Value
	funcs               []js.Func
	caption             string // who colours the picture
}

func newPage() *page {
	doc := js.Global().Get("document")
	return &page{doc: doc, canvas: doc.Call("getElementById", "view"), status: doc.Call("getElementById", "status")}
}

func (p *page) set(id string, text string) {
	if el := p.doc.Call("getElementById", id); !el.IsNull() {
		el.Set("textContent", text)
	}
}

func (p *page) log(msg string) {
	p.status.Set("textContent", p.status.Get("textContent").String()+"\n"+msg)
	js.Global().Get("console").Call("log", "demo: "+msg)
}

func (p *page) update(st map[string]any) {
	p.set("fps", fmt.Sprint(st["fps"]))
	p.set("frames", fmt.Sprint(st["frames_shown"]))
	p.set("uploaded", humanBytes(st["bytes_heap_to_gpu"].(int64)))
	p.set("copied", humanBytes(st["bytes_heap_to_go"].(int64)))
	p.set("torn", fmt.Sprintf("%v of %v checked", st["frames_torn"], st["frames_crc_checked"]))
	p.set("dropped", fmt.Sprint(st["frames_dropped"]))
	p.set("latency", fmt.Sprintf("%v ms (p99 %v ms)", st["latency_p50_ms"], st["latency_p99_ms"]))
}

// onPointer calls fn with the pointer position as a fraction of the canvas
// and the heat to add (0 when the button is up).
func (p *page) onPointer(fn func(x, y, heat float32)) {
	down := false
	handler := func(heat bool) js.Func {
		f := js.FuncOf(func(this js.Value, args []js.Value) any {
			ev := args[0]
			if ev.Get("type").String() == "pointerdown" {
				down = true
			}
			if ev.Get("type").String() == "pointerup" || ev.Get("type").String() == "pointerleave" {
				down = false
			}
			r := p.canvas.Call("getBoundingClientRect")
			x := float32((ev.Get("clientX").Float() - r.Get("left").Float()) / r.Get("width").Float())
			y := float32((ev.Get("clientY").Float() - r.Get("top").Float()) / r.Get("height").Float())
			h := float32(0)
			if down && heat {
				h = 6
			}
			fn(x, y, h)
			return nil
		})
		p.funcs = append(p.funcs, f)
		return f
	}
	for _, name := range []string{"pointerdown", "pointermove"} {
		p.canvas.Call("addEventListener", name, handler(true))
	}
	for _, name := range []string{"pointerup", "pointerleave"} {
		p.canvas.Call("addEventListener", name, handler(false))
	}
}

// colouredBy labels the picture with who colours it: the GPU, or the CPU
// and why (noGPU, in a few words).
func (p *page) colouredBy(noGPU string) {
	p.caption = "coloured on the GPU (WebGPU compute pass)"
	if noGPU != "" {
		p.caption = "coloured on the CPU: no WebGPU here (" + noGPU + ")"
		p.doc.Call("getElementById", "renderer").Get("classList").Call("add", "cpu")
	}
	p.set("renderer", p.caption)
}

// finish publishes the report on globalThis.sabkitDemo for `sabkit demo
// --headless` and shows the outcome. With ?post=PATH it also POSTs the
// report and a PNG of the canvas to PATH, for engines the command reads
// without a driver protocol.
func (p *page) finish(r report) {
	data, _ := json.Marshal(r)
	js.Global().Set("sabkitDemo", map[string]any{"done": true, "ok": r.OK, "report": js.Global().Get("JSON").Call("parse", string(data))})
	if r.Error != "" {
		p.log("error: " + r.Error)
	} else if len(r.Checks) > 0 {
		p.log(fmt.Sprintf("verification finished: ok=%v", r.OK))
	}
	if path := p.query("post"); path != "" {
		body, _ := json.Marshal(map[string]any{"report": json.RawMessage(data), "png": p.snapshot(r)})
		js.Global().Call("fetch", path, map[string]any{"method": "POST", "body": string(body)})
	}
}

func (p *page) query(key string) string {
	q, err := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	if err != nil {
		return ""
	}
	return q.Get(key)
}

// snapshot draws the canvas at its on-page size with a caption (who
// coloured it, and the verdict) and returns it as a PNG data URL.
func (p *page) snapshot(r report) string {
	const w, h, band = 640, 480, 64
	c := p.doc.Call("createElement", "canvas")
	c.Set("width", w)
	c.Set("height", h+band)
	g := c.Call("getContext", "2d")
	g.Set("fillStyle", "#111418")
	g.Call("fillRect", 0, 0, w, h+band)
	g.Call("drawImage", p.canvas, 0, 0, w, h)
	g.Set("fillStyle", "#e6e6e6")
	g.Set("font", "14px sans-serif")
	verdict := "verification failed: " + r.Error
	if r.Error == "" {
		passed, notRun := 0, 0
		for _, c := range r.Checks {
			if c.NotRun {
				notRun++
			} else if c.OK {
				passed++
			}
		}
		verdict = fmt.Sprintf("%d of %d checks passed, %d not run (ok=%v)", passed, len(r.Checks), notRun, r.OK)
	}
	g.Call("fillText", p.caption, 10, h+24, w-20)
	g.Call("fillText", verdict, 10, h+48, w-20)
	return c.Call("toDataURL", "image/png").String()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
