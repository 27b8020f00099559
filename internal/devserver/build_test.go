//go:build !js

package devserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuild serves a js/wasm package as /main.wasm, shows a compile error
// as the response body, and rebuilds once the source is fixed.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Go compiler")
	}
	app := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(app, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() { println(1) }\n")
	srv := newServer(t, Config{Root: fixture(t), Build: &Build{Dir: app, Package: "."}})

	status, h, body := rawGet(t, srv, "/main.wasm")
	if status != 200 || h.Get("Content-Type") != "application/wasm" || !strings.HasPrefix(body, "\x00asm") {
		t.Fatalf("/main.wasm: status %d, type %q, %d bytes", status, h.Get("Content-Type"), len(body))
	}
	checkIsolation(t, "/main.wasm", h)
	first := h.Get("ETag")

	// A later modification time than the build's, whatever the clock's
	// resolution.
	later := time.Now().Add(2 * time.Second)
	write("main.go", "package main\n\nfunc main() { undefinedName() }\n")
	os.Chtimes(filepath.Join(app, "main.go"), later, later)
	status, _, body = rawGet(t, srv, "/main.wasm")
	if status != 500 || !strings.Contains(body, "undefinedName") {
		t.Fatalf("/main.wasm after a compile error: status %d, body starts %q; want 500 naming undefinedName", status, body[:min(len(body), 80)])
	}

	write("main.go", "package main\n\nfunc main() { println(2) }\n")
	later = later.Add(2 * time.Second)
	os.Chtimes(filepath.Join(app, "main.go"), later, later)
	status, h, body = rawGet(t, srv, "/main.wasm")
	if status != 200 || !strings.HasPrefix(body, "\x00asm") || h.Get("ETag") == first {
		t.Fatalf("/main.wasm after the fix: status %d, %d bytes, ETag %s (first build's %s)", status, len(body), h.Get("ETag"), first)
	}
}
