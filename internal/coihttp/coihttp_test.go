package coihttp

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIsolateEveryResponse checks the three headers on a file, a 404 and a
// handler error, and the MIME types browsers are strict about.
func TestIsolateEveryResponse(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"m.wasm", "x.mjs", "p.whl", "a.js"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
	}
	mux := http.NewServeMux()
	mux.Handle("/", TypedFiles(http.FileServer(http.Dir(dir))))
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	srv := httptest.NewServer(Isolate(mux))
	defer srv.Close()

	tests := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/m.wasm", 200, "application/wasm"},
		{"/x.mjs", 200, "text/javascript; charset=utf-8"},
		{"/a.js", 200, "text/javascript; charset=utf-8"},
		{"/p.whl", 200, "application/zip"},
		{"/missing.js", 404, "text/plain; charset=utf-8"},
		{"/boom", 500, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tt.status, resp.StatusCode, tt.path)
		assert.Equal(t, tt.ctype, resp.Header.Get("Content-Type"), tt.path)
		for h, want := range map[string]string{
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Embedder-Policy": "require-corp",
			"Cross-Origin-Resource-Policy": "same-origin",
		} {
			assert.Equal(t, want, resp.Header.Get(h), "%s: %s", tt.path, h)
		}
	}
}
