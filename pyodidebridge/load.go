//go:build js && wasm

package pyodidebridge

import (
	"context"
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
// It uses loadPyodide when the page already defines it, else imports
// pyodide.mjs (requires pyodide.js under Node); the shared heap and
// LoadWorker boot through the same loader. Booting takes seconds: load once
// and share the Bridge.
func Load(ctx context.Context, opts Options) (*Bridge, error) {
	const op = "Load"
	url := opts.IndexURL
	if url == "" {
		return nil, errorf(op, ErrLoad, "set Options.IndexURL to the folder that holds pyodide.js", "empty IndexURL")
	}
	if !strings.HasSuffix(url, "/") {
		url += "/"
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
		var err error
		if api, err = loadPyodide(ctx, url); err != nil {
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

// loadPyodide boots stock Pyodide on this thread with sharedheap.js's
// loader, the one the shared heap and the worker use: loadPyodide when the
// page defines it, else pyodide.mjs by dynamic import (pyodide.js under
// Node).
func loadPyodide(ctx context.Context, url string) (js.Value, error) {
	ns, err := sharedheap.Namespace()
	if err != nil {
		return js.Undefined(), fromSharedHeap("Load", err)
	}
	cfg := js.Global().Get("Object").New()
	cfg.Set("indexURL", url)
	cfg.Set("shared", false)
	p, err := jsinterop.Try(func() js.Value { return ns.Call("loadPyodide", cfg) })
	if err != nil {
		return js.Undefined(), loadError(url, "loadPyodide threw", err)
	}
	r, err := promise.Await(ctx, p)
	if err != nil {
		return js.Undefined(), loadError(url, "loadPyodide failed", err)
	}
	return r.Get("pyodide"), nil
}

// checkServed asks, in a browser, whether url serves Pyodide's lock file:
// with a wrong URL, loadPyodide leaves rejected promises nobody handles and
// reports a JSON parse error rather than the missing files.
func checkServed(ctx context.Context, url string) *Error {
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
	return &Error{Package: "pyodidebridge", Op: "Load", Kind: ErrLoad, Detail: what + " for indexURL " + url, Err: cause, Fix: fix}
}
