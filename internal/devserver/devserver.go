//go:build !js

// Package devserver is the static file server behind `sabkit serve`: it
// serves a directory the way a cross-origin-isolated app needs it (COOP,
// COEP and CORP on every response, errors included; strict MIME types),
// self-hosts Pyodide from its npm package under /pyodide/ (optionally with
// its heap made shared by the wasm rewriter), never leaves the directory,
// and never lists directories.
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

// PyodidePrefix is the URL path under which Pyodide is served.
const PyodidePrefix = "/pyodide/"

// Config says what to serve.
type Config struct {
	// Root is the directory served at /.
	Root string
	// Pyodide is the directory of the pyodide npm package (the folder
	// holding pyodide.mjs and pyodide.asm.wasm); "" serves no Pyodide.
	Pyodide string
	// SharedHeap serves pyodide.asm.wasm rewritten so its memory is
	// shared, so the browser can stream-compile the patched module.
	SharedHeap bool
	// Mounts serves extra directories under URL prefixes ("/assets/").
	Mounts map[string]string
	// Assets serves file systems (such as embedded scripts) under URL
	// prefixes.
	Assets map[string]fs.FS
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
	serveFS := func(prefix string, fsys fs.FS, patch map[string]func() ([]byte, error)) {
		mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), &files{fsys: fsys, patched: patch}))
	}
	mount := func(prefix, dir string, patch map[string]func() ([]byte, error)) error {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return fmt.Errorf("devserver: serving %s: %w", dir, err)
		}
		closers = append(closers, func() { root.Close() })
		serveFS(prefix, root.FS(), patch)
		return nil
	}
	if err := mount("/", cfg.Root, nil); err != nil {
		closeAll()
		return nil, nil, err
	}
	if cfg.Pyodide != "" {
		var patch map[string]func() ([]byte, error)
		if cfg.SharedHeap {
			patch = map[string]func() ([]byte, error){"/pyodide.asm.wasm": sharedPyodide(cfg.Pyodide)}
		}
		if err := mount(PyodidePrefix, cfg.Pyodide, patch); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	for prefix, dir := range cfg.Mounts {
		if err := mount(slashed(prefix), dir, nil); err != nil {
			closeAll()
			return nil, nil, err
		}
	}
	for prefix, fsys := range cfg.Assets {
		serveFS(slashed(prefix), fsys, nil)
	}
	return coihttp.Isolate(mux), closeAll, nil
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

// sharedPyodide rewrites pyodide.asm.wasm once, on first request.
func sharedPyodide(dir string) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) {
		in, err := os.ReadFile(filepath.Join(dir, "pyodide.asm.wasm"))
		if err != nil {
			return nil, err
		}
		res, err := wasmrewrite.Share(in)
		if err != nil {
			return nil, fmt.Errorf("making Pyodide's heap shared: %w", err)
		}
		return res.Module, nil
	})
}

// files serves regular files from a file system. For directories it is an
// os.Root's, which refuses every path that would leave the directory (..,
// absolute symlinks, symlinks pointing out).
type files struct {
	fsys    fs.FS
	patched map[string]func() ([]byte, error)
}

func (f *files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanPath(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	if ct := coihttp.ContentType(name); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if p, ok := f.patched["/"+name]; ok {
		data, err := p()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
		return
	}
	file, info, err := f.open(name)
	if err != nil {
		if ct := w.Header().Get("Content-Type"); ct != "" {
			w.Header().Del("Content-Type")
		}
		status := http.StatusNotFound
		if errors.Is(err, fs.ErrPermission) {
			status = http.StatusForbidden
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer file.Close()
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, info.Name(), info.ModTime(), file)
}

// open opens name, serving index.html for a directory; other directories
// are not found, since listings would leak file names.
func (f *files) open(name string) (io.ReadSeekCloser, fs.FileInfo, error) {
	if name == "" {
		name = "."
	}
	for range 2 {
		file, err := f.fsys.Open(name)
		if err != nil {
			return nil, nil, err
		}
		info, err := file.Stat()
		if err != nil {
			file.Close()
			return nil, nil, err
		}
		if rs, ok := file.(io.ReadSeekCloser); ok && info.Mode().IsRegular() {
			return rs, info, nil
		}
		file.Close()
		if !info.IsDir() {
			return nil, nil, fs.ErrNotExist
		}
		name = path.Join(name, "index.html")
	}
	return nil, nil, fs.ErrNotExist
}

// cleanPath turns a URL path into a root-relative file name, refusing
// anything that tries to climb: ".." segments, backslashes, NUL bytes.
// (The URL is already percent-decoded, so %2e%2e arrives as "..".)
func cleanPath(p string) (string, bool) {
	if strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", false
		}
	}
	clean := strings.TrimPrefix(path.Clean("/"+p), "/")
	if !fs.ValidPath(clean) && clean != "" {
		return "", false
	}
	return clean, true
}
