//go:build js && wasm

package atomicsx_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
)

// importModule imports the shipped ES module the way a page does: from
// JSPrefix in the browser (browser_test.go serves js/ there), from its file
// under Node.
func importModule(t *testing.T) js.Value {
	t.Helper()
	url := atomicsx.JSPrefix + "sabkit-atomics.mjs"
	if jsinterop.InNode() {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		url = "file://" + filepath.Join(wd, "assets", "sabkit-atomics.mjs")
	} else if js.Global().Get("sabkitHarness").IsUndefined() {
		t.Skip(jsenv.ErrNoHarness)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mod, err := promise.Await(ctx, jsinterop.Import(url))
	if err != nil {
		t.Fatalf("import(%q): %v", url, err)
	}
	return mod
}

// TestJSModuleFrames publishes frames with the ES module's FrameWriter and
// takes them with Go's FrameReader from the same region, and the other way
// round, so the module's exports are the protocol, not just names.
func TestJSModuleFrames(t *testing.T) {
	mod := importModule(t)
	for _, name := range []string{"Mutex", "Seqlock", "FrameWriter", "FrameReader", "Ring", "framesWords"} {
		if mod.Get(name).Type() != js.TypeFunction {
			t.Fatalf("sabkit-atomics.mjs exports %s as %s, want a function", name, mod.Get(name).Type())
		}
	}
	if got := mod.Call("framesWords", 8).Int(); got != atomicsx.FramesWords(8) {
		t.Fatalf("framesWords(8) = %d, Go's FramesWords(8) = %d", got, atomicsx.FramesWords(8))
	}
	region := shared(t, atomicsx.FramesWords(8))
	jw := mod.Get("FrameWriter").New(array(t, region))
	jr := mod.Get("FrameReader").New(array(t, region))
	gw, _ := atomicsx.NewFrameWriter(region)
	gr, _ := atomicsx.NewFrameReader(region)

	jw.Call("publish", u8("from-js"))
	dst := make([]byte, 8)
	f, ok, err := gr.Take(dst)
	if err != nil || !ok || string(dst[:f.Len]) != "from-js" || f.Number != 1 {
		t.Fatalf("Go took %q %+v ok=%v err=%v after the module published \"from-js\"", dst[:f.Len], f, ok, err)
	}
	if _, err := gw.Publish([]byte("from-go")); err != nil {
		t.Fatal(err)
	}
	jf := jr.Call("take")
	if jf.IsNull() || goString(jf.Get("bytes")) != "from-go" || jf.Get("number").Int() != 2 {
		t.Fatalf("the module took %s after Go published \"from-go\"", jsonOf(jf))
	}
}
