//go:build !js

package doctor

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNginxSnippet serves a small site with the README's nginx block on
// Debian's nginx, a foreground process with its own prefix on 127.0.0.1,
// then checks the Content-Type and the headers of each kind of file a
// sabkit app serves and, in Chromium, that the page is cross-origin
// isolated.
func TestNginxSnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nginx and Chromium")
	}
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Fatalf("this test needs Debian's nginx (apt-get install nginx-light): %v", err)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```nginx block")
	}
	snippet := string(m[1])

	dir := t.TempDir()
	// nginx started as root serves as nobody: open the temporary
	// directories (0700) to it.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
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
	port := freePort(t)
	// The http block is Debian's default nginx.conf in brief: its map
	// included, octet-stream for what it lacks. The snippet goes in server.
	conf := fmt.Sprintf(`daemon off;
pid %[1]s/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path %[1]s/tmp; proxy_temp_path %[1]s/tmp; fastcgi_temp_path %[1]s/tmp;
    uwsgi_temp_path %[1]s/tmp; scgi_temp_path %[1]s/tmp;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:%[2]d;
        root %[3]s;
%[4]s
    }
}
`, dir, port, site, snippet)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", confPath)
	// SIGTERM makes the master stop its workers; a killed master would
	// leave them holding stderr open, and Wait with them.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cancel()
		<-exited
	}()
	origin := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitListening(port, exited); err != nil {
		t.Fatalf("nginx with the README's block: %v\n%s", err, stderr.String())
	}

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

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until something accepts on port, or the process
// exits, or 10 s pass.
func waitListening(port int, exited <-chan error) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("nginx exited: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on port %d after 10 s", port)
}
