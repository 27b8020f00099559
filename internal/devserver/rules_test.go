//go:build !js

package devserver

import (
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const dotSecret = "DOTFILE-SECRET"

// TestDotfilesHidden asks for dotfiles and dot-directories in every
// spelling that decodes to one; each must be a 404 that does not leak.
func TestDotfilesHidden(t *testing.T) {
	site := fixture(t)
	for _, d := range []string{".git", filepath.Join("sub", ".cache"), ".well-known"} {
		if err := os.MkdirAll(filepath.Join(site, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{".env", filepath.Join(".git", "config"), filepath.Join("sub", ".hidden.js"),
		filepath.Join("sub", ".cache", "x.js"), filepath.Join(".git", "index.html"), filepath.Join(".well-known", "a.txt")} {
		if err := os.WriteFile(filepath.Join(site, f), []byte(dotSecret), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(".env", filepath.Join(site, "env-link")); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, Config{Root: site, Assets: map[string]fs.FS{"/lib": fstest.MapFS{
		".secret.js": {Data: []byte(dotSecret)}, "ok.js": {Data: []byte("1")},
	}}})
	targets := []string{
		"/.env", "/.git/config", "/.git/", "/.git", "/sub/.hidden.js", "/sub/.cache/x.js",
		"/%2eenv", "/%2Egit/config", "/sub/./.hidden.js", "//.env", "/.well-known/a.txt",
		"/lib/.secret.js", "/lib/%2esecret.js",
	}
	for _, target := range targets {
		status, h, body := rawGet(t, srv, target)
		if status == http.StatusTemporaryRedirect || status == http.StatusMovedPermanently {
			// The mux sends unclean paths to their clean form; that must 404.
			loc := h.Get("Location")
			checkIsolation(t, target, h)
			status, h, body = rawGet(t, srv, loc)
			target += " → " + loc
		}
		if status != http.StatusNotFound || strings.Contains(body, dotSecret) {
			t.Errorf("%s: status %d body %q, want a 404 without the file", target, status, body)
		}
		checkIsolation(t, target, h)
	}
	// A symlink without a dot that points at a dotfile names the file the
	// site chose to publish under that name: it is served.
	if status, _, _ := rawGet(t, srv, "/env-link"); status != http.StatusOK {
		t.Errorf("/env-link: status %d", status)
	}
	if status, _, _ := rawGet(t, srv, "/lib/ok.js"); status != http.StatusOK {
		t.Errorf("/lib/ok.js: status %d", status)
	}
}

// TestConditionalRequests checks ETag and Last-Modified, the 304s they
// earn, and that an edited file gets a new ETag.
func TestConditionalRequests(t *testing.T) {
	site := fixture(t)
	srv := newServer(t, Config{Root: site, Assets: map[string]fs.FS{"/lib": fstest.MapFS{"w.js": {Data: []byte("self.x=1")}}}})
	get := func(target string, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+target, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, target := range []string{"/app.js", "/", "/lib/w.js"} {
		first := get(target)
		tag := first.Header.Get("ETag")
		if first.StatusCode != 200 || !strings.HasPrefix(tag, `"`) {
			t.Fatalf("%s: status %d ETag %q", target, first.StatusCode, tag)
		}
		if r := get(target, "If-None-Match", tag); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match %s: status %d, want 304", target, tag, r.StatusCode)
		} else {
			checkIsolation(t, target+" (304)", r.Header)
		}
		if r := get(target, "If-None-Match", `"other"`); r.StatusCode != 200 {
			t.Errorf("%s: If-None-Match of another version: status %d, want 200", target, r.StatusCode)
		}
		if target == "/lib/w.js" {
			continue // embedded files have no modification time
		}
		mod := first.Header.Get("Last-Modified")
		if mod == "" {
			t.Fatalf("%s: no Last-Modified", target)
		}
		if r := get(target, "If-Modified-Since", mod); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-Modified-Since %s: status %d, want 304", target, mod, r.StatusCode)
		}
	}
	before := get("/app.js").Header.Get("ETag")
	if err := os.WriteFile(filepath.Join(site, "app.js"), []byte("console.log(2)"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(site, "app.js"), later, later); err != nil {
		t.Fatal(err)
	}
	after := get("/app.js", "If-None-Match", before)
	if after.StatusCode != 200 || after.Header.Get("ETag") == before {
		t.Errorf("edited file: status %d ETag %q (was %q), want 200 and a new ETag", after.StatusCode, after.Header.Get("ETag"), before)
	}
}

func TestServerTimeouts(t *testing.T) {
	srv := NewServer(http.NotFoundHandler())
	if srv.IdleTimeout <= 0 || srv.ReadHeaderTimeout <= 0 {
		t.Fatalf("IdleTimeout %v ReadHeaderTimeout %v", srv.IdleTimeout, srv.ReadHeaderTimeout)
	}
}

func TestInsecureWarning(t *testing.T) {
	tests := []struct {
		ip      string
		warn    bool
		browser string
	}{
		{"127.0.0.1", false, "http://127.0.0.1:8080/"},
		{"127.0.0.2", false, "http://127.0.0.2:8080/"},
		{"::1", false, "http://[::1]:8080/"},
		{"0.0.0.0", true, "http://localhost:8080/"},
		{"::", true, "http://localhost:8080/"},
		{"192.168.1.10", true, "http://192.168.1.10:8080/"},
	}
	for _, tt := range tests {
		addr := &net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 8080}
		warn := InsecureWarning(addr)
		if (warn != "") != tt.warn {
			t.Errorf("%s: warning %q, want one: %v", tt.ip, warn, tt.warn)
		}
		if tt.warn && !(strings.Contains(warn, "not a secure context") && strings.Contains(warn, "SharedArrayBuffer")) {
			t.Errorf("%s: warning %q does not say why", tt.ip, warn)
		}
		if got := URL(addr); got != tt.browser {
			t.Errorf("%s: URL %q, want %q", tt.ip, got, tt.browser)
		}
	}
}
