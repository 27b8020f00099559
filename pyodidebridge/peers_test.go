//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvPeersURL is where the harness serves testdata/peers (comlink,
// coincident, their workers and peers.py).
const EnvPeersURL = "SABKIT_PEERS_URL"

// EnvJSURL is where the harness serves sabkit.mjs and the files it loads,
// as sabkit serve does under /sabkit/.
const EnvJSURL = "SABKIT_JS_URL"

const peersInstallHint = "run: npm ci --prefix testdata/peers"

// The peer benchmark's workload. -short (CI's smoke run) keeps every part
// but shrinks it.
const (
	frameWidth, frameHeight = 640, 480
	frameBytes              = 4 * frameWidth * frameHeight
)

func peerArraySizes() []int { // MiB
	if testing.Short() {
		return []int{1}
	}
	return []int{1, 16, 64}
}

func peerFrameSeconds() float64 {
	if testing.Short() {
		return 0.2
	}
	return 3
}

// sabkitNoop is sabkit's side of the no-op round trip: Call by name, as an
// app writes it, with a context of its own that has a deadline.
func sabkitNoop(ctx context.Context, b *pyodidebridge.Bridge) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := b.Call(ctx, "noop")
	return err
}

// peer is comlink's or coincident's page-side driver from peers.js.
type peer struct {
	name string
	api  js.Value
}

// peerMode is one way a peer hands data over: comlink clones or, with
// Comlink.transfer, transfers; coincident has one way (its proxy's reply
// for arrays, a transferring synchronous call for frames).
type peerMode struct {
	name     string
	transfer bool
}

func (p peer) modes() []peerMode {
	if p.name == "comlink" {
		return []peerMode{{"comlink-clone", false}, {"comlink-transfer", true}}
	}
	return []peerMode{{p.name, false}}
}

// BenchmarkPeers drives the same Python functions (testdata/peers/peers.py)
// in a Pyodide worker through comlink 4.4.2, coincident 4.1.1 and sabkit
// (LoadWorker), in one page and run, and prints one table with ratios:
//
//   - call: round trip of a no-op Python call from this thread;
//   - array: this thread obtains a float32 array Python has filled in the
//     worker (comlink: structured clone, or Comlink.transfer; coincident: its
//     proxy's reply; sabkit: a view of the Alloc'd array, no message). Python
//     fills it before each timed hand-off, untimed; every hand-off is checked;
//   - frames: 640 by 480 float32 frames from Python to this thread for a fixed
//     time (comlink: pulled one by one; coincident: pushed by its synchronous
//     worker-to-page call; sabkit: AllocFrames, read in place), each checked
//     for tearing.
//
// comlink, coincident and sabkit-js (sabkit.mjs, the same worker for a page
// without Go) are timed in JavaScript on this thread (peers.js), as their
// users would call them; sabkit from Go.
func BenchmarkPeers(b *testing.B) {
	if !jsinterop.InBrowser() || !jsinterop.CrossOriginIsolated() {
		b.Skip("the peer benchmark needs a cross-origin-isolated browser page (coincident and LoadWorker need SharedArrayBuffer)")
	}
	base := os.Getenv(EnvPeersURL)
	if base == "" {
		b.Fatalf("%s is not set; run the benchmark with `go test ./pyodidebridge -run Browser -bench Peers` on the host", EnvPeersURL)
	}
	pyURL, err := pyodideURL()
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	mod, err := promise.Await(ctx, jsinterop.Import(base+"peers.js"))
	if err != nil {
		b.Fatalf("import %speers.js (%s if node_modules is missing): %v", base, peersInstallHint, err)
	}
	source, err := fetchText(ctx, base+"peers.py")
	if err != nil {
		b.Fatal(err)
	}
	wb := workerBridge(b)
	run(b, wb, source)
	var peers []peer
	for _, p := range []struct{ name, start string }{{"comlink", "startComlink"}, {"coincident", "startCoincident"}, {"sabkit-js", "startSabkit"}} {
		api, err := promise.Await(ctx, mod.Call(p.start, pyURL, 180_000, os.Getenv(EnvJSURL)))
		if err != nil {
			b.Fatalf("%s: %v (%s if node_modules is missing)", p.start, err, peersInstallHint)
		}
		defer api.Call("close")
		peers = append(peers, peer{p.name, api})
	}

	tab := &peerTable{clock: clockMicros()}
	benchCalls(ctx, b, wb, peers, tab)
	for _, mib := range peerArraySizes() {
		benchArrays(ctx, b, wb, mod, peers, mib, tab)
	}
	benchFrames(ctx, b, wb, mod, peers, tab)
	tab.print(wb)
}

