package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

const sample = `goos: js
BenchmarkPeers/call/peer=comlink         	   16000	     66000 ns/op	      65.00 p50-µs	     105.0 p99-µs
BenchmarkPeers/call/peer=sabkit-2        	    4000	    265000 ns/op	     265.1 p50-µs	     625.0 p99-µs
BenchmarkPeers/array/size=64MiB/peer=comlink-clone  	      12	  99299179 ns/op	 675.82 MB/s	     84585 p50-µs	     94800 p99-µs
BenchmarkPeers/array/size=64MiB/peer=sabkit-view    	     170	   7195824 ns/op	9326.08 MB/s	         0 p50-µs	        10.01 p99-µs	 4.883 clock-µs
BenchmarkPeers/frames/peer=sabkit        	       1	3016545024 ns/op	     13156 frames/s	         0 torn
BenchmarkPeers/frames/peer=sabkit        	       1	3016545024 ns/op	     12000 frames/s	         2 torn
BenchmarkPeers/call/peer=comlink
BenchmarkHandOff/size=1MiB/zero-copy     	   1000	     14000 ns/op
PASS
`

func TestParseLine(t *testing.T) {
	tests := []struct {
		line             string
		ok               bool
		part, size, peer string
		metric           string
		value            float64
	}{
		{"BenchmarkPeers/call/peer=comlink  100  66000 ns/op  65 p50-µs", true, "call", "", "comlink", "p50-µs", 65},
		{"BenchmarkPeers/call/peer=sabkit-4  100  1 ns/op", true, "call", "", "sabkit", "ns/op", 1},
		{"BenchmarkPeers/array/size=1MiB/peer=comlink-transfer  3  5 ns/op  2 MB/s", true, "array", "1MiB", "comlink-transfer", "MB/s", 2},
		{"BenchmarkPeers/call/peer=comlink", false, "", "", "", "", 0},                        // the name line before a result
		{"BenchmarkHandOff/size=1MiB/zero-copy  1000  14000 ns/op", false, "", "", "", "", 0}, // another benchmark
		{"BenchmarkPeers/call  100  1 ns/op", false, "", "", "", "", 0},                       // no peer
		{"BenchmarkPeers/call/peer=x  100  fast ns/op", false, "", "", "", "", 0},             // not a number
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			r, ok := parseLine(tt.line)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if r.part != tt.part || r.size != tt.size || r.peer != tt.peer || r.metrics[tt.metric] != tt.value {
				t.Fatalf("got %+v, want part %q size %q peer %q %s=%g", r, tt.part, tt.size, tt.peer, tt.metric, tt.value)
			}
		})
	}
}

func TestPanels(t *testing.T) {
	rs, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	ps := panels(rs)
	if len(ps) != 3 {
		t.Fatalf("%d panels, want call, array, frames", len(ps))
	}
	want := [][]string{
		{"comlink", "sabkit"},
		{"64MiB  comlink-clone", "64MiB  sabkit-view"},
		{"sabkit"}, // the repeated line replaced the first
	}
	for i, p := range ps {
		var labels []string
		for _, b := range p.bars {
			labels = append(labels, b.label)
		}
		if fmt.Sprint(labels) != fmt.Sprint(want[i]) {
			t.Errorf("panel %q rows %q, want %q", p.title, labels, want[i])
		}
	}
	// A time under the clock's step is drawn at the step and says so.
	view := ps[1].bars[1]
	if view.value != 4.883 || !strings.Contains(view.note, "< 4.88 µs") {
		t.Errorf("sub-clock bar: value %g note %q", view.value, view.note)
	}
	if f := ps[2].bars[0]; f.value != 12000 || f.note != "12000/s, 2 torn" {
		t.Errorf("frames bar %+v", f)
	}
	if lo, hi := ps[1].bounds(); lo != 1 || hi != 1e5 {
		t.Errorf("log axis %g..%g, want 1..1e5 µs", lo, hi)
	}
}

func TestWriteSVG(t *testing.T) {
	rs, _ := parse(strings.NewReader(sample))
	var b strings.Builder
	if err := writeSVG(&b, "title <&>", panels(rs)); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	for _, want := range []string{"<svg ", "title &lt;&amp;&gt;", "84.6 ms", "12000/s, 2 torn", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if n := strings.Count(svg, "<rect "); n != 1+5 {
		t.Errorf("%d rects, want the background and 5 bars", n)
	}
}

func Example() {
	rs, _ := parse(strings.NewReader("BenchmarkPeers/call/peer=comlink  16000  66000 ns/op  65 p50-µs  105 p99-µs\n"))
	writeSVG(os.Stdout, "", panels(rs)[:0]) // an empty chart
	fmt.Println(panels(rs)[0].bars[0].note)
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" width="860" height="40" viewBox="0 0 860 40" font-family="sans-serif" font-size="12">
	// <rect width="100%" height="100%" fill="white"/>
	// <text x="10" y="24" font-size="15" font-weight="bold"></text>
	// </svg>
	// 65 µs
}
