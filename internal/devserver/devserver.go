//go:build !js

// Package devserver is the static file server behind `sabkit serve`: it
// serves a directory the way a cross-origin-isolated app needs it (COOP,
// COEP and CORP on every response, errors included; strict MIME types),
// self-hosts Pyodide from its npm package under /pyodide/ (and optionally,
// under /pyodide-shared/, the same package with its heap made shared by the
// wasm rewriter), never leaves the directory, and never lists directories.
package devserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sabkit/sabkit/internal/coihttp"
	"github.com/sabkit/sabkit/internal/wasmrewrite"
)

// PyodidePrefix is the URL path under which Pyodide is served as
// published.
const PyodidePrefix = "/pyodide/"

// PyodideSharedPrefix is the URL path under which Config.SharedHeap serves
// the same Pyodide with pyodide.asm.wasm pre-patched to a shared memory. It
// is a prefix of its own because the patched module links only with hooks
// that make every other module import the memory as shared: a stock
// loadPyodide from it fails with "mismatch in shared state of memory".
const PyodideSharedPrefix = "/pyodide-shared/"

// Config says what to serve.
type Config struct {
	// Root is the directory served at /.
	Root string
	// Pyodide is the directory of the pyodide npm package (the folder
	// holding pyodide.mjs and pyodide.asm.wasm); "" serves no Pyodide.
	Pyodide string
	// SharedHeap also serves Pyodide under PyodideSharedPrefix with
	// pyodide.asm.wasm rewritten so its memory is shared, for
	// pyodidebridge.LoadWorker or Load with SharedHeap given that prefix
	// as IndexURL: the rewrite happens once here instead of in every
	// browser that boots it. PyodidePrefix stays stock.
	SharedHeap bool
	// Wheels is a folder of wheels served as part of Pyodide (under
	// PyodidePrefix and PyodideSharedPrefix by file name, each with an entry
	// in the pyodide-lock.json served there), so that loadPackage("name")
	// installs them offline. "" or a missing folder serves Pyodide as it is.
	Wheels string
	// Mounts serves extra directories under URL prefixes ("/assets/").
	Mounts map[string]string
	// Assets serves file systems (such as embedded scripts) under URL
	// prefixes.
	Assets map[string]fs.FS
	// WasmExec is a wasm_exec.js (see WasmExec) served at /wasm_exec.js
	// when Root has none of its own; "" serves only Root's.
	WasmExec string
	// Build, when set, serves a js/wasm package built on demand at
	// /main.wasm, in place of any main.wasm in Root.
	Build *Build
	// Handlers serves extra handlers under ServeMux patterns ("POST
	// /report"), behind the same isolation headers.
	Handlers map[string]http.Handler
}

