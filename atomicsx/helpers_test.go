//go:build js && wasm

package atomicsx_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"syscall/js"
	"testing"
	"time"
	"unsafe"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/sabview"
)

// Frames in the cross-thread tests are frameWords int32 words:
// [f, f*0x9E3779B1 + j ..., checksum], the same as testdata/scenarios.js.
// Every word depends on f, so a copy that mixes two frames fails intactFrame.
const frameWords = 64

func fillFrame(w []int32, f int32) {
	w[0] = f
	for j := 1; j < len(w)-1; j++ {
		w[j] = int32(uint32(f)*0x9E3779B1 + uint32(j))
	}
	w[len(w)-1] = frameChecksum(w)
}

func frameChecksum(w []int32) int32 {
	h := uint32(0x811C9DC5)
	for _, x := range w[:len(w)-1] {
		h = (h ^ uint32(x)) * 16777619
	}
	return int32(h)
}

func intactFrame(w []int32) bool {
	f := uint32(w[0])
	for j := 1; j < len(w)-1; j++ {
		if w[j] != int32(f*0x9E3779B1+uint32(j)) {
			return false
		}
	}
	return w[len(w)-1] == frameChecksum(w)
}

func wordBytes(w []int32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), 4*len(w))
}

// shared allocates a zeroed shared region of n int32 words, skipping the
// test where SharedArrayBuffer is unavailable.
func shared(t testing.TB, n int) *sabview.View[int32] {
	t.Helper()
	v, err := sabview.NewShared[int32](n)
	if errors.Is(err, sabview.ErrNotIsolated) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func array(t testing.TB, v *sabview.View[int32]) js.Value {
	t.Helper()
	a, err := v.Array()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// handshake is scenarios.js's handshake in Go: add 1 to ctl[0], then park
// until both parties did.
func handshake(ctx context.Context, ctl *sabview.View[int32]) error {
	if _, err := atomicsx.Add(ctl, 0, 1); err != nil {
		return err
	}
	if _, err := atomicsx.Notify(ctl, 0, atomicsx.All); err != nil {
		return err
	}
	for {
		v, err := atomicsx.Load(ctl, 0)
		if err != nil || v >= 2 {
			return err
		}
		if _, err := atomicsx.WaitContext(ctx, ctl, 0, v); err != nil {
			return fmt.Errorf("handshake: %w", err)
		}
	}
}

// loadJS loads the shipped assets/sabkit-atomics.js and testdata/scenarios.js
// into this thread and returns the Scenarios object. Under Node it requires
// the files; in the browser it fetches them from the harness's /sabkit/ and
// /atomicsx/ mounts.
func loadJS(t testing.TB) js.Value {
	t.Helper()
	if s := js.Global().Get("Scenarios"); !s.IsUndefined() {
		return s
	}
	for _, f := range []struct{ dir, url string }{
		{"assets", "/sabkit/sabkit-atomics.js"},
		{"testdata", "/atomicsx/scenarios.js"},
	} {
		if jsinterop.InNode() {
			wd, err := os.Getwd()
			if err != nil {
				t.Fatal(err)
			}
			js.Global().Get("require").Invoke(filepath.Join(wd, f.dir, path.Base(f.url)))
			continue
		}
		if js.Global().Get("sabkitHarness").IsUndefined() {
			t.Skip(jsenv.ErrNoHarness)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		resp, err := promise.Await(ctx, js.Global().Call("fetch", f.url))
		if err == nil && !resp.Get("ok").Bool() {
			err = fmt.Errorf("HTTP %d", resp.Get("status").Int())
		}
		var text js.Value
		if err == nil {
			text, err = promise.Await(ctx, resp.Call("text"))
		}
		cancel()
		if err != nil {
			t.Fatalf("fetching %s (served from %s by browser_test.go): %v", f.url, f.dir, err)
		}
		js.Global().Get("eval").Invoke(text) // indirect eval: global scope
	}
	return js.Global().Get("Scenarios")
}

// jsWorker is testdata/worker.js in a DedicatedWorker.
type jsWorker struct {
	w       js.Value
	replies chan js.Value
	onMsg   js.Func
}

func startJSWorker(t testing.TB) *jsWorker {
	t.Helper()
	if js.Global().Get("sabkitHarness").IsUndefined() {
		t.Skip(jsenv.ErrNoHarness)
	}
	w := &jsWorker{replies: make(chan js.Value, 16)}
	w.onMsg = js.FuncOf(func(this js.Value, args []js.Value) any {
		d := args[0].Get("data")
		select {
		case w.replies <- d:
		default:
			go func() { w.replies <- d }()
		}
		return nil
	})
	w.w = js.Global().Get("Worker").New("/atomicsx/worker.js")
	w.w.Call("addEventListener", "message", w.onMsg)
	t.Cleanup(func() {
		w.w.Call("terminate")
		w.onMsg.Release()
	})
	return w
}

// run starts a scenario; the returned channel delivers its result or error.
func (w *jsWorker) run(scenario string, params map[string]any) <-chan jsResult {
	msg := map[string]any{"scenario": scenario}
	for k, v := range params {
		msg[k] = v
	}
	w.w.Call("postMessage", msg)
	out := make(chan jsResult, 1)
	go func() {
		r := <-w.replies
		if !r.Get("ok").Bool() {
			out <- jsResult{err: fmt.Errorf("JS %s: %s", scenario, r.Get("error").String())}
			return
		}
		out <- jsResult{v: r.Get("result")}
	}()
	return out
}

type jsResult struct {
	v   js.Value
	err error
}

// await waits for a JS scenario's result, failing the test on error.
func await(t testing.TB, ch <-chan jsResult, what string) js.Value {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("%s: %v", what, r.err)
		}
		return r.v
	case <-time.After(3 * time.Minute):
		t.Fatalf("%s: no result within 3 minutes", what)
	}
	return js.Undefined()
}

func jsonOf(v js.Value) string { return js.Global().Get("JSON").Call("stringify", v).String() }

// newFrames makes a triple buffer for frames of up to frameBytes in a fresh
// shared region and returns its writer and reader.
func newFrames(t testing.TB, frameBytes int) (*atomicsx.FrameWriter, *atomicsx.FrameReader) {
	t.Helper()
	region := shared(t, atomicsx.FramesWords(frameBytes))
	w, err := atomicsx.NewFrameWriter(region)
	if err != nil {
		t.Fatal(err)
	}
	r, err := atomicsx.NewFrameReader(region)
	if err != nil {
		t.Fatal(err)
	}
	return w, r
}
