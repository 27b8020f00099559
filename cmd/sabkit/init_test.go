//go:build !js

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/sidemodule"
)

func TestInitFiles(t *testing.T) {
	root := moduleRootT(t)
	app := filepath.Join(t.TempDir(), "myapp")
	require.NoError(t, initApp(app, "", root))
	for _, name := range []string{"go.mod", "main.go", "main_test.go", "index.html", "package.json", "package-lock.json"} {
		assert.FileExists(t, filepath.Join(app, name))
	}
	gomod, _ := os.ReadFile(filepath.Join(app, "go.mod"))
	assert.Contains(t, string(gomod), "module myapp\n")
	assert.Contains(t, string(gomod), "require github.com/sabkit/sabkit "+sabkitPlaceholder)
	assert.Contains(t, string(gomod), "replace github.com/sabkit/sabkit => "+root)

	// The lock is the checkout's pinned lock under the app's name, so npm ci
	// installs exactly the Pyodide the tests run.
	pinned, err := os.ReadFile(filepath.Join(root, "testdata", "pyodide", "package-lock.json"))
	require.NoError(t, err)
	lock, _ := os.ReadFile(filepath.Join(app, "package-lock.json"))
	assert.Equal(t, strings.ReplaceAll(string(pinned), `"name": "sabkit-pyodide"`, `"name": "myapp"`), string(lock))
	pkg, _ := os.ReadFile(filepath.Join(root, "testdata", "pyodide", "package.json"))
	assert.Contains(t, string(pkg), `"pyodide": "`+pyodideVersion+`"`, "pyodideVersion follows testdata/pyodide")

	err = initApp(app, "", "")
	require.Error(t, err, "init into a non-empty directory")
	assert.Contains(t, err.Error(), "not empty")
	assert.Error(t, initApp(filepath.Join(t.TempDir(), "My App"), "", ""), "a directory name that is no module path")
}

// TestInitServeHeadless is the own-app path end to end, outside the
// repository: init, the replace to this checkout, go mod tidy, Pyodide from
// the app's node_modules, serve --build, and headless Chromium, where the
// app's Go and Python must see each other's writes in one array; once at the
// root and once under a sub-path, as a host serves an app in a folder.
func TestInitServeHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide and Chromium")
	}
	app, pyodide := initTestApp(t)
	installApp(t, app, pyodide)

	want := "true Go wrote [1 2 3 4]; Python read their sum, 10; Go reads Python's writes: [10 20 30 40] (aliased both ways: true)"
	for _, under := range []string{"", "/deep/app"} {
		assert.Equal(t, want, serveAndRun(t, app, under), "served at %q", under+"/")
	}
}

// initTestApp runs `sabkit init` for a new app in a temporary folder, with
// a replace to this checkout, and returns it and the checkout's Pyodide.
func initTestApp(t *testing.T) (app, pyodide string) {
	t.Helper()
	root := moduleRootT(t)
	pyodide = checkoutPyodide(t)
	app = filepath.Join(t.TempDir(), "myapp")
	if code := run([]string{"init", "--replace", root, app}); code != 0 {
		t.Fatalf("sabkit init exited with %d", code)
	}
	return app, pyodide
}

// serveAndRun serves app as `sabkit serve --build .` does, opens it in
// headless Chromium and returns the result line ("true …" when the app
// reports success), failing t when the page does not finish.
//
// With under set ("/app"), everything is served below that path, as a host
// serves an app deployed in a folder.
func serveAndRun(t *testing.T, app, under string) string {
	t.Helper()
	cfg, notes, err := serveConfig(app, "", ".", false)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(app, "node_modules", "pyodide"), cfg.Pyodide, "serve takes the app's Pyodide")
	var url string
	if under == "" {
		srv, u, err := startServer("127.0.0.1:0", cfg)
		require.NoError(t, err)
		defer shutdown(srv)
		url = u
	} else {
		h, closeFn, err := devserver.Handler(cfg)
		require.NoError(t, err)
		defer closeFn()
		srv := httptest.NewServer(http.StripPrefix(under, h))
		defer srv.Close()
		url = srv.URL + under + "/"
	}
	t.Logf("serve: %s; page %s", strings.Join(notes, "; "), url)

	var console []string
	bctx, cancel, err := headlessChromium(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			console = append(console, msg)
		}
	})
	require.NoError(t, err)
	defer cancel()
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url)))
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.getElementById("result")?.dataset.done === "true" || document.getElementById("result")?.dataset.ok === "false"`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		text, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("the page did not finish: %v\npage: %s\nexceptions: %v", err, text, console)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("result").dataset.ok + " " + document.getElementById("result").textContent`))
	require.NoError(t, err)
	t.Logf("page: %s", got)
	isolated, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`crossOriginIsolated`))
	require.NoError(t, err)
	assert.True(t, isolated, "the served page is cross-origin isolated")
	return got
}

// checkoutPyodide returns the checkout's pinned Pyodide, skipping the test
// when it is not installed.
func checkoutPyodide(t *testing.T) string {
	t.Helper()
	p := filepath.Join(moduleRootT(t), "testdata", "pyodide", "node_modules", "pyodide")
	if devserver.CheckPyodide(p) != nil {
		t.Skip("Pyodide is not installed: npm ci --prefix testdata/pyodide")
	}
	return p
}

// installApp does what the user does after sabkit init: go mod tidy, then
// npm ci, here replaced by a link to pyodide, since there is no network.
func installApp(t *testing.T, app, pyodide string) {
	t.Helper()
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = app
	tidy.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(app, "node_modules"), 0o755))
	require.NoError(t, os.Symlink(pyodide, filepath.Join(app, "node_modules", "pyodide")))
}

// TestInitWheelHeadless: a new app with a wheel that has C code in its
// wheels folder installs it with LoadPackage by name (sabkit serve lists it
// in the pyodide-lock.json it serves) and calls the C code from Go through
// Python, on an array Go allocated in the worker's shared heap.
func TestInitWheelHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide and Chromium")
	}
	lib, ok := sidemodule.ForTest(t)
	if !ok {
		t.Skip("no clang/lld to build the wheel")
	}
	app, pyodide := initTestApp(t)
	main, err := os.ReadFile(filepath.Join("testdata", "wheelapp", "main.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(app, "main.go"), main, 0o644))
	wheel, err := os.ReadFile(lib.Wheel)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(app, WheelsDir), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(app, WheelsDir, filepath.Base(lib.Wheel)), wheel, 0o644))
	installApp(t, app, pyodide)

	got := serveAndRun(t, app, "")
	assert.Equal(t, "true C scaled Go's array to [10 20 30 40]; C's sum: 100", got)
}
