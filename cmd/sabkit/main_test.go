//go:build !js

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
)

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
	srv, url, err := startServer("127.0.0.1:0", devserver.Config{Root: dir, Pyodide: findPyodide()})
	require.NoError(t, err)
	defer shutdown(srv)
	for _, path := range []string{"", "nope.js"} {
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
	}
}
