//go:build js && wasm

package jsenv_test

import (
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

func TestDescribe(t *testing.T) {
	d := jsenv.Describe()
	t.Log(d)
	if jsinterop.InNode() == jsinterop.InBrowser() {
		t.Fatalf("InNode=%v and InBrowser=%v must differ: %s", jsinterop.InNode(), jsinterop.InBrowser(), d)
	}
	if want, ok := jsenv.ExpectIsolated(); ok && jsinterop.CrossOriginIsolated() != want {
		t.Fatalf("crossOriginIsolated=%v, harness promised %v", jsinterop.CrossOriginIsolated(), want)
	}
}

// TestSpawnSelf starts this binary in a worker, hands it a SharedArrayBuffer
// and checks that the worker's write is visible here.
func TestSpawnSelf(t *testing.T) {
	if jsenv.IsChild() {
		t.Skip("runs in the parent only")
	}
	child, err := jsenv.SpawnSelf([]string{"-test.run=^TestHelperWriter$", "-test.v"}, map[string]string{"HELPER": "1"})
	if errors.Is(err, jsenv.ErrNoHarness) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	sab := js.Global().Get("SharedArrayBuffer").New(8)
	i32 := js.Global().Get("Int32Array").New(sab)
	child.Worker.Call("postMessage", map[string]any{"sab": sab, "value": 4242})
	select {
	case code := <-child.Exited:
		if code != 0 {
			t.Fatalf("child exited with %d", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("child did not exit within 60s")
	}
	if got := i32.Index(0).Int(); got != 4242 {
		t.Fatalf("child wrote %d, want 4242 through the shared buffer", got)
	}
	select {
	case m := <-child.Messages():
		if m.Get("done").String() != "wrote 4242" {
			t.Fatalf("child posted %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no message from the child")
	}
}

// TestHelperWriter is the child side of TestSpawnSelf.
func TestHelperWriter(t *testing.T) {
	if !jsenv.IsChild() {
		t.Skip("helper: runs only in a worker started by TestSpawnSelf")
	}
	in, err := jsenv.Inbox()
	if err != nil {
		t.Fatal(err)
	}
	msg := <-in
	i32 := js.Global().Get("Int32Array").New(msg.Get("sab"))
	js.Global().Get("Atomics").Call("store", i32, 0, msg.Get("value"))
	t.Logf("wrote %d from %s", msg.Get("value").Int(), jsenv.Describe())
	if err := jsenv.PostToParent(map[string]any{"done": "wrote 4242"}); err != nil {
		t.Fatal(err)
	}
}
