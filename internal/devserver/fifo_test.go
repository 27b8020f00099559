//go:build unix

package devserver

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestFIFONotOpened puts a FIFO in the served directory and asks for it 20
// times at once. Opening a FIFO blocks until a writer appears, so a server
// that opened it would hang every request; each must get a 404 promptly.
func TestFIFONotOpened(t *testing.T) {
	site := fixture(t)
	if err := syscall.Mkfifo(filepath.Join(site, "pipe.js"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink("pipe.js", filepath.Join(site, "pipe-link.js")); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, Config{Root: site})
	client := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		target := "/pipe.js"
		if i%2 == 1 {
			target = "/pipe-link.js"
		}
		wg.Go(func() {
			resp, err := client.Get(srv.URL + target)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				errs <- &statusError{target, resp.StatusCode}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The server still answers: no handler is stuck holding it up.
	if status, _, _ := rawGet(t, srv, "/app.js"); status != http.StatusOK {
		t.Errorf("/app.js after the FIFO requests: status %d", status)
	}
}

type statusError struct {
	target string
	status int
}

func (e *statusError) Error() string {
	return e.target + ": status " + http.StatusText(e.status) + ", want 404"
}
