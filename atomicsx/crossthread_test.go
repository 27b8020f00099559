//go:build js && wasm

package atomicsx_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/sabview"
)

// The cross-thread tests pair this thread (the page, or a worker in the
// harness's worker variant) with a second copy of the test binary started
// by jsenv.SpawnSelf (Go in a DedicatedWorker) and with testdata/worker.js
// (the JavaScript implementation in a DedicatedWorker). For each protocol
// the bytes flow both ways between Go and Go, Go and JS, and from Go in a
// worker to JS on this thread:
//
//	1. child Go writes     → this thread's Go reads
//	2. this thread's Go writes → child Go reads
//	3. child Go writes     → this thread's JS reads
//	4. JS worker writes    → this thread's Go reads
//	5. this thread's Go writes → JS worker reads
//
// Every pair starts with a handshake on a control word, so neither side runs
// ahead of the other's start-up.

// reduced reports whether to divide the full counts by ten: under -short,
// where browser_test.go asks for it (the worker variant, which repeats the
// page's tests from a worker and need not repeat their volume), and wherever
// WaitContext waits through helper workers (Firefox ESR 140, and
// TestWaitFallback): every wait there is a round trip to another worker, and
// the full counts would add minutes without checking anything more.
func reduced() bool {
	return testing.Short() || os.Getenv("ATOMICSX_REDUCED") == "1" || atomicsx.UsesWaitFallback()
}

// The full counts: 1e6 frames, 1e7 ring items.
func frameCount() int {
	if reduced() {
		return 100_000
	}
	return 1_000_000
}

func ringItems() int {
	if reduced() {
		return 1_000_000
	}
	return 10_000_000
}

const (
	ringCapacity = 1 << 16
	ringBatch    = 4096
)

// protocol describes one protocol's two roles in Go and in JavaScript.
type protocol struct {
	words    func() int
	goWriter func(ctx context.Context, region, ctl *sabview.View[int32]) error
	goReader func(ctx context.Context, region, ctl *sabview.View[int32]) (string, error)
	jsWriter string
	jsReader string
	params   func() map[string]any
	checkJS  func(r js.Value) error // judges a JS reader's result
}

var protocols = map[string]protocol{
	"seqlock": {
		words:    func() int { return atomicsx.SeqlockWords(4 * frameWords) },
		goWriter: seqlockWriter,
		goReader: seqlockReader,
		jsWriter: "seqlockWriter",
		jsReader: "seqlockReader",
		params:   func() map[string]any { return map[string]any{"frames": frameCount(), "words": frameWords} },
		checkJS: func(r js.Value) error {
			if r.Get("torn").Int() != 0 || r.Get("backwards").Int() != 0 || r.Get("last").Int() != frameCount() {
				return fmt.Errorf("JS seqlock reader: %s; want 0 torn, 0 backwards, last %d", jsonOf(r), frameCount())
			}
			return nil
		},
	},
	"frames": {
		words:    func() int { return atomicsx.FramesWords(4 * frameWords) },
		goWriter: framesWriter,
		goReader: framesReader,
		jsWriter: "framesWriter",
		jsReader: "framesReader",
		params:   func() map[string]any { return map[string]any{"frames": frameCount(), "words": frameWords} },
		checkJS: func(r js.Value) error {
			st := r.Get("stats")
			if r.Get("torn").Int() != 0 || r.Get("backwards").Int() != 0 || r.Get("mismatched").Int() != 0 ||
				r.Get("last").Int() != frameCount() ||
				r.Get("taken").Int()+r.Get("dropped").Int() != frameCount() ||
				st.Get("taken").Int() != r.Get("taken").Int() || st.Get("dropped").Int() != r.Get("dropped").Int() {
				return fmt.Errorf("JS frames reader: %s; want 0 torn/backwards/mismatched, taken+dropped = %d", jsonOf(r), frameCount())
			}
			return nil
		},
	},
	"ring": {
		words:    func() int { return atomicsx.RingWords[int32](ringCapacity) },
		goWriter: ringProducer,
		goReader: ringConsumer,
		jsWriter: "ringProducer",
		jsReader: "ringConsumer",
		params:   func() map[string]any { return map[string]any{"items": ringItems(), "batch": ringBatch} },
		checkJS: func(r js.Value) error {
			if r.Get("popped").Int() != ringItems() || r.Get("wrong").Int() != 0 {
				return fmt.Errorf("JS ring consumer: %s; want %d popped in order", jsonOf(r), ringItems())
			}
			return nil
		},
	},
}

