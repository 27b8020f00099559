//go:build !js

package devserver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/internal/wasmrewrite"
	"github.com/sabkit/sabkit/pyodidebridge"
)

const secret = "TOP-SECRET-OUTSIDE-ROOT"

// fixture builds  tmp/outside/secret.txt  and  tmp/site/{index.html, app.js,
// m.wasm, sub/inner.mjs, empty/, link-out -> ../outside, secret-link ->
// ../outside/secret.txt, ok-link -> app.js}.
func fixture(t *testing.T) (site string) {
	t.Helper()
	tmp := t.TempDir()
	outside := filepath.Join(tmp, "outside")
	site = filepath.Join(tmp, "site")
	for _, d := range []string{outside, site, filepath.Join(site, "sub"), filepath.Join(site, "empty")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.txt"), secret)
	write(filepath.Join(site, "index.html"), "<!doctype html><title>home</title>")
	write(filepath.Join(site, "app.js"), "console.log(1)")
	write(filepath.Join(site, "m.wasm"), "\x00asm\x01\x00\x00\x00")
	write(filepath.Join(site, "pkg.whl"), "PK")
	write(filepath.Join(site, "stdlib.zip"), "PK")
	write(filepath.Join(site, "sub", "inner.mjs"), "export {}")
	for link, target := range map[string]string{"link-out": "../outside", "secret-link": "../outside/secret.txt", "ok-link": "app.js", "abs-link": filepath.Join(outside, "secret.txt")} {
		if err := os.Symlink(target, filepath.Join(site, link)); err != nil {
			t.Fatal(err)
		}
	}
	return site
}

func newServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	h, closeFn, err := Handler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); closeFn() })
	return srv
}

// rawGet sends the request line exactly as given, so no client-side
// cleaning hides a traversal attempt.
func rawGet(t *testing.T, srv *httptest.Server, target string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func checkIsolation(t *testing.T, target string, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Embedder-Policy": "require-corp",
		"Cross-Origin-Resource-Policy": "same-origin",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", target, name, got, want)
		}
	}
}

func TestHeadersAndTypes(t *testing.T) {
	srv := newServer(t, Config{Root: fixture(t)})
	tests := []struct {
		target string
		status int
		ctype  string
	}{
		{"/", 200, "text/html; charset=utf-8"},
		{"/index.html", 200, "text/html; charset=utf-8"},
		{"/app.js", 200, "text/javascript; charset=utf-8"},
		{"/m.wasm", 200, "application/wasm"},
		{"/pkg.whl", 200, "application/zip"},
		{"/stdlib.zip", 200, "application/zip"},
		{"/sub/inner.mjs", 200, "text/javascript; charset=utf-8"},
		{"/ok-link", 200, ""},
		{"/missing.js", 404, "text/plain; charset=utf-8"},
		{"/sub/", 404, "text/plain; charset=utf-8"}, // a directory without index.html: no listing
		{"/empty", 404, "text/plain; charset=utf-8"},
		{"/sub/nope.wasm", 404, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		status, h, body := rawGet(t, srv, tt.target)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d (%q)", tt.target, status, tt.status, body)
		}
		if tt.ctype != "" && h.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.target, h.Get("Content-Type"), tt.ctype)
		}
		if strings.Contains(body, "inner.mjs") && tt.target == "/sub/" {
			t.Errorf("%s lists the directory: %q", tt.target, body)
		}
		checkIsolation(t, tt.target, h)
	}
	// Methods other than GET/HEAD get an error, with the headers too.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/app.js", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", resp.StatusCode)
	}
	checkIsolation(t, "POST /app.js", resp.Header)
}

// TestTraversalRefused tries to read a file next to the served directory
// through every route that has worked against some server.
func TestTraversalRefused(t *testing.T) {
	srv := newServer(t, Config{Root: fixture(t)})
	targets := []string{
		"/../outside/secret.txt",
		"/sub/../../outside/secret.txt",
		"/%2e%2e/outside/secret.txt",
		"/%2E%2E/outside/secret.txt",
		"/..%2foutside%2fsecret.txt",
		"/%2e%2e%2foutside%2fsecret.txt",
		"/sub/%2e%2e/%2e%2e/outside/secret.txt",
		"/..%5coutside%5csecret.txt",
		"/..\\outside\\secret.txt",
		"/%252e%252e/outside/secret.txt",
		"/link-out/secret.txt",
		"/secret-link",
		"/abs-link",
		"//outside/secret.txt",
		"/./../outside/secret.txt",
		"/secret.txt%00.js",
	}
	for _, target := range targets {
		status, h, body := rawGet(t, srv, target)
		if strings.Contains(body, secret) {
			t.Errorf("%s leaked the file outside the root (status %d)", target, status)
		}
		if status == http.StatusOK {
			t.Errorf("%s: status 200, want a refusal", target)
		}
		checkIsolation(t, target, h)
	}
}

