//go:build js && wasm

package sharedheap_test

import (
	"errors"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
)

// memImportModule is a module that imports env.memory with limits min 1 and
// no maximum, and exports a function storing its argument at address 0.
var memImportModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00, // type: (i32) -> ()
	0x02, 0x0f, 0x01, 0x03, 'e', 'n', 'v', 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x01, // import env.memory min 1
	0x03, 0x02, 0x01, 0x00, // function 0: type 0
	0x07, 0x07, 0x01, 0x03, 's', 'e', 't', 0x00, 0x00, // export "set"
	0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x00, 0x20, 0x00, 0x36, 0x02, 0x00, 0x0b, // i32.store 0 (local 0)
}

// noMemModule has a type section only.
var noMemModule = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00}

func bytesJS(b []byte) js.Value {
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	return u8
}

// TestInstallHooks compiles a module that imports memory through every
// hooked entry point and links each against a shared memory (which only a
// rewritten import accepts), then checks the pass-through cases and that
// Uninstall restores the originals.
func TestInstallHooks(t *testing.T) {
	needIsolation(t)
	wa := js.Global().Get("WebAssembly")
	origModule := wa.Get("Module")
	// Node's fetch implementation compiles its own wasm (llhttp) when
	// Response is first used: let that happen before counting.
	js.Global().Get("Response").New(bytesJS(noMemModule))
	if _, err := sharedheap.Install(sharedheap.InstallOptions{Shims: sharedheap.ShimsOff}); err != nil {
		t.Fatal(err)
	}
	defer sharedheap.Uninstall()
	hooked := wa.Get("Module")
	if _, err := sharedheap.Install(sharedheap.InstallOptions{}); err != nil || !wa.Get("Module").Equal(hooked) {
		t.Fatalf("a second Install changed the hooks (err %v)", err)
	}
	if _, err := sharedheap.Namespace(); err != nil || hooked.Equal(origModule) {
		t.Fatalf("Install did not hook WebAssembly.Module (err %v)", err)
	}
	sharedheap.ResetStats()
	memory := wa.Get("Memory").New(map[string]any{"initial": 1, "maximum": 65536, "shared": true})
	imports := map[string]any{"env": map[string]any{"memory": memory}}
	ctx := ctxFor(t, 30*time.Second)

	instanceOf := func(v js.Value) js.Value {
		if v.Get("instance").Truthy() {
			return v.Get("instance")
		}
		return wa.Get("Instance").New(v, imports)
	}
	response := func() js.Value {
		return js.Global().Get("Response").New(bytesJS(memImportModule), map[string]any{"headers": map[string]any{"Content-Type": "application/wasm"}})
	}
	cases := []struct {
		hook  string
		build func() (js.Value, error)
	}{
		{"Module", func() (js.Value, error) { return wa.Get("Module").New(bytesJS(memImportModule)), nil }},
		{"compile", func() (js.Value, error) { return awaitJS(ctx, wa.Call("compile", bytesJS(memImportModule))) }},
		{"instantiate", func() (js.Value, error) {
			return awaitJS(ctx, wa.Call("instantiate", bytesJS(memImportModule), imports))
		}},
		{"compileStreaming", func() (js.Value, error) { return awaitJS(ctx, wa.Call("compileStreaming", response())) }},
		{"instantiateStreaming", func() (js.Value, error) {
			return awaitJS(ctx, wa.Call("instantiateStreaming", response(), imports))
		}},
	}
	for i, c := range cases {
		t.Run(c.hook, func(t *testing.T) {
			if wa.Get(c.hook).Type() != js.TypeFunction {
				t.Skipf("WebAssembly.%s does not exist here (%s)", c.hook, jsenv.Describe())
			}
			v, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			if v.Get("module").Truthy() && !v.Get("module").InstanceOf(origModule) {
				t.Errorf("the result's module is not a WebAssembly.Module")
			}
			if mod := v; !v.Get("instance").Truthy() {
				if !mod.InstanceOf(wa.Get("Module")) || !mod.InstanceOf(origModule) {
					t.Errorf("instanceof WebAssembly.Module is false through the hook")
				}
				imp := wa.Get("Module").Call("imports", mod).Index(0)
				if imp.Get("kind").String() != "memory" {
					t.Errorf("WebAssembly.Module.imports through the Proxy: %v", imp)
				}
			}
			// Aliasing by mutation: the instance stores into the shared memory.
			instanceOf(v).Get("exports").Call("set", 1000+i)
			got := js.Global().Get("Int32Array").New(memory.Get("buffer"), 0, 1).Index(0).Int()
			if got != 1000+i {
				t.Errorf("the instance stored %d into the shared memory, read %d", 1000+i, got)
			}
		})
	}
	// The Module form of instantiate passes through untouched.
	mod := wa.Get("Module").New(bytesJS(memImportModule))
	if _, err := awaitJS(ctx, wa.Call("instantiate", mod, imports)); err != nil {
		t.Errorf("instantiate(Module): %v", err)
	}
	wa.Get("Module").New(bytesJS(noMemModule))
	st, err := sharedheap.CurrentStats()
	if err != nil {
		t.Fatal(err)
	}
	if st.PassedThrough != 1 || st.Rewritten != 6 || st.Failed != 0 {
		t.Errorf("stats %+v: want 6 rewritten (5 hooks + 1 Module), 1 passed through", st)
	}
	// A module the rewriter refuses fails with the reason.
	bad := append([]byte{}, memImportModule...)
	bad[8] = 14 // unknown section id
	_, thrown := tryJS(func() { wa.Get("Module").New(bytesJS(bad)) })
	if !thrown.Truthy() || !strings.Contains(thrown.Get("message").String(), "unknown section id 14") {
		t.Errorf("a malformed module: thrown %v", thrown)
	}
	if !sharedheap.Uninstall() {
		t.Fatal("Uninstall reported nothing installed")
	}
	if !wa.Get("Module").Equal(origModule) {
		t.Errorf("Uninstall left WebAssembly.Module hooked")
	}
	if sharedheap.Uninstall() {
		t.Errorf("a second Uninstall reported hooks to remove")
	}
	// Unhooked, the same import is unshared and refuses the shared memory.
	if _, thrown := tryJS(func() { wa.Get("Instance").New(wa.Get("Module").New(bytesJS(memImportModule)), imports) }); !thrown.Truthy() {
		t.Errorf("an unrewritten import linked against a shared memory")
	}
}