func benchCalls(ctx context.Context, b *testing.B, wb *pyodidebridge.Bridge, peers []peer, tab *peerTable) {
	for _, p := range peers {
		b.Run("call/peer="+p.name, func(b *testing.B) {
			us := awaitB(ctx, b, p.api.Call("noop", b.N))
			tab.call(p.name, reportPercentiles(b, floats(us)))
		})
	}
	b.Run("call/peer=sabkit", func(b *testing.B) {
		now := wallMillis()
		us := make([]float64, 0, b.N)
		for range b.N {
			t := now()
			if err := sabkitNoop(ctx, wb); err != nil {
				b.Fatal(err)
			}
			us = append(us, 1000*(now()-t))
		}
		tab.call("sabkit", reportPercentiles(b, us))
	})
}

func benchArrays(ctx context.Context, b *testing.B, wb *pyodidebridge.Bridge, mod js.Value, peers []peer, mib int, tab *peerTable) {
	nbytes := mib << 20
	size := fmt.Sprintf("array/size=%dMiB/peer=", mib)
	for _, p := range peers {
		for _, m := range p.modes() {
			b.Run(size+m.name, func(b *testing.B) {
				r := awaitB(ctx, b, p.api.Call("obtain", b.N, nbytes, m.transfer))
				if bad := r.Get("bad").Int(); bad > 0 {
					b.Fatalf("%s: %d of %d arrays did not hold what Python wrote", m.name, bad, b.N)
				}
				tab.array(mib, m.name, reportPercentiles(b, floats(r.Get("us"))))
			})
		}
	}

	n := nbytes / 4
	v, err := pyodidebridge.Alloc[float32](ctx, wb, "peer_arr", n)
	if err != nil {
		b.Fatal(err)
	}
	defer wb.Free(ctx, v)
	check := mod.Get("checkArray")
	// obtain times one hand-off per iteration after Python filled the array.
	obtain := func(b *testing.B, row string, take func() (js.Value, func(), error)) {
		now := wallMillis()
		us := make([]float64, 0, b.N)
		for i := range b.N {
			seed := 1 + (i%1000)*3
			if err := wb.Run(ctx, fmt.Sprintf("fill(peer_arr, %d)", seed)); err != nil {
				b.Fatal(err)
			}
			t := now()
			arr, done, err := take()
			us = append(us, 1000*(now()-t))
			if err != nil {
				b.Fatal(err)
			}
			if !check.Invoke(arr, n, seed).Bool() {
				b.Fatalf("%s: the view does not hold what Python wrote (seed %d)", row, seed)
			}
			done()
		}
		tab.array(mib, row, reportPercentiles(b, us))
	}
	b.Run(size+"sabkit-view", func(b *testing.B) {
		obtain(b, "sabkit-view", func() (js.Value, func(), error) {
			arr, err := v.Array()
			return arr, func() {}, err
		})
		b.ReportMetric(tab.clock, "clock-µs")
	})
	b.Run(size+"sabkit-View-lookup", func(b *testing.B) {
		obtain(b, "sabkit-View-lookup", func() (js.Value, func(), error) {
			w, err := pyodidebridge.ViewOf[float32](ctx, wb, "peer_arr")
			if err != nil {
				return js.Undefined(), nil, err
			}
			arr, err := w.Array()
			return arr, func() { wb.Free(ctx, w) }, err
		})
	})
}

