//go:build !js

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
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