// TestShims calls the three shimmed APIs with views on shared memory and
// checks each result by reading the shared bytes.
func TestShims(t *testing.T) {
	needIsolation(t)
	mode := sharedheap.ShimsAuto
	if jsinterop.InNode() {
		mode = sharedheap.ShimsOn // Node accepts shared views anyway; still exercise the shims' copies
	}
	st, err := sharedheap.Install(sharedheap.InstallOptions{Shims: mode})
	if err != nil {
		t.Fatal(err)
	}
	defer sharedheap.Uninstall()
	if !st.ShimsInstalled {
		t.Fatalf("shims not installed (%s)", jsenv.Describe())
	}
	sharedheap.ResetStats()
	g := js.Global()
	sab := g.Get("SharedArrayBuffer").New(64)
	u8 := g.Get("Uint8Array").New(sab)

	enc := g.Get("TextEncoder").New()
	r := enc.Call("encodeInto", "héllo ✓", u8.Call("subarray", 8))
	written := r.Get("written").Int()
	if written != 10 {
		t.Errorf("encodeInto wrote %d bytes, want 10", written)
	}
	dec := g.Get("TextDecoder").New()
	if s := dec.Call("decode", u8.Call("subarray", 8, 8+written)).String(); s != "héllo ✓" {
		t.Errorf("decode of the shared bytes encodeInto wrote: %q", s)
	}
	rnd := g.Get("Uint32Array").New(sab, 32, 8)
	g.Get("crypto").Call("getRandomValues", rnd)
	nonzero := 0
	for i := 0; i < 8; i++ {
		if rnd.Index(i).Int() != 0 {
			nonzero++
		}
	}
	if nonzero == 0 { // 2^-256 for a working generator
		t.Errorf("getRandomValues left the shared view zeroed")
	}
	// Blob, File and Response must hold the view's bytes: WebKit would
	// store the text "104,105,..." and the others throw.
	want := []byte{104, 105, 0, 255}
	js.CopyBytesToJS(u8, want)
	shared := u8.Call("subarray", 0, len(want))
	parts := g.Get("Array").New(shared)
	for _, c := range []struct {
		name string
		make func() js.Value
	}{
		{"Blob", func() js.Value { return g.Get("Blob").New(parts) }},
		{"File", func() js.Value { return g.Get("File").New(parts, "f.bin") }},
		{"Response", func() js.Value { return g.Get("Response").New(shared) }},
	} {
		var obj js.Value
		if ok, thrown := tryJS(func() { obj = c.make() }); !ok {
			t.Errorf("new %s from a shared view threw %s (%s)", c.name, jsinterop.Message(thrown), jsenv.Describe())
			continue
		}
		buf, err := promise.Await(ctxFor(t, 5*time.Second), obj.Call("arrayBuffer"))
		if err != nil {
			t.Errorf("%s.arrayBuffer(): %v", c.name, err)
			continue
		}
		got := make([]byte, buf.Get("byteLength").Int())
		js.CopyBytesToGo(got, g.Get("Uint8Array").New(buf))
		if string(got) != string(want) {
			t.Errorf("new %s from a shared view holds %q, want the view's bytes %q", c.name, got, want)
		}
	}
	if !g.Get("Blob").New(parts).InstanceOf(g.Get("Blob")) || !g.Get("File").New(parts, "f").InstanceOf(g.Get("Blob")) {
		t.Errorf("a shimmed Blob or File is not instanceof Blob")
	}

	st, err = sharedheap.CurrentStats()
	if err != nil {
		t.Fatal(err)
	}
	for _, shim := range []string{"decode", "getRandomValues", "encodeInto", "Response"} {
		if st.ShimHits[shim] != 1 {
			t.Errorf("shim %s hit %d times, want 1: %v", shim, st.ShimHits[shim], st.ShimHits)
		}
	}
	if st.ShimHits["Blob"] != 2 || st.ShimHits["File"] != 2 {
		t.Errorf("Blob/File shims hit %d/%d times, want 2 each: %v", st.ShimHits["Blob"], st.ShimHits["File"], st.ShimHits)
	}
	// Private views go straight to the original.
	dec.Call("decode", g.Get("Uint8Array").New(4))
	if st2, _ := sharedheap.CurrentStats(); st2.ShimHits["decode"] != 1 {
		t.Errorf("a private view went through the decode shim")
	}
}