func seqlockWriter(ctx context.Context, region, ctl *sabview.View[int32]) error {
	s, err := atomicsx.NewSeqlock(region)
	if err != nil {
		return err
	}
	w := make([]int32, frameWords)
	b := wordBytes(w)
	if err := handshake(ctx, ctl); err != nil {
		return err
	}
	for f := 1; f <= frameCount(); f++ {
		fillFrame(w, int32(f))
		if _, err := s.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func seqlockReader(ctx context.Context, region, ctl *sabview.View[int32]) (string, error) {
	s, err := atomicsx.NewSeqlock(region)
	if err != nil {
		return "", err
	}
	w := make([]int32, frameWords)
	b := wordBytes(w)
	if err := handshake(ctx, ctl); err != nil {
		return "", err
	}
	reads, torn, backwards, last := 0, 0, 0, int32(0)
	for last != int32(frameCount()) {
		n, _, err := s.Read(b)
		if err != nil {
			return "", err
		}
		if n == 0 {
			continue
		}
		reads++
		if n != len(b) || !intactFrame(w) {
			torn++
			continue
		}
		if w[0] < last {
			backwards++
		}
		last = w[0]
	}
	sum := fmt.Sprintf("%d frames written, %d reads, %d torn, %d backwards", frameCount(), reads, torn, backwards)
	if torn != 0 || backwards != 0 {
		return sum, errors.New(sum)
	}
	return sum, nil
}

func framesWriter(ctx context.Context, region, ctl *sabview.View[int32]) error {
	fw, err := atomicsx.NewFrameWriter(region)
	if err != nil {
		return err
	}
	w := make([]int32, frameWords)
	b := wordBytes(w)
	if err := handshake(ctx, ctl); err != nil {
		return err
	}
	for f := 1; f <= frameCount(); f++ {
		fillFrame(w, int32(f))
		if _, err := fw.Publish(b); err != nil {
			return err
		}
	}
	return nil
}

func framesReader(ctx context.Context, region, ctl *sabview.View[int32]) (string, error) {
	fr, err := atomicsx.NewFrameReader(region)
	if err != nil {
		return "", err
	}
	w := make([]int32, frameWords)
	b := wordBytes(w)
	if err := handshake(ctx, ctl); err != nil {
		return "", err
	}
	taken, torn, backwards, mismatched, dropped, last := 0, 0, 0, 0, 0, uint32(0)
	for last != uint32(frameCount()) {
		f, err := fr.Next(ctx, b)
		if err != nil {
			return "", err
		}
		taken++
		dropped += int(f.Dropped)
		if f.Len != len(b) || !intactFrame(w) {
			torn++
		}
		if uint32(w[0]) != f.Number {
			mismatched++
		}
		if f.Number <= last {
			backwards++
		}
		last = f.Number
	}
	_, stTaken, stDropped, err := fr.Stats()
	if err != nil {
		return "", err
	}
	sum := fmt.Sprintf("%d frames published, %d taken, %d dropped, %d torn, %d backwards, %d mismatched",
		frameCount(), taken, dropped, torn, backwards, mismatched)
	if torn != 0 || backwards != 0 || mismatched != 0 || taken+dropped != frameCount() ||
		int(stTaken) != taken || int(stDropped) != dropped {
		return sum, fmt.Errorf("%s (shared counters: %d taken, %d dropped)", sum, stTaken, stDropped)
	}
	return sum, nil
}

func ringProducer(ctx context.Context, region, ctl *sabview.View[int32]) error {
	q, err := atomicsx.NewRing[int32](region)
	if err != nil {
		return err
	}
	batch := make([]int32, ringBatch)
	if err := handshake(ctx, ctl); err != nil {
		return err
	}
	for next := 0; next < ringItems(); {
		k := min(len(batch), ringItems()-next)
		for j := range k {
			batch[j] = int32(next + j)
		}
		if _, err := q.PushContext(ctx, batch[:k]); err != nil {
			return err
		}
		next += k
	}
	return nil
}

func ringConsumer(ctx context.Context, region, ctl *sabview.View[int32]) (string, error) {
	q, err := atomicsx.NewRing[int32](region)
	if err != nil {
		return "", err
	}
	batch := make([]int32, ringBatch)
	if err := handshake(ctx, ctl); err != nil {
		return "", err
	}
	next, wrong, pops := 0, 0, 0
	for next < ringItems() {
		k, err := q.PopContext(ctx, batch)
		if err != nil {
			return "", err
		}
		pops++
		for j, x := range batch[:k] {
			if x != int32(next+j) {
				wrong++
			}
		}
		next += k
	}
	sum := fmt.Sprintf("%d items in %d pops, %d out of order", next, pops, wrong)
	if wrong != 0 || next != ringItems() {
		return sum, errors.New(sum)
	}
	return sum, nil
}

// spawnHelper starts this binary in a worker running helper, and posts it msg.
func spawnHelper(t *testing.T, helper string, msg map[string]any) *jsenv.Child {
	t.Helper()
	// The child must agree on the counts, which -short changes.
	args := []string{"-test.run=^" + helper + "$", "-test.v", fmt.Sprintf("-test.short=%v", testing.Short())}
	var env map[string]string
	if reduced() {
		env = map[string]string{"ATOMICSX_REDUCED": "1"}
	}
	child, err := jsenv.SpawnSelf(args, env)
	if errors.Is(err, jsenv.ErrNoHarness) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	child.Worker.Call("postMessage", msg)
	return child
}

func waitChild(t *testing.T, child *jsenv.Child) {
	t.Helper()
	select {
	case code := <-child.Exited:
		if code != 0 {
			t.Fatalf("Go child exited with %d (its output above says why)", code)
		}
	case <-time.After(4 * time.Minute):
		t.Fatal("Go child did not exit within 4 minutes")
	}
}

func testCrossThread(t *testing.T, name string) {
	if jsenv.IsChild() {
		t.Skip("runs in the parent only")
	}
	p := protocols[name]
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a, b, e := shared(t, p.words()), shared(t, p.words()), shared(t, p.words())
	ca, cb, ce := shared(t, 1), shared(t, 1), shared(t, 1)
	child := spawnHelper(t, "TestHelperCross", map[string]any{
		"proto": name,
		"phases": []any{
			map[string]any{"role": "writer", "region": array(t, a), "ctl": array(t, ca)},
			map[string]any{"role": "reader", "region": array(t, b), "ctl": array(t, cb)},
			map[string]any{"role": "writer", "region": array(t, e), "ctl": array(t, ce)},
		},
	})
	begin := time.Now()
	sum, err := p.goReader(ctx, a, ca)
	if err != nil {
		t.Fatalf("1. Go worker → Go here: %v", err)
	}
	t.Logf("1. Go worker → Go here: %s (%v)", sum, time.Since(begin).Round(time.Millisecond))

	begin = time.Now()
	if err := p.goWriter(ctx, b, cb); err != nil {
		t.Fatalf("2. Go here → Go worker: %v", err)
	}
	t.Logf("2. Go here → Go worker: written (%v); the child checks what it read", time.Since(begin).Round(time.Millisecond))

	S := loadJS(t)
	if err := handshake(ctx, ce); err != nil {
		t.Fatal(err)
	}
	begin = time.Now()
	params := p.params()
	params["region"], params["ctl"], params["handshake"] = array(t, e), array(t, ce), false
	res := S.Call("run", p.jsReader, params)
	if !res.Get("ok").Bool() {
		t.Fatalf("3. Go worker → JS here: %s", res.Get("error").String())
	}
	r := res.Get("result")
	if err := p.checkJS(r); err != nil {
		t.Fatalf("3. Go worker → JS here: %v", err)
	}
	t.Logf("3. Go worker → JS here: %s (%v)", jsonOf(r), time.Since(begin).Round(time.Millisecond))
	waitChild(t, child)

	w := startJSWorker(t)
	c, cc := shared(t, p.words()), shared(t, 1)
	params = p.params()
	params["region"], params["ctl"] = array(t, c), array(t, cc)
	done := w.run(p.jsWriter, params)
	begin = time.Now()
	if sum, err = p.goReader(ctx, c, cc); err != nil {
		t.Fatalf("4. JS worker → Go here: %v", err)
	}
	await(t, done, "JS writer")
	t.Logf("4. JS worker → Go here: %s (%v)", sum, time.Since(begin).Round(time.Millisecond))

	d, cd := shared(t, p.words()), shared(t, 1)
	params = p.params()
	params["region"], params["ctl"] = array(t, d), array(t, cd)
	done = w.run(p.jsReader, params)
	begin = time.Now()
	if err := p.goWriter(ctx, d, cd); err != nil {
		t.Fatalf("5. Go here → JS worker: %v", err)
	}
	r = await(t, done, "JS reader")
	if err := p.checkJS(r); err != nil {
		t.Fatalf("5. Go here → JS worker: %v", err)
	}
	t.Logf("5. Go here → JS worker: %s (%v)", jsonOf(r), time.Since(begin).Round(time.Millisecond))
}

func TestCrossThreadSeqlock(t *testing.T) { testCrossThread(t, "seqlock") }
func TestCrossThreadFrames(t *testing.T)  { testCrossThread(t, "frames") }
func TestCrossThreadRing(t *testing.T)    { testCrossThread(t, "ring") }

func viewOf(t *testing.T, ta js.Value) *sabview.View[int32] {
	t.Helper()
	v, err := sabview.FromTypedArray[int32](ta)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestHelperCross is the Go-in-a-worker side of the cross-thread tests.
func TestHelperCross(t *testing.T) {
	if !jsenv.IsChild() {
		t.Skip("helper: runs only in a worker started by the cross-thread tests")
	}
	in, err := jsenv.Inbox()
	if err != nil {
		t.Fatal(err)
	}
	msg := <-in
	name := msg.Get("proto").String()
	p := protocols[name]
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	phases := msg.Get("phases")
	for i := range phases.Length() {
		ph := phases.Index(i)
		region, ctl := viewOf(t, ph.Get("region")), viewOf(t, ph.Get("ctl"))
		switch role := ph.Get("role").String(); role {
		case "writer":
			if err := p.goWriter(ctx, region, ctl); err != nil {
				t.Fatalf("%s writer: %v", name, err)
			}
		case "reader":
			sum, err := p.goReader(ctx, region, ctl)
			if err != nil {
				t.Fatalf("%s reader: %v", name, err)
			}
			t.Logf("%s reader in %s: %s", name, jsenv.Describe(), sum)
		}
	}
}

func mutexIterations() int {
	if reduced() {
		return 10_000
	}
	return 100_000
}

// hammer increments the plain (non-atomic) counter word 1 under the mutex in
// word 0, iterations times. Lock blocks where the thread may block;
// LockContext parks the goroutine on the browser main thread.
// It returns how often the mutex was found held by the other thread.
func hammer(ctx context.Context, region, ctl *sabview.View[int32], iterations int) (contended int, err error) {
	m, err := atomicsx.NewMutex(region, 0)
	if err != nil {
		return 0, err
	}
	if err := handshake(ctx, ctl); err != nil {
		return 0, err
	}
	lock := m.Lock
	if !atomicsx.CanBlock() {
		lock = func() error { return m.LockContext(ctx) }
	}
	for range iterations {
		ok, err := m.TryLock()
		if err != nil {
			return contended, err
		}
		if !ok {
			contended++
			if err := lock(); err != nil {
				return contended, err
			}
		}
		x, err := region.At(1)
		if err != nil {
			return contended, err
		}
		if err := region.Set(1, x+1); err != nil {
			return contended, err
		}
		if err := m.Unlock(); err != nil {
			return contended, err
		}
	}
	return contended, nil
}

// TestCrossThreadMutex hammers one counter from this thread and another,
// first a Go worker, then a JS worker; the count must come out exact.
func TestCrossThreadMutex(t *testing.T) {
	if jsenv.IsChild() {
		t.Skip("runs in the parent only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	n := mutexIterations()
	region, ctl := shared(t, 2), shared(t, 1)
	child := spawnHelper(t, "TestHelperMutex", map[string]any{"region": array(t, region), "ctl": array(t, ctl), "iterations": n})
	begin := time.Now()
	contended, err := hammer(ctx, region, ctl, n)
	if err != nil {
		t.Fatal(err)
	}
	waitChild(t, child)
	if got, _ := region.At(1); got != int32(2*n) {
		t.Fatalf("Go here + Go worker: counter %d, want %d", got, 2*n)
	}
	t.Logf("Go here + Go worker: %d increments exact, lock found held %d times here (%v)", 2*n, contended, time.Since(begin).Round(time.Millisecond))

	w := startJSWorker(t)
	region, ctl = shared(t, 2), shared(t, 1)
	done := w.run("mutexHammer", map[string]any{"region": array(t, region), "ctl": array(t, ctl), "mutex": 0, "counter": 1, "iterations": n, "hold": 3000})
	begin = time.Now()
	if contended, err = hammer(ctx, region, ctl, n); err != nil {
		t.Fatal(err)
	}
	await(t, done, "JS mutexHammer")
	if got, _ := region.At(1); got != int32(2*n) {
		t.Fatalf("Go here + JS worker: counter %d, want %d", got, 2*n)
	}
	t.Logf("Go here + JS worker: %d increments exact, lock found held %d times here (%v)", 2*n, contended, time.Since(begin).Round(time.Millisecond))
}

// TestHelperMutex is the Go-in-a-worker side of TestCrossThreadMutex.
func TestHelperMutex(t *testing.T) {
	if !jsenv.IsChild() {
		t.Skip("helper: runs only in a worker started by TestCrossThreadMutex")
	}
	in, err := jsenv.Inbox()
	if err != nil {
		t.Fatal(err)
	}
	msg := <-in
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	contended, err := hammer(ctx, viewOf(t, msg.Get("region")), viewOf(t, msg.Get("ctl")), msg.Get("iterations").Int())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("lock found held %d times in the worker", contended)
}

// TestCrossThreadWait: a Go worker blocks in Wait (Atomics.wait) until this
// thread notifies it, then wakes this thread's WaitContext with a Notify of
// its own.
func TestCrossThreadWait(t *testing.T) {
	if jsenv.IsChild() {
		t.Skip("runs in the parent only")
	}
	v := shared(t, 2)
	child := spawnHelper(t, "TestHelperWait", map[string]any{"words": array(t, v)})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type result struct {
		r   atomicsx.WaitResult
		err error
	}
	mine := make(chan result, 1)
	go func() {
		r, err := atomicsx.WaitContext(ctx, v, 1, 0)
		mine <- result{r, err}
	}()
	// Notify until the child is really blocked in Wait: Notify reports it.
	for {
		n, err := atomicsx.Notify(v, 0, atomicsx.All)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the child never waited on word 0")
		}
		time.Sleep(time.Millisecond)
	}
	got := <-mine
	if got.err != nil || got.r != atomicsx.Woken {
		t.Fatalf("WaitContext here: %v, %v; want ok, woken by the child's Notify", got.r, got.err)
	}
	if x, _ := atomicsx.Load(v, 1); x != 7 {
		t.Fatalf("word 1 = %d, want the child's 7", x)
	}
	waitChild(t, child)
}

// TestHelperWait is the Go-in-a-worker side of TestCrossThreadWait.
func TestHelperWait(t *testing.T) {
	if !jsenv.IsChild() {
		t.Skip("helper: runs only in a worker started by TestCrossThreadWait")
	}
	in, err := jsenv.Inbox()
	if err != nil {
		t.Fatal(err)
	}
	v := viewOf(t, (<-in).Get("words"))
	r, err := atomicsx.Wait(v, 0, 0, time.Minute)
	if err != nil || r != atomicsx.Woken {
		t.Fatalf("Wait in the worker: %v, %v; want ok", r, err)
	}
	if err := atomicsx.Store(v, 1, 7); err != nil {
		t.Fatal(err)
	}
	if n, err := atomicsx.Notify(v, 1, atomicsx.All); err != nil || n != 1 {
		t.Fatalf("Notify from the worker woke %d, %v; want the parent's 1 waiter", n, err)
	}
}
