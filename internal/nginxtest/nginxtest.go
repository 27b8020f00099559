//go:build !js

// Package nginxtest runs Debian's nginx for tests: an unprivileged
// foreground process with its own prefix, on a free port of 127.0.0.1,
// stopped when the test ends.
package nginxtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Start runs nginx with server (the body of a server { } block, without
// listen) and returns its origin, "http://127.0.0.1:PORT". The http block
// around it is Debian's default nginx.conf in brief: its MIME map included,
// octet-stream for the rest. Directories the test serves must be readable
// by others: nginx started as root serves as nobody (see Readable).
func Start(t testing.TB, server string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Fatalf("this test needs Debian's nginx (apt-get install nginx-light): %v", err)
		}
	}
	dir := t.TempDir()
	Readable(t, dir)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
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
%[3]s
    }
}
`, dir, port, server)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", confPath)
	// SIGTERM makes the master stop its workers; a killed master would
	// leave them holding stderr open, and Wait with them.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	if err := waitListening(port, exited); err != nil {
		t.Fatalf("nginx: %v\n%s\nconfiguration:\n%s", err, stderr.String(), conf)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// Readable opens dir and its parent to other users (t.TempDir makes them
// 0700), so that nginx's workers can read what the test serves.
func Readable(t testing.TB, dir string) {
	t.Helper()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
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

// READMEBlocks returns the ```nginx blocks of the README at path, each with
// /srv/myapp (the README's name for the folder sabkit build wrote) replaced
// by dir.
func READMEBlocks(t testing.TB, path, dir string) []string {
	t.Helper()
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```nginx\n(.*?)```").FindAllSubmatch(readme, -1) {
		out = append(out, strings.ReplaceAll(string(m[1]), "/srv/myapp", dir))
	}
	if len(out) == 0 {
		t.Fatalf("%s has no ```nginx block", path)
	}
	return out
}