func benchFrames(ctx context.Context, b *testing.B, wb *pyodidebridge.Bridge, mod js.Value, peers []peer, tab *peerTable) {
	secs := peerFrameSeconds()
	for _, p := range peers {
		for _, m := range p.modes() {
			b.Run("frames/peer="+m.name, func(b *testing.B) {
				var frames, torn int
				var seconds float64
				for range b.N {
					r := awaitB(ctx, b, p.api.Call("frames", frameBytes, 1000*secs, m.transfer))
					frames += r.Get("frames").Int()
					torn += r.Get("torn").Int()
					seconds += r.Get("seconds").Float()
				}
				tab.frames(m.name, reportFrames(b, frames, torn, seconds))
			})
		}
	}
	b.Run("frames/peer=sabkit", func(b *testing.B) {
		check := mod.Get("checkFrame")
		var frames, torn, dropped int
		var seconds float64
		for i := range b.N {
			name := fmt.Sprintf("peer_frames_%d", i)
			region, err := pyodidebridge.AllocFrames(ctx, wb, name, frameBytes)
			if err != nil {
				b.Fatal(err)
			}
			reader, err := atomicsx.NewFrameReader(region)
			if err != nil {
				b.Fatal(err)
			}
			readCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			now := wallMillis()
			t := now()
			go func() {
				done <- wb.Run(ctx, fmt.Sprintf("stream(%s, %d, %g)", name, frameBytes, secs))
				stop()
			}()
			for {
				f, err := reader.Next(readCtx, nil)
				if err != nil && readCtx.Err() != nil {
					break // the stream ended
				}
				if err != nil {
					b.Fatal(err)
				}
				front, _, err := reader.Front()
				if err != nil {
					b.Fatal(err)
				}
				u8, err := front.Array()
				if err != nil {
					b.Fatal(err)
				}
				frames++
				dropped += int(f.Dropped)
				if !check.Invoke(u8, f.Len, f.Number).Bool() {
					torn++
				}
			}
			seconds += (now() - t) / 1000
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			wb.Free(ctx, region)
			run(b, wb, "del "+name)
		}
		// The writer never waits: frames it published while this thread
		// was busy were replaced by newer ones before they were taken.
		b.ReportMetric(float64(dropped)/seconds, "replaced/s")
		tab.frames("sabkit", reportFrames(b, frames, torn, seconds))
	})
}

