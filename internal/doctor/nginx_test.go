//go:build !js

package doctor

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/coihttp"
	"github.com/sabkit/sabkit/internal/nginxtest"
)

// TestNginxSnippet serves a small site with the README's nginx block and
// the nginx.conf sabkit build writes on Debian's nginx, then checks the
// Content-Type and the headers of each kind of file a sabkit app serves
// and, in Chromium, that the page is cross-origin isolated.
func TestNginxSnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nginx and Chromium")
	}
	dir := t.TempDir()
	nginxtest.Readable(t, dir)
	site := filepath.Join(dir, "site")
	files := map[string]string{
		"index.html": `<!doctype html><script src="app.js"></script><script type="module" src="app.mjs"></script>`,
		"app.js":     "globalThis.classic = 1;",
		"app.mjs":    "export const module = 1;",
		"main.wasm":  "\x00asm\x01\x00\x00\x00",
		"data.json":  "{}",
		"pkg.zip":    "PK",
	}
	for name, body := range files {
		if err := os.MkdirAll(site, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range coihttp.HostFiles() {
		if err := os.WriteFile(filepath.Join(site, h.Name), h.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The README's first block serves the folder at the site's root.
	origin := nginxtest.Start(t, nginxtest.READMEBlocks(t, filepath.Join("..", "..", "README.md"), site)[0])

	client := &http.Client{Timeout: 10 * time.Second}
	types := []struct{ path, want string }{
		{"/", "text/html"},
		{"/app.js", "javascript"},
		{"/app.mjs", "text/javascript"},
		{"/main.wasm", "application/wasm"},
		{"/data.json", "application/json"},
		{"/pkg.zip", "application/zip"},
		{"/missing", "text/html"},
	}
	for _, tt := range types {
		resp, err := client.Get(origin + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Type"); !strings.Contains(got, tt.want) {
			t.Errorf("%s: Content-Type %q, want %s", tt.path, got, tt.want)
		}
		for _, h := range []string{"Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Cross-Origin-Resource-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s (HTTP %d): no %s", tt.path, resp.StatusCode, h)
			}
		}
	}

	rep, err := Check(context.Background(), origin+"/", Options{Timeout: 30 * time.Second, Settle: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.CrossOriginIsolated || !rep.OK() {
		t.Errorf("doctor on the nginx site: isolated %v, problems %q", rep.CrossOriginIsolated, rep.Problems)
	}
}

// TestNginxTypesOnly is the nginx block this README once gave: a types
// block alone, which replaces nginx's whole MIME map, so the page goes out
// as application/octet-stream and browsers download it. doctor must name
// the page, its type and the fix, and fail.
func TestNginxTypesOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nginx and Chromium")
	}
	site := t.TempDir()
	nginxtest.Readable(t, site)
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte(`<!doctype html><p>app`), 0o644); err != nil {
		t.Fatal(err)
	}
	origin := nginxtest.Start(t, "root "+site+";\nlocation / {\n    types { application/wasm wasm; text/javascript mjs; }\n"+
		"    add_header Cross-Origin-Opener-Policy same-origin always;\n    add_header Cross-Origin-Embedder-Policy require-corp always;\n}\n")
	rep, err := Check(context.Background(), origin+"/", Options{Timeout: 30 * time.Second, Settle: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatalf("doctor passed a site whose page is a download")
	}
	all := strings.Join(rep.Problems, "\n")
	t.Log(all)
	for _, want := range []string{origin + "/", "application/octet-stream", "text/html"} {
		if !strings.Contains(all, want) {
			t.Errorf("doctor's problems do not say %q:\n%s", want, all)
		}
	}
}
