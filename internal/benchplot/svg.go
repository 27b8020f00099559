package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// bar is one row of a panel.
type bar struct {
	label string
	peer  string  // colours the bar
	value float64 // bar length
	tick  float64 // a second mark (p99); 0 for none
	note  string  // printed after the bar
}

// panel is one horizontal bar chart.
type panel struct {
	title string
	unit  string
	log   bool
	bars  []bar
}

// panels groups the results into the benchmark's three parts, in the order
// they were run.
func panels(rs []result) []panel {
	call := panel{title: "(a) no-op Python call, round trip: p50 bar, p99 tick", unit: "µs", log: true}
	array := panel{title: "(b) obtain a float32 array Python filled: p50 bar, p99 tick", unit: "µs", log: true}
	frames := panel{title: "(c) 640×480 float32 frames, Python → UI thread", unit: "frames/s"}
	clock := 0.0 // the page clock's step, µs: times below it are drawn at it
	for _, r := range rs {
		clock = math.Max(clock, r.metrics["clock-µs"])
	}
	for _, r := range rs {
		switch r.part {
		case "call":
			call.bars = append(call.bars, latencyBar(r, r.peer, clock))
		case "array":
			array.bars = append(array.bars, latencyBar(r, r.size+"  "+r.peer, clock))
		case "frames":
			b := bar{label: r.peer, peer: r.peer, value: r.metrics["frames/s"]}
			b.note = fmt.Sprintf("%.0f/s, %.0f torn", b.value, r.metrics["torn"])
			frames.bars = append(frames.bars, b)
		}
	}
	var out []panel
	for _, p := range []panel{call, array, frames} {
		if len(p.bars) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func latencyBar(r result, label string, clock float64) bar {
	b := bar{label: label, peer: r.peer, value: r.metrics["p50-µs"], tick: r.metrics["p99-µs"]}
	b.note = formatMicros(b.value)
	if b.value < clock {
		b.value, b.note = clock, "< "+formatMicros(clock)+" (clock)"
	}
	if b.tick < clock {
		b.tick = 0
	}
	return b
}

func formatMicros(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%.3g s", us/1e6)
	case us >= 1e3:
		return fmt.Sprintf("%.3g ms", us/1e3)
	}
	return fmt.Sprintf("%.3g µs", us)
}

// colour gives every peer family one colour.
func colour(peer string) string {
	switch {
	case strings.HasPrefix(peer, "sabkit"):
		return "#2a9d4b"
	case strings.HasPrefix(peer, "comlink"):
		return "#3b6fd6"
	case strings.HasPrefix(peer, "coincident"):
		return "#e07b1a"
	}
	return "#888888"
}

const (
	width    = 860
	labelW   = 190
	noteW    = 130
	rowH     = 20
	titleH   = 34
	axisH    = 26
	panelGap = 18
)

// writeSVG draws the panels one under the other.
func writeSVG(w io.Writer, title string, ps []panel) error {
	var b strings.Builder
	height := 40
	for _, p := range ps {
		height += titleH + len(p.bars)*rowH + axisH + panelGap
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
	y := 40
	for _, p := range ps {
		y = drawPanel(&b, p, y) + panelGap
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func drawPanel(b *strings.Builder, p panel, y int) int {
	fmt.Fprintf(b, `<text x="10" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", y+20, html.EscapeString(p.title))
	y += titleH
	x0, x1 := float64(labelW), float64(width-noteW)
	lo, hi := p.bounds()
	pos := func(v float64) float64 {
		if p.log {
			return x0 + (x1-x0)*(math.Log10(v)-math.Log10(lo))/(math.Log10(hi)-math.Log10(lo))
		}
		return x0 + (x1-x0)*v/hi
	}
	for i, r := range p.bars {
		ry := y + i*rowH
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelW-6, ry+14, html.EscapeString(r.label))
		if r.value > 0 {
			fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, ry+3, math.Max(1, pos(r.value)-x0), rowH-6, colour(r.peer))
		}
		if r.tick > 0 {
			tx := pos(r.tick)
			fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black" stroke-width="1.5"/>`+"\n", tx, tx, ry+2, ry+rowH-2)
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d">%s</text>`+"\n", x1+8, ry+14, html.EscapeString(r.note))
	}
	y += len(p.bars) * rowH
	fmt.Fprintf(b, `<line x1="%.0f" x2="%.0f" y1="%d" y2="%d" stroke="#444"/>`+"\n", x0, x1, y+2, y+2)
	for _, t := range p.ticks(lo, hi) {
		tx := pos(t)
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#444"/>`+"\n", tx, tx, y+2, y+6)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10">%s</text>`+"\n", tx, y+17, axisLabel(t, p.unit))
	}
	return y + axisH
}

// bounds is the axis range: decades around the data on a log axis, zero
// to a round maximum on a linear one.
func (p panel) bounds() (lo, hi float64) {
	lo, hi = math.Inf(1), 0
	for _, r := range p.bars {
		for _, v := range []float64{r.value, r.tick} {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		return 1, 10
	}
	if p.log {
		lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
		if lo == hi {
			hi *= 10
		}
		return lo, hi
	}
	step := math.Pow(10, math.Floor(math.Log10(hi)))
	return 0, math.Ceil(hi/step) * step
}

func (p panel) ticks(lo, hi float64) []float64 {
	var ts []float64
	if p.log {
		for t := lo; t <= hi*1.0001; t *= 10 {
			ts = append(ts, t)
		}
		return ts
	}
	step := math.Pow(10, math.Floor(math.Log10(hi)))
	if hi/step < 4 {
		step /= 2
	}
	for t := 0.0; t <= hi*1.0001; t += step {
		ts = append(ts, t)
	}
	return ts
}

func axisLabel(v float64, unit string) string {
	if unit == "µs" {
		return formatMicros(v)
	}
	return fmt.Sprintf("%g", v)
}
