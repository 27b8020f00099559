//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/coihttp"
	"github.com/sabkit/sabkit/internal/doctor"
	"github.com/sabkit/sabkit/internal/engines"
	"github.com/sabkit/sabkit/internal/nginxtest"
)

// wantApp is the result line of the app sabkit init writes, when Go and
// Python saw each other's writes.
const wantApp = "Go wrote [1 2 3 4]; Python read their sum, 10; Go reads Python's writes: [10 20 30 40] (aliased both ways: true)"

// buildTestApp runs sabkit init and sabkit build with flags for a new app
// and returns the built folder, with testdata/report.js added to its page so
// that any engine can report the app's result, and what build printed.
func buildTestApp(t *testing.T, flags ...string) (app, dist, printed string) {
	t.Helper()
	app, pyodide := initTestApp(t)
	installApp(t, app, pyodide)
	dist = filepath.Join(t.TempDir(), "dist")
	var out bytes.Buffer
	require.Equal(t, 0, runBuildTo(&out, append(append([]string{"-o", dist}, flags...), app)), "sabkit build")
	report, err := os.ReadFile(filepath.Join("testdata", "report.js"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dist, "report.js"), report, 0o644))
	page := filepath.Join(dist, "index.html")
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(page, append(html, "\n<script src=\"report.js\"></script>\n"...), 0o644))
	return app, dist, out.String()
}

// TestBuildFolder: what sabkit build writes, and what it refuses to
// overwrite.
func TestBuildFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app")
	}
	app, dist, printed := buildTestApp(t, "--coi-serviceworker")
	t.Log(printed)
	for _, name := range []string{"main.wasm", "wasm_exec.js", "index.html", "pyodide/pyodide.mjs", "pyodide/pyodide.asm.wasm",
		"pyodide/python_stdlib.zip", "pyodide/pyodide-lock.json", "nginx.conf", "_headers", ".htaccess", "Caddyfile", coihttp.ServiceWorkerName} {
		assert.FileExists(t, filepath.Join(dist, name))
		assert.Contains(t, printed, strings.SplitN(name, "/", 2)[0], "build names %s and says what it is for", name)
	}
	for _, name := range []string{"main.go", "main_test.go", "go.mod", "package.json", "node_modules", "pyodide/pyodide.d.ts"} {
		assert.NoFileExists(t, filepath.Join(dist, name), "only what the page needs is shipped")
	}
	page, err := os.ReadFile(filepath.Join(dist, "index.html"))
	require.NoError(t, err)
	sw := bytes.Index(page, []byte(`<script src="coi-serviceworker.js"></script>`))
	assert.True(t, sw >= 0 && sw < bytes.Index(page, []byte(`<script src="wasm_exec.js">`)), "the service worker's script comes before the page's own")
	assert.NotContains(t, string(page), `src="/`, "paths are relative")

	// A second build replaces the folder; a folder of the user's is never
	// touched.
	_, err = buildApp(app, dist, "", true, false)
	require.NoError(t, err, "a second build into the folder the first one wrote")
	assert.NoFileExists(t, filepath.Join(dist, coihttp.ServiceWorkerName), "the second build replaced the folder")
	_, err = buildApp(app, app, "", false, false)
	require.Error(t, err, "-o is the app itself")
	mine := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("mine"), 0o644))
	_, err = buildApp(".", mine, "", false, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sabkit build did not write it")
	assert.FileExists(t, filepath.Join(mine, "notes.txt"))
}

// report is what testdata/report.js POSTs.
type report struct {
	OK         bool   `json:"ok"`
	Text       string `json:"text"`
	Isolated   bool   `json:"isolated"`
	COI        string `json:"coi"`
	Navigation string `json:"navigation"`
}

// reportServer listens for the reports on 127.0.0.1 and serves next (when
// not nil) for every other path.
func reportServer[T any](t *testing.T, next http.Handler) (string, <-chan T) {
	t.Helper()
	reports := make(chan T, 4)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /report", func(w http.ResponseWriter, r *http.Request) {
		var rep T
		if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		reports <- rep
	})
	if next != nil {
		mux.Handle("/", next)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), reports
}

// openApp opens url in a headless engine and returns the app's report.
func openApp(t *testing.T, engine, url string, reports <-chan report, chromiumFlags ...string) report {
	t.Helper()
	rep := awaitPage(t, engine, url, reports, chromiumFlags...)
	t.Logf("%s %s: %+v", engine, url, rep)
	return rep
}

