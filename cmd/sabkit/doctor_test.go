//go:build !js

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/sabkit/sabkit/internal/devserver"
)

// TestDoctorExitStatus runs `sabkit doctor` against a directory served by
// `sabkit serve`'s server (isolated: 0), against the same page served
// without headers (1), and against a page sent as a download (1, not 2:
// a broken deployment, not doctor's misuse).
func TestDoctorExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(`<!doctype html><script>new Worker("w.js")</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "w.js"), []byte(`postMessage(1)`), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, url, err := startServer("127.0.0.1:0", devserver.Config{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(srv)
	plain := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer plain.Close()
	// The page as a download, with the isolation headers: what the README's
	// old nginx block did. Chromium aborts the navigation.
	download := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte(`<!doctype html><p>hello`))
	}))
	defer download.Close()
	for _, tt := range []struct {
		url  string
		want int
	}{{url, 0}, {plain.URL + "/", 1}, {download.URL + "/", 1}} {
		if got := run([]string{"doctor", "--timeout", "30s", "--settle", "300ms", tt.url}); got != tt.want {
			t.Errorf("doctor %s: exit %d, want %d", tt.url, got, tt.want)
		}
	}
}
