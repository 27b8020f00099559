//go:build !js

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// TestServePyodideLookup follows serve's order: --pyodide, then
// DIR/node_modules/pyodide, then the checkout's; a directory that is not
// Pyodide is an error, and serving none says how to get one.
func TestServePyodideLookup(t *testing.T) {
	checkout := filepath.Join(moduleRootT(t), "testdata", "pyodide", "node_modules", "pyodide")
	if devserver.CheckPyodide(checkout) != nil {
		t.Skip("Pyodide is not installed: npm ci --prefix testdata/pyodide")
	}
	notPyodide := t.TempDir()
	app := t.TempDir()

	_, _, err := serveConfig(app, notPyodide, "", false)
	require.ErrorIs(t, err, devserver.ErrNotPyodide, "--pyodide of an empty directory")

	cfg, notes, err := serveConfig(app, "", "", false)
	require.NoError(t, err)
	assert.Equal(t, checkout, cfg.Pyodide, "no --pyodide, no node_modules: the checkout's")
	assert.Contains(t, strings.Join(notes, "\n"), "the sabkit checkout")

	local := filepath.Join(app, "node_modules", "pyodide")
	require.NoError(t, os.MkdirAll(local, 0o755))
	_, _, err = serveConfig(app, "", "", false)
	require.ErrorIs(t, err, devserver.ErrNotPyodide, "an empty node_modules/pyodide")

	require.NoError(t, os.Remove(local))
	require.NoError(t, os.Symlink(checkout, local))
	cfg, _, err = serveConfig(app, "", "", false)
	require.NoError(t, err)
	assert.Equal(t, local, cfg.Pyodide, "DIR/node_modules/pyodide comes before the checkout")

	// Outside any checkout and without node_modules: none, and the fix.
	t.Chdir(t.TempDir())
	bare := t.TempDir()
	cfg, notes, err = serveConfig(bare, "", "", false)
	require.NoError(t, err)
	assert.Empty(t, cfg.Pyodide)
	assert.Contains(t, strings.Join(notes, "\n"), "npm install pyodide@"+pyodideVersion)
}

func moduleRootT(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	return root
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"serve without DIR", []string{"serve"}, 2},
		{"serve a file", []string{"serve", "main.go"}, 1},
		{"serve bad flag", []string{"serve", "--nope", "."}, 2},
		{"doctor without URL", []string{"doctor"}, 2},
		{"doctor relative URL", []string{"doctor", "index.html"}, 2},
	}
	devnull, _ := os.Open(os.DevNull)
	defer devnull.Close()
	stderr := os.Stderr
	os.Stderr = devnull
	defer func() { os.Stderr = stderr }()
	for _, tt := range tests {
		assert.Equal(t, tt.want, run(tt.args), tt.name)
	}
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html>hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := serveConfig(dir, "", "", false)
	require.NoError(t, err)
	srv, url, err := startServer("127.0.0.1:0", cfg)
	require.NoError(t, err)
	defer shutdown(srv)
	for _, path := range []string{"", "nope.js", "wasm_exec.js", "sabkit/sabkit-atomics.mjs", "sabkit/sabkit-atomics.js"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Cross-Origin-Embedder-Policy") != "require-corp" || resp.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" {
			t.Errorf("/%s: isolation headers missing: %v", path, resp.Header)
		}
		if path == "" && string(body) != "<!doctype html>hi" {
			t.Errorf("index: %q", body)
		}
		if path != "nope.js" && (strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".mjs")) {
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
				t.Errorf("/%s: status %d, type %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
	}
}

// TestServeSharedHeapKeepsStock: with --shared-heap, a page's own stock
// loadPyodide from /pyodide/ still links, and a shared-heap worker boots
// from the pre-patched /pyodide-shared/ without rewriting the main module.
func TestServeSharedHeapKeepsStock(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide three times in Chromium")
	}
	checkout := checkoutPyodide(t)
	// testdata/sharedheap holds the page: page.mjs loads stock Pyodide from
	// /pyodide/, then boots a shared-heap worker from /pyodide-shared/ and one
	// from /pyodide/ (where the worker rewrites the module itself), and runs
	// Python in each.
	dir := t.TempDir()
	for _, name := range []string{"index.html", "page.mjs"} {
		b, err := os.ReadFile(filepath.Join("testdata", "sharedheap", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	cfg, notes, err := serveConfig(dir, checkout, "", true)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(notes, "\n"), "URL/pyodide-shared/")
	cfg.Assets["/sharedheap/"] = sharedheap.Assets()
	srv, url, err := startServer("127.0.0.1:0", cfg)
	require.NoError(t, err)
	defer shutdown(srv)

	bctx, cancel, err := headlessChromium(func(any) {})
	require.NoError(t, err)
	defer cancel()
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url)))
	raw, err := chromedp.Run(bctx, chromedp.Poll[string](`window.result`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(3*time.Minute)))
	require.NoError(t, err, "the page did not finish")
	type workerRun struct {
		Answer                   int
		Shared                   bool
		Rewritten, PassedThrough int
		Ms                       float64
	}
	var got struct {
		Error string
		Stock struct {
			Answer int
			Shared bool
		}
		Prepatched, PatchedInWorker workerRun
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &got), raw)
	t.Logf("page: %s", raw)
	require.Empty(t, got.Error)
	assert.Equal(t, 42, got.Stock.Answer, "stock Pyodide from /pyodide/ runs Python")
	assert.False(t, got.Stock.Shared, "stock Pyodide's heap is not shared")
	for name, w := range map[string]workerRun{
		"/pyodide-shared/": got.Prepatched, "/pyodide/": got.PatchedInWorker} {
		assert.Equal(t, 42, w.Answer, "%s: the worker runs Python", name)
		assert.True(t, w.Shared, "%s: the worker's heap is shared", name)
	}
	assert.Less(t, got.Prepatched.Rewritten, got.PatchedInWorker.Rewritten, "the pre-patched main module needs no rewrite in the worker")
	assert.Positive(t, got.Prepatched.PassedThrough, "the pre-patched main module passes the hooks unchanged")
	t.Logf("worker start: /pyodide-shared/ %.0f ms, /pyodide/ %.0f ms (ratio %.2f)",
		got.Prepatched.Ms, got.PatchedInWorker.Ms, got.Prepatched.Ms/got.PatchedInWorker.Ms)
}