// Handler returns the server's handler. The returned close function
// releases the open directory handles.
func Handler(cfg Config) (http.Handler, func(), error) {
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	mux := http.NewServeMux()
	serve := func(prefix string, f *files) {
		mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), f))
	}
	mount := func(prefix, dir string, patch map[string]generator) error {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return fmt.Errorf("devserver: serving %s: %w", dir, err)
		}
		closers = append(closers, func() { root.Close() })
		f := &files{root: root, patched: patch}
		if cfg.Wheels != "" && (prefix == PyodidePrefix || prefix == PyodideSharedPrefix) {
			mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), &wheels{dir: cfg.Wheels, pyodide: dir, next: f}))
			return nil
		}
		serve(prefix, f)
		return nil
	}
	if err := mount("/", cfg.Root, nil); err != nil {
		closeAll()
		return nil, nil, err
	}
	if cfg.Pyodide != "" {
		if err := CheckPyodide(cfg.Pyodide); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("devserver: %w", err)
		}
		if err := mount(PyodidePrefix, cfg.Pyodide, nil); err != nil {
			closeAll()
			return nil, nil, err
		}
		if cfg.SharedHeap {
			patch := map[string]generator{"/pyodide.asm.wasm": sharedPyodide(cfg.Pyodide)}
			if err := mount(PyodideSharedPrefix, cfg.Pyodide, patch); err != nil {
				closeAll()
				return nil, nil, err
			}
		}
	}
	for prefix, dir := range cfg.Mounts {
		if err := mount(slashed(prefix), dir, nil); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	if cfg.WasmExec != "" {
		if err := serveWasmExec(mux, cfg); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	if cfg.Build != nil {
		mux.Handle("/main.wasm", &files{fsys: os.DirFS(cfg.Build.Dir), patched: map[string]generator{"/main.wasm": cfg.Build.wasm}})
	}
	for prefix, fsys := range cfg.Assets {
		serve(slashed(prefix), &files{fsys: fsys})
	}
	for pattern, h := range cfg.Handlers {
		mux.Handle(pattern, h)
	}
	return coihttp.Isolate(mux), closeAll, nil
}

// serveWasmExec serves cfg.WasmExec at /wasm_exec.js unless Root has its
// own, which then wins: an app may pin the bootstrap of the Go it ships.
func serveWasmExec(mux *http.ServeMux, cfg Config) error {
	if fi, err := os.Stat(filepath.Join(cfg.Root, "wasm_exec.js")); err == nil && fi.Mode().IsRegular() {
		return nil
	}
	if _, err := os.Stat(cfg.WasmExec); err != nil {
		return fmt.Errorf("devserver: serving wasm_exec.js: %w", err)
	}
	read := func() (generated, error) {
		info, err := os.Stat(cfg.WasmExec)
		if err != nil {
			return generated{}, err
		}
		data, err := os.ReadFile(cfg.WasmExec)
		return generated{data: data, mod: info.ModTime()}, err
	}
	mux.Handle("/wasm_exec.js", &files{fsys: os.DirFS(filepath.Dir(cfg.WasmExec)), patched: map[string]generator{"/wasm_exec.js": read}})
	return nil
}

func slashed(prefix string) string {
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix
}

// generated is content the server makes rather than reads from a file.
// A zero mod means it never changes while the server runs (it is hashed
// once for its ETag); otherwise mod changes whenever the content does.
type generated struct {
	data []byte
	mod  time.Time
}

type generator func() (generated, error)

// sharedPyodide rewrites pyodide.asm.wasm once, on first request.
func sharedPyodide(dir string) generator {
	return sync.OnceValues(func() (generated, error) {
		in, err := os.ReadFile(filepath.Join(dir, "pyodide.asm.wasm"))
		if err != nil {
			return generated{}, err
		}
		res, err := wasmrewrite.Share(in)
		if err != nil {
			return generated{}, fmt.Errorf("making Pyodide's heap shared: %w", err)
		}
		return generated{data: res.Module}, nil
	})
}

// files serves regular files from a directory (root) or another file
// system (fsys). A directory's os.Root refuses every path that would leave
// it (.., absolute symlinks, symlinks pointing out).
type files struct {
	root    *os.Root
	fsys    fs.FS
	patched map[string]generator
	etags   etagCache
}

func (f *files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, err := cleanPath(r.URL.Path)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, fs.ErrNotExist) {
			status = http.StatusNotFound
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	if p, ok := f.patched["/"+name]; ok {
		c, err := p()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		f.serve(w, r, name, c.mod, bytes.NewReader(c.data))
		return
	}
	file, info, err := f.open(name)
	if err != nil {
		status := http.StatusNotFound
		if errors.Is(err, fs.ErrPermission) {
			status = http.StatusForbidden
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer file.Close()
	f.serve(w, r, info.Name(), info.ModTime(), file)
}

// serve sends content with its type, an ETag and Last-Modified, and lets
// http.ServeContent answer If-None-Match / If-Modified-Since with 304.
// no-cache makes the browser revalidate every time, which costs a 304, not
// the file, so an edited file is never served stale.
func (f *files) serve(w http.ResponseWriter, r *http.Request, name string, mod time.Time, content io.ReadSeeker) {
	tag, err := f.etags.get(r.URL.Path, mod, content)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if ct := coihttp.ContentType(name); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, mod, content)
}

// open opens name, serving index.html for a directory. It looks before it
// opens: anything but a regular file or a directory (FIFOs, devices,
// sockets) is not found, since opening a FIFO blocks until a writer comes.
// Other directories are not found either, since listings would leak file
// names.
func (f *files) open(name string) (io.ReadSeekCloser, fs.FileInfo, error) {
	if name == "" {
		name = "."
	}
	for range 2 {
		info, err := f.stat(name)
		if err != nil {
			return nil, nil, err
		}
		if info.IsDir() {
			name = path.Join(name, "index.html")
			continue
		}
		if !info.Mode().IsRegular() {
			return nil, nil, fs.ErrNotExist
		}
		file, err := f.openRegular(name)
		if err != nil {
			return nil, nil, err
		}
		// The name may have been swapped for something else since the
		// look; what counts is what was opened.
		info, err = file.Stat()
		rs, ok := file.(io.ReadSeekCloser)
		if err != nil || !ok || !info.Mode().IsRegular() {
			file.Close()
			return nil, nil, fs.ErrNotExist
		}
		return rs, info, nil
	}
	return nil, nil, fs.ErrNotExist
}

func (f *files) stat(name string) (fs.FileInfo, error) {
	if f.root != nil {
		return f.root.Stat(name)
	}
	return fs.Stat(f.fsys, name)
}

func (f *files) openRegular(name string) (fs.File, error) {
	if f.root != nil {
		return f.root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	}
	return f.fsys.Open(name)
}

// cleanPath turns a URL path into a root-relative file name. It refuses
// anything that tries to climb (".." segments, backslashes, NUL bytes:
// fs.ErrInvalid) and hides every dotfile and dot-directory (.env, .git/…:
// fs.ErrNotExist). The URL is already percent-decoded, so %2e%2e arrives
// as "..".
func cleanPath(p string) (string, error) {
	if strings.ContainsAny(p, "\\\x00") {
		return "", fs.ErrInvalid
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", fs.ErrInvalid
		}
	}
	clean := strings.TrimPrefix(path.Clean("/"+p), "/")
	if !fs.ValidPath(clean) && clean != "" {
		return "", fs.ErrInvalid
	}
	for _, seg := range strings.Split(clean, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", fs.ErrNotExist
		}
	}
	return clean, nil
}