// awaitB awaits a peers.js promise and fails the benchmark on rejection.
func awaitB(ctx context.Context, b *testing.B, p js.Value) js.Value {
	b.Helper()
	v, err := promise.Await(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func floats(a js.Value) []float64 {
	out := make([]float64, a.Length())
	for i := range out {
		out[i] = a.Index(i).Float()
	}
	return out
}

func fetchText(ctx context.Context, url string) (string, error) {
	resp, err := promise.Await(ctx, js.Global().Call("fetch", url))
	if err != nil {
		return "", fmt.Errorf("fetch %s: %w", url, err)
	}
	if !resp.Get("ok").Bool() {
		return "", fmt.Errorf("fetch %s: HTTP %d", url, resp.Get("status").Int())
	}
	text, err := promise.Await(ctx, resp.Call("text"))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", url, err)
	}
	return text.String(), nil
}

type latency struct{ p50, p99, mean float64 } // µs

// clockMicros is the resolution of performance.now on this page (coarsened
// in cross-origin-isolated pages): the smallest step it takes, in µs. A
// hand-off shorter than that measures 0 or one step.
func clockMicros() float64 {
	now := wallMillis()
	step := math.Inf(1)
	for range 20 {
		t0 := now()
		t := t0
		for t == t0 {
			t = now()
		}
		step = math.Min(step, 1000*(t-t0))
	}
	return step
}

// reportPercentiles reports the timed steps' p50 and p99, and their mean
// as ns/op in place of the whole loop's, which includes untimed work.
func reportPercentiles(b *testing.B, us []float64) latency {
	p50, p99 := percentiles(us)
	var sum float64
	for _, u := range us {
		sum += u
	}
	b.ReportMetric(1000*sum/float64(len(us)), "ns/op")
	b.ReportMetric(p50, "p50-µs")
	b.ReportMetric(p99, "p99-µs")
	return latency{p50, p99, sum / float64(len(us))}
}

type frameRate struct {
	perSecond float64
	torn      int
}

func reportFrames(b *testing.B, frames, torn int, seconds float64) frameRate {
	if frames == 0 {
		b.Fatalf("no frame reached this thread in %.1f s", seconds)
	}
	r := frameRate{float64(frames) / seconds, torn}
	b.ReportMetric(1e9/r.perSecond, "ns/op") // per frame taken
	b.ReportMetric(r.perSecond, "frames/s")
	b.ReportMetric(float64(torn), "torn")
	return r
}

// peerTable collects the last run of every row for the summary.
type peerTable struct {
	clock     float64 // µs, see clockMicros
	callRows  []string
	calls     map[string]latency
	sizes     []int
	arrayRows []string
	arrays    map[string]map[int]latency
	frameRows []string
	rates     map[string]frameRate
}

func addRow(rows []string, name string) []string {
	for _, r := range rows {
		if r == name {
			return rows
		}
	}
	return append(rows, name)
}

func (t *peerTable) call(name string, l latency) {
	if t.calls == nil {
		t.calls = map[string]latency{}
	}
	t.callRows, t.calls[name] = addRow(t.callRows, name), l
}

func (t *peerTable) array(mib int, name string, l latency) {
	if t.arrays == nil {
		t.arrays = map[string]map[int]latency{}
	}
	if t.arrays[name] == nil {
		t.arrays[name] = map[int]latency{}
	}
	if len(t.sizes) == 0 || t.sizes[len(t.sizes)-1] != mib {
		t.sizes = append(t.sizes, mib)
	}
	t.arrayRows, t.arrays[name][mib] = addRow(t.arrayRows, name), l
}

func (t *peerTable) frames(name string, r frameRate) {
	if t.rates == nil {
		t.rates = map[string]frameRate{}
	}
	t.frameRows, t.rates[name] = addRow(t.frameRows, name), r
}

// print writes the table; ratios are each peer's figure over sabkit's, so
// above 1 means sabkit took less time.
func (t *peerTable) print(wb *pyodidebridge.Bridge) {
	fmt.Printf("\nPeers: the same Python functions in a Pyodide worker, driven from this thread (%s; Pyodide %s)\n",
		jsenv.Describe(), wb.Version())
	ratio := func(x, y float64) string {
		switch r := x / y; {
		case y <= 0 || x <= 0:
			return "-"
		case r >= 100:
			return fmt.Sprintf("%.0fx", r)
		default:
			return fmt.Sprintf("%.3gx", r)
		}
	}
	// Below the clock's step a time is only known to be under it, and a
	// ratio over it only known to be above.
	micros := func(us float64) string {
		if us < t.clock {
			return fmt.Sprintf("<%.1f", t.clock)
		}
		return fmt.Sprintf("%.1f", us)
	}
	over := func(x, y float64) string {
		switch {
		case y < t.clock && x < t.clock:
			return "~1x"
		case y < t.clock:
			return ">" + ratio(x, t.clock)
		}
		return ratio(x, y)
	}
	fmt.Printf("\n(a) no-op Python call, round trip   %10s %10s %10s %12s %12s %12s\n",
		"p50 µs", "p99 µs", "mean µs", "p50/sabkit", "p99/sabkit", "mean/sabkit")
	for _, name := range t.callRows {
		l, s := t.calls[name], t.calls["sabkit"]
		fmt.Printf("    %-32s %10.1f %10.1f %10.1f %12s %12s %12s\n", name, l.p50, l.p99, l.mean,
			ratio(l.p50, s.p50), ratio(l.p99, s.p99), ratio(l.mean, s.mean))
	}
	fmt.Printf("\n(b) obtain a float32 array Python filled, p50 µs (p50/sabkit-view; performance.now steps by %.1f µs)\n    %-32s", t.clock, "")
	for _, mib := range t.sizes {
		fmt.Printf(" %22s", fmt.Sprintf("%d MiB", mib))
	}
	fmt.Println()
	for _, name := range t.arrayRows {
		fmt.Printf("    %-32s", name)
		for _, mib := range t.sizes {
			l, ok := t.arrays[name][mib]
			if !ok {
				fmt.Printf(" %22s", "-")
				continue
			}
			fmt.Printf(" %22s", fmt.Sprintf("%s (%s)", micros(l.p50), over(l.p50, t.arrays["sabkit-view"][mib].p50)))
		}
		fmt.Println()
	}
	fmt.Printf("\n(c) %dx%d float32 frames, Python → this thread %10s %6s %14s\n", frameWidth, frameHeight, "frames/s", "torn", "sabkit/peer")
	for _, name := range t.frameRows {
		r := t.rates[name]
		fmt.Printf("    %-42s %10.1f %6d %14s\n", name, r.perSecond, r.torn, ratio(t.rates["sabkit"].perSecond, r.perSecond))
	}
}