func TestPyodideMount(t *testing.T) {
	pyo := filepath.Join("..", "..", "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(pyo, "pyodide.asm.wasm")); err != nil {
		t.Skipf("Pyodide is not installed (%v); run: npm ci --prefix testdata/pyodide", err)
	}
	// With SharedHeap the patched module has a path of its own, and
	// /pyodide/ stays what stock loadPyodide links against.
	for _, shared := range []bool{false, true} {
		srv := newServer(t, Config{Root: fixture(t), Pyodide: pyo, SharedHeap: shared})
		paths := map[string]bool{PyodidePrefix: false}
		if shared {
			paths[PyodideSharedPrefix] = true
		} else if status, _, _ := rawGet(t, srv, PyodideSharedPrefix+"pyodide.asm.wasm"); status != 404 {
			t.Fatalf("shared=false: %s served (status %d)", PyodideSharedPrefix, status)
		}
		for prefix, wantShared := range paths {
			status, h, body := rawGet(t, srv, prefix+"pyodide.asm.wasm")
			if status != 200 || h.Get("Content-Type") != "application/wasm" {
				t.Fatalf("shared=%v %s: status %d, type %q", shared, prefix, status, h.Get("Content-Type"))
			}
			checkIsolation(t, prefix+"pyodide.asm.wasm", h)
			mems, err := inspect([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(mems) != 1 || mems[0].Limits.Shared != wantShared {
				t.Fatalf("shared=%v %s: served module memories %+v", shared, prefix, mems)
			}
			if status, h, _ := rawGet(t, srv, prefix+"pyodide.mjs"); status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
				t.Fatalf("%spyodide.mjs: status %d type %q", prefix, status, h.Get("Content-Type"))
			}
		}
	}
}

func inspect(b []byte) ([]wasmrewrite.Memory, error) { return wasmrewrite.Inspect(b) }

func TestAssetsMount(t *testing.T) {
	srv := newServer(t, Config{Root: fixture(t), Assets: map[string]fs.FS{
		"/lib": fstest.MapFS{"worker.js": {Data: []byte("self.x=1")}, "sub/a.wasm": {Data: []byte("\x00asm")}},
	}})
	tests := []struct {
		target string
		status int
		ctype  string
	}{
		{"/lib/worker.js", 200, "text/javascript; charset=utf-8"},
		{"/lib/sub/a.wasm", 200, "application/wasm"},
		{"/lib/sub/", 404, "text/plain; charset=utf-8"},
		{"/lib/../outside/secret.txt", 307, ""},
		{"/lib/%2e%2e/app.js", 400, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		status, h, body := rawGet(t, srv, tt.target)
		if status != tt.status || (tt.ctype != "" && h.Get("Content-Type") != tt.ctype) {
			t.Errorf("%s: status %d type %q (%q), want %d %q", tt.target, status, h.Get("Content-Type"), body, tt.status, tt.ctype)
		}
		checkIsolation(t, tt.target, h)
	}
}

func TestWasmExec(t *testing.T) {
	goExec, err := WasmExec()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(goExec)
	if err != nil {
		t.Fatal(err)
	}
	site := fixture(t)
	srv := newServer(t, Config{Root: site, WasmExec: goExec})
	status, h, body := rawGet(t, srv, "/wasm_exec.js")
	if status != 200 || body != string(want) || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") {
		t.Fatalf("/wasm_exec.js from the toolchain: status %d type %q, %d bytes, want %d", status, h.Get("Content-Type"), len(body), len(want))
	}
	checkIsolation(t, "/wasm_exec.js", h)

	// The served directory's own copy wins.
	if err := os.WriteFile(filepath.Join(site, "wasm_exec.js"), []byte("// pinned"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv = newServer(t, Config{Root: site, WasmExec: goExec})
	if status, _, body := rawGet(t, srv, "/wasm_exec.js"); status != 200 || body != "// pinned" {
		t.Fatalf("/wasm_exec.js with one in the directory: status %d, %d bytes, want the directory's 9", status, len(body))
	}
}

func TestNotPyodideRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pyodide.mjs"), []byte("export {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Handler(Config{Root: fixture(t), Pyodide: dir})
	if !errors.Is(err, ErrNotPyodide) {
		t.Fatalf("Handler with a directory that is not Pyodide: %v, want ErrNotPyodide", err)
	}
	for _, name := range []string{"pyodide.asm.wasm", "pyodide-lock.json"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error %q does not name the missing %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "pyodide.mjs,") || strings.Contains(err.Error(), "no pyodide.mjs") {
		t.Errorf("the error %q names pyodide.mjs, which is there", err)
	}
}

// TestHandlers: an extra handler answers its pattern, behind the isolation
// headers, and leaves the rest of the site alone.
func TestHandlers(t *testing.T) {
	srv := newServer(t, Config{Root: fixture(t), Handlers: map[string]http.Handler{
		"POST /report": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, r.Body)
		}),
	}})
	tests := []struct {
		method, target, body string
		status               int
		want                 string
	}{
		{"POST", "/report", "echo", 200, "echo"},
		{"GET", "/report", "", 404, ""}, // the pattern is POST only: the site has no such file
		{"GET", "/app.js", "", 200, ""},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, srv.URL+tt.target, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || (tt.want != "" && string(body) != tt.want) {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.target, resp.StatusCode, body, tt.status, tt.want)
		}
		checkIsolation(t, tt.target, resp.Header)
	}
}

// TestSabkitFileNames: every file SabkitFiles serves is listed, and every
// name listed is served.
func TestSabkitFileNames(t *testing.T) {
	for _, name := range SabkitFileNames {
		if _, err := fs.Stat(SabkitFiles(), name); err != nil {
			t.Errorf("SabkitFileNames lists %s: %v", name, err)
		}
	}
	served := 0
	for _, fsys := range []fs.FS{sharedheap.Assets(), pyodidebridge.PythonFiles, atomicsx.JSModule} {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		served += len(entries)
	}
	if served != len(SabkitFileNames) {
		t.Errorf("SabkitFiles holds %d files, SabkitFileNames lists %d", served, len(SabkitFileNames))
	}

	// package.json's "files" are the others, so npm packs what is served.
	data, err := fs.ReadFile(SabkitFiles(), "package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Files []string }
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	want := slices.DeleteFunc(slices.Clone(SabkitFileNames), func(n string) bool { return n == "package.json" })
	slices.Sort(want)
	slices.Sort(pkg.Files)
	if !slices.Equal(pkg.Files, want) {
		t.Errorf("package.json lists files %v, want the served files %v", pkg.Files, want)
	}
}
