//go:build js && wasm

package pyodidebridge

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/internal/promise"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// Options configures Load.
type Options struct {
	// IndexURL is where Pyodide's files (pyodide.js, pyodide.asm.wasm,
	// python_stdlib.zip, ...) are served: a URL in a browser, such as
	// "/pyodide/" on the page's own origin, or a directory path under Node.
	// A trailing slash is added when missing.
	IndexURL string
	// Packages are loaded with loadPackage after boot (names or wheel URLs).
	Packages []string
	// SharedHeap boots Pyodide with its heap in a SharedArrayBuffer: before
	// loading, it hooks this thread's WebAssembly compilation so Pyodide's
	// main module and every module that imports its memory are compiled
	// shared, and (in browsers) shims the TextDecoder, TextEncoder and
	// crypto methods that refuse shared views (internal/sharedheap). Other
	// threads can then view the heap (post Memory()) and coordinate with
	// Python through sabkit_atomics. It needs cross-origin isolation in a
	// browser (ErrNotIsolated otherwise); Node always has it. The hooks
	// stay installed in this thread and apply to every module compiled
	// later.
	SharedHeap bool
}

// Load loads Pyodide from opts.IndexURL on this thread and attaches to it.
// In a page it adds a <script> for pyodide.js unless loadPyodide is already
// defined; in a worker it imports pyodide.mjs; under Node it requires
// pyodide.js.
// Booting takes seconds: load once and share the Bridge.
func Load(ctx context.Context, opts Options) (*Bridge, error) {
	const op = "Load"
	url := opts.IndexURL
	if url == "" {
		return nil, errorf(op, ErrLoad, "set Options.IndexURL to the folder that holds pyodide.js", "empty IndexURL")
	}
	if !strings.HasSuffix(url, "/") {
		url += "/"
	}
	if err := checkNodeFiles(url); err != nil {
		return nil, err
	}
	if err := checkServed(ctx, url); err != nil {
		return nil, err
	}
	var api, mem js.Value // mem stays undefined (attach finds it) unless the shared heap names it
	if opts.SharedHeap {
		heap, err := sharedheap.Load(ctx, sharedheap.Options{IndexURL: url})
		if err != nil {
			return nil, fromSharedHeap(op, err)
		}
		api, mem = heap.Pyodide, heap.Memory
	} else {
		restore := func() {}
		if jsinterop.InWorker() {
			restore = jsinterop.HideImportScripts()
		}
		var err error
		api, err = loadPyodide(ctx, url)
		restore()
		if err != nil {
			return nil, err
		}
	}
	b, err := attach(op, api, mem)
	if err != nil {
		return nil, err
	}
	if len(opts.Packages) > 0 {
		if err := b.LoadPackage(ctx, opts.Packages...); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func loadPyodide(ctx context.Context, url string) (js.Value, error) {
	loader, err := findLoader(ctx, url)
	if err != nil {
		return js.Undefined(), err
	}
	cfg := js.Global().Get("Object").New()
	cfg.Set("indexURL", url)
	p, err := jsinterop.Try(func() js.Value { return loader.Invoke(cfg) })
	if err != nil {
		return js.Undefined(), loadError(url, "loadPyodide threw", err)
	}
	api, err := promise.Await(ctx, p)
	if err != nil {
		return js.Undefined(), loadError(url, "loadPyodide failed", err)
	}
	return api, nil
}

// pyodideFiles are the files loadPyodide reads from its index URL;
// glueFiles are the names its Emscripten glue has had (pyodide.asm.mjs from
// 314 on, pyodide.asm.js before), one of which must be there.
var (
	pyodideFiles = []string{"pyodide.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"}
	glueFiles    = []string{"pyodide.asm.mjs", "pyodide.asm.js"}
)

// checkNodeFiles checks, under Node, that the index directory holds
// Pyodide's files: a missing one would otherwise surface as an unhandled
// rejection inside Pyodide, which ends the Node process.
func checkNodeFiles(url string) error {
	if !jsinterop.InNode() {
		return nil
	}
	fs, err := jsinterop.Try(func() js.Value { return js.Global().Call("require", "fs") })
	if err != nil {
		return nil
	}
	for _, f := range pyodideFiles {
		if !fs.Call("existsSync", url+f).Bool() {
			return loadError(url, f+" not found", nil)
		}
	}
	for _, f := range glueFiles {
		if fs.Call("existsSync", url+f).Bool() {
			return nil
		}
	}
	return loadError(url, "neither "+strings.Join(glueFiles, " nor ")+" found", nil)
}

// checkServed asks, in a browser, whether url serves Pyodide's lock file:
// with a wrong URL, loadPyodide leaves rejected promises nobody handles and
// reports a JSON parse error rather than the missing files.
func checkServed(ctx context.Context, url string) error {
	fetch := js.Global().Get("fetch")
	if jsinterop.InNode() || fetch.Type() != js.TypeFunction {
		return nil
	}
	lock := url + "pyodide-lock.json"
	opts := js.Global().Get("Object").New()
	opts.Set("method", "HEAD")
	p, err := jsinterop.Try(func() js.Value { return fetch.Invoke(lock, opts) })
	if err != nil {
		return loadError(url, "fetch("+lock+")", err)
	}
	resp, err := promise.Await(ctx, p)
	if err != nil {
		return loadError(url, "fetch("+lock+")", err)
	}
	if !resp.Get("ok").Bool() {
		return loadError(url, lock+": HTTP "+httpStatus(resp), nil)
	}
	return nil
}

// httpStatus renders a fetch Response's status as "404 Not Found".
func httpStatus(resp js.Value) string {
	code := resp.Get("status").Int()
	text := resp.Get("statusText").String()
	if text == "" { // HTTP/2 has no reason phrase
		text = map[int]string{400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
			410: "Gone", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}[code]
	}
	return strings.TrimSpace(strconv.Itoa(code) + " " + text)
}

func loadError(url, what string, cause error) *Error {
	fix := "check that " + url + " serves pyodide.js, pyodide.asm.mjs (pyodide.asm.js before 314), pyodide.asm.wasm and python_stdlib.zip " +
		"(with Cross-Origin-Resource-Policy on a cross-origin-isolated page)"
	if cause != nil && strings.Contains(cause.Error(), "mismatch in shared state of memory") {
		// A pyodide.asm.wasm patched to a shared memory links only with the
		// shared-heap hooks, which make every other module import it shared.
		fix = url + " serves a pyodide.asm.wasm whose memory is shared: point IndexURL at the stock Pyodide " +
			"(sabkit serve keeps it at /pyodide/ and the patched one at /pyodide-shared/), or load this one with " +
			"Options.SharedHeap or LoadWorker"
	}
	return &Error{Op: "Load", Kind: ErrLoad, Detail: what + " for indexURL " + url, Err: cause, Fix: fix}
}

// findLoader returns the loadPyodide function, loading pyodide.js from url
// if it is not defined yet.
func findLoader(ctx context.Context, url string) (js.Value, error) {
	g := js.Global()
	if f := g.Get("loadPyodide"); f.Type() == js.TypeFunction {
		return f, nil
	}
	script := url + "pyodide.js"
	switch {
	case jsinterop.InNode():
		mod, err := jsinterop.Try(func() js.Value { return g.Call("require", script) })
		if err != nil {
			return js.Undefined(), loadError(url, "require("+script+")", err)
		}
		if f := mod.Get("loadPyodide"); f.Type() == js.TypeFunction {
			return f, nil
		}
		return js.Undefined(), loadError(url, script+" exports no loadPyodide", nil)
	case jsinterop.InWorker():
		module := url + "pyodide.mjs"
		p, err := jsinterop.Try(func() js.Value { return jsinterop.Import(module) })
		if err != nil {
			return js.Undefined(), loadError(url, "import("+module+")", err)
		}
		mod, err := promise.Await(ctx, p)
		if err != nil {
			return js.Undefined(), loadError(url, "import("+module+")", err)
		}
		if f := mod.Get("loadPyodide"); f.Type() == js.TypeFunction {
			return f, nil
		}
		return js.Undefined(), loadError(url, module+" exports no loadPyodide", nil)
	default:
		if err := addScript(ctx, script); err != nil {
			return js.Undefined(), loadError(url, "loading <script src="+script+">", err)
		}
	}
	if f := g.Get("loadPyodide"); f.Type() == js.TypeFunction {
		return f, nil
	}
	return js.Undefined(), loadError(url, script+" did not define loadPyodide", nil)
}

// addScript appends a classic <script> to the document and waits for it.
func addScript(ctx context.Context, src string) error {
	doc := js.Global().Get("document")
	el := doc.Call("createElement", "script")
	el.Set("src", src)
	done := make(chan error, 1)
	var onLoad, onError js.Func
	onLoad = js.FuncOf(func(js.Value, []js.Value) any { done <- nil; return nil })
	onError = js.FuncOf(func(js.Value, []js.Value) any {
		done <- errors.New("the script failed to load (404, network error, or blocked by COEP)")
		return nil
	})
	defer onLoad.Release()
	defer onError.Release()
	el.Call("addEventListener", "load", onLoad)
	el.Call("addEventListener", "error", onError)
	doc.Get("head").Call("appendChild", el)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