// awaitPage opens url in a headless engine and returns what its page sent
// on results, failing t when the browser exits or 3 minutes pass first.
func awaitPage[T any](t *testing.T, engine, url string, results <-chan T, chromiumFlags ...string) T {
	t.Helper()
	e := engines.ByName(engine)
	bin, err := e.Find()
	if err != nil {
		t.Fatal(err)
	}
	console := &syncWriter{w: &bytes.Buffer{}}
	b, err := e.Launch(bin, engines.LaunchOptions{URL: url, Dir: t.TempDir(), Isolated: true, ChromiumFlags: chromiumFlags, Output: console})
	require.NoError(t, err)
	defer b.Stop()
	select {
	case r := <-results:
		return r
	case <-b.Exited():
		t.Fatalf("%s exited before the page reported (%v)\n%s", engine, b.Err(), console.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("%s: %s did not report within 3 minutes\n%s", engine, url, console.String())
	}
	var zero T
	return zero
}

// TestBuildNginx serves sabkit build's folder on Debian's nginx with the
// README's two nginx blocks (at the root, under a sub-path), which include
// the nginx.conf build wrote, and checks in Chromium and Firefox ESR that
// the app runs isolated; then doctor.
func TestBuildNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nginx and browsers")
	}
	_, dist, _ := buildTestApp(t)
	nginxtest.Readable(t, filepath.Dir(dist))
	report, reports := reportServer[report](t, nil)
	proxy := fmt.Sprintf("location = /report { proxy_pass %s; }\n", report)
	blocks := nginxtest.READMEBlocks(t, filepath.Join("..", "..", "README.md"), dist)
	require.Len(t, blocks, 2, "the README's nginx blocks: at the root, under /app/")
	for _, at := range []struct{ name, server, path string }{
		{"root", blocks[0] + proxy, "/"},
		{"sub-path", blocks[1] + proxy, "/app/"},
	} {
		t.Run(at.name, func(t *testing.T) {
			url := nginxtest.Start(t, at.server) + at.path
			for _, engine := range []string{engines.Chromium, engines.Firefox} {
				rep := openApp(t, engine, url, reports)
				assert.True(t, rep.OK && rep.Isolated, "%s: the app runs cross-origin isolated: %+v", engine, rep)
				assert.Equal(t, wantApp, rep.Text, engine)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			d, err := doctor.Check(ctx, url, doctor.Options{Timeout: 90 * time.Second, Settle: time.Second})
			require.NoError(t, err)
			assert.True(t, d.CrossOriginIsolated && d.OK(), "doctor on the built app behind nginx: problems %q", d.Problems)
		})
	}
}

// TestBuildServiceWorker serves a folder built with --coi-serviceworker
// from a server that sends no isolation headers: in Chromium and Firefox
// the page is isolated after one reload and the app runs. Where service
// workers cannot run (plain HTTP off localhost), the page says so and is
// not reloaded.
func TestBuildServiceWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts browsers")
	}
	_, dist, _ := buildTestApp(t, "--coi-serviceworker")
	var pageLoads atomic.Int32
	files := http.FileServer(http.Dir(dist))
	origin, reports := reportServer[report](t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			pageLoads.Add(1)
		}
		if ct := coihttp.ContentType(r.URL.Path); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		files.ServeHTTP(w, r)
	}))
	for _, engine := range []string{engines.Chromium, engines.Firefox} {
		t.Run(engine, func(t *testing.T) {
			pageLoads.Store(0)
			rep := openApp(t, engine, origin+"/", reports)
			assert.True(t, rep.OK && rep.Isolated, "the app runs isolated through the service worker: %+v", rep)
			assert.Equal(t, wantApp, rep.Text)
			assert.Equal(t, "isolated", rep.COI)
			assert.Equal(t, "reload", rep.Navigation, "the page was reloaded once")
			assert.Equal(t, int32(2), pageLoads.Load(), "the page is loaded twice: once, then once through the worker")
		})
	}
	t.Run("not-secure", func(t *testing.T) {
		pageLoads.Store(0)
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(origin, "http://"))
		url := "http://sabkit-build.test:" + port + "/"
		rep := openApp(t, engines.Chromium, url, reports, "--host-resolver-rules=MAP sabkit-build.test 127.0.0.1")
		assert.False(t, rep.Isolated)
		assert.Contains(t, rep.COI, "failed: not a secure context", "the page says why")
		assert.False(t, rep.OK, "the app reports that it is not isolated")
		time.Sleep(3 * time.Second) // a reload, were there one, would load the page again by now
		assert.Equal(t, int32(1), pageLoads.Load(), "the page is not reloaded")
	})
}

// syncWriter is a buffer the browser's output goroutine writes while the
// test may read it.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