// TestLoad boots shared-heap Pyodide on this thread (page or Node) and
// checks the heap is a SharedArrayBuffer that views on this thread alias.
func TestLoad(t *testing.T) {
	needIsolation(t)
	url := pyodideURL(t)
	h, err := sharedheap.Load(ctxFor(t, 2*time.Minute), sharedheap.Options{IndexURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer sharedheap.Uninstall()
	buf := h.Pyodide.Get("_module").Get("HEAPU8").Get("buffer")
	if tag := js.Global().Get("Object").Get("prototype").Get("toString").Call("call", buf).String(); tag != "[object SharedArrayBuffer]" {
		t.Fatalf("the heap is %s", tag)
	}
	if !h.Memory.Get("buffer").Equal(buf) || h.MemoryProperty != "memory" {
		t.Errorf("Memory from _module.%s does not hold the heap", h.MemoryProperty)
	}
	addr := h.Pyodide.Call("runPython", "import array\nload_a = array.array('i', range(100))\nload_a.buffer_info()[0]").Int()
	v, err := sabview.FromMemory[int32](h.Memory, addr, 100)
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := v.At(99); x != 99 {
		t.Errorf("read %d at index 99, Python wrote 99", x)
	}
	v.Set(5, -12345)
	if got := h.Pyodide.Call("runPython", "load_a[5]").Int(); got != -12345 {
		t.Errorf("Python reads %d, this thread wrote -12345", got)
	}
	st, _ := sharedheap.CurrentStats()
	t.Logf("%s: Pyodide %s on a shared heap of %d MiB; hooks %v; shim hits %v",
		jsenv.Describe(), h.Pyodide.Get("version"), h.Memory.Get("buffer").Get("byteLength").Int()>>20, st.Hooks, st.ShimHits)
}

// TestNotIsolated runs where the page has no COOP/COEP: loading on this
// thread and in a worker both fail with an error naming the headers.
func TestNotIsolated(t *testing.T) {
	if iso, ok := jsenv.ExpectIsolated(); !ok || iso {
		t.Skipf("runs only in a page served without isolation headers (%s)", jsenv.Describe())
	}
	url := pyodideURL(t)
	_, err := sharedheap.Load(ctxFor(t, time.Minute), sharedheap.Options{IndexURL: url})
	checkNotIsolated(t, "Load", err)
	w, err := startWorker(ctxFor(t, time.Minute), workerConfig{IndexURL: url, ScriptURL: workerScriptURL(), Shared: true})
	if err == nil {
		w.Close()
	}
	checkNotIsolated(t, "sabkitWorker.start", err)
}

func checkNotIsolated(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, sharedheap.ErrNotIsolated) {
		t.Fatalf("%s without isolation: %v, want ErrNotIsolated", op, err)
	}
	for _, h := range []string{"Cross-Origin-Opener-Policy: same-origin", "Cross-Origin-Embedder-Policy: require-corp"} {
		if !strings.Contains(err.Error(), h) {
			t.Errorf("%s error does not name %q: %v", op, h, err)
		}
	}
	t.Logf("%s: %v", op, err)
}
