//go:build !js

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/engines"
)

// userPackages go into the app `sabkit init` writes (whose own test shares
// an array with Python in a worker): one package whose test needs a
// SharedArrayBuffer and cross-origin isolation, one whose test fails.
var userPackages = map[string]string{
	"shared/doc.go": "// Package shared holds a test that needs cross-origin isolation.\npackage shared\n",
	"shared/shared_test.go": `//go:build js && wasm

package shared

import (
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/sabview"
)

// TestSharedArrayBuffer writes through a JS view and reads through sabkit's,
// on one SharedArrayBuffer.
func TestSharedArrayBuffer(t *testing.T) {
	if !js.Global().Get("crossOriginIsolated").Truthy() {
		t.Fatal("crossOriginIsolated is not true")
	}
	v, err := sabview.NewShared[int32](4)
	if err != nil {
		t.Fatal(err)
	}
	buf, _ := v.Buffer()
	js.Global().Get("Int32Array").New(buf).SetIndex(2, 41)
	if got, _ := v.At(2); got != 41 || !v.Shared() {
		t.Fatalf("At(2) = %d, Shared = %v; want 41 through the JS view, shared", got, v.Shared())
	}
	where := "page"
	if js.Global().Get("document").IsUndefined() {
		where = "worker"
	}
	t.Logf("ran in a %s, crossOriginIsolated, SharedArrayBuffer aliased", where)
}
`,
	"broken/doc.go": "// Package broken holds a failing test.\npackage broken\n",
	"broken/broken_test.go": `//go:build js && wasm

package broken

import "testing"

func TestBroken(t *testing.T) { t.Error("this failure must reach go test") }
`,
}

// TestExecUserModule runs `GOOS=js GOARCH=wasm go test -exec "sabkit exec"`
// in a module outside the repository (sabkit init, a replace to this
// checkout, Pyodide in its node_modules), in a page and in a worker, and once
// without the isolation headers, where the SharedArrayBuffer test must fail.
func TestExecUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("starts each browser several times")
	}
	root := moduleRootT(t)
	pyodide := checkoutPyodide(t)
	tmp := t.TempDir()
	sabkit := filepath.Join(tmp, "bin", "sabkit")
	build := exec.Command("go", "build", "-o", sabkit, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building sabkit: %v\n%s", err, out)
	}
	mod := filepath.Join(tmp, "userapp")
	require.NoError(t, initApp(mod, "example.com/userapp", root))
	for name, content := range userPackages {
		p := filepath.Join(mod, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	installApp(t, mod, pyodide)

	goTest := func(t *testing.T, env []string, pkgs ...string) (string, int) {
		t.Helper()
		cmd := exec.Command("go", append([]string{"test", "-count=1", "-v", "-timeout=2m", "-exec", sabkit + " exec"}, pkgs...)...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), append([]string{"GOOS=js", "GOARCH=wasm"}, env...)...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		t.Logf("go test %s %v: exit %d in %v", strings.Join(pkgs, " "), env, code, time.Since(start).Round(time.Millisecond))
		return string(out), code
	}
	// Every engine the harness would select, one sabkit exec run each.
	sel, err := engines.Select(os.Getenv(engines.EnvBrowser))
	require.NoError(t, err)
	for _, e := range sel.Engines {
		browser := engines.EnvBrowser + "=" + e.Name
		t.Run(e.Name, func(t *testing.T) {
			for _, mode := range []struct {
				name string
				env  []string
			}{
				{"page", []string{browser}},
				{"worker", []string{browser, "SABKIT_EXEC_WORKER=1"}},
			} {
				t.Run(mode.name, func(t *testing.T) {
					out, code := goTest(t, mode.env, "./...")
					assert.NotEqual(t, 0, code, "one package fails, so go test must")
					for _, want := range []string{
						"--- PASS: TestShare ", "ok  \texample.com/userapp\t",
						"--- PASS: TestSharedArrayBuffer",
						"ran in a " + mode.name + ", crossOriginIsolated, SharedArrayBuffer aliased",
						"sabkit exec: " + e.Name + " ", "mode=" + mode.name + ", crossOriginIsolated=true",
						"ok  \texample.com/userapp/shared",
						"--- FAIL: TestBroken", "this failure must reach go test",
						"FAIL\texample.com/userapp/broken",
					} {
						assert.Contains(t, out, want)
					}
					if t.Failed() {
						t.Logf("output:\n%s", out)
					}
				})
			}
			t.Run("no-isolation", func(t *testing.T) {
				out, code := goTest(t, []string{browser, "SABKIT_EXEC_NO_ISOLATION=1"}, "./shared")
				assert.Equal(t, 1, code)
				assert.Contains(t, out, "crossOriginIsolated is not true")
				assert.Contains(t, out, "FAIL\texample.com/userapp/shared")
				if t.Failed() {
					t.Logf("output:\n%s", out)
				}
			})
		})
	}
}

// frozenTest blocks Go in Atomics.wait in a worker: no Go timer fires any
// more, so the binary's own -test.timeout cannot end it; the runner must.
const frozenTest = `//go:build js && wasm

package frozen

import (
	"syscall/js"
	"testing"
)

func TestFrozen(t *testing.T) {
	cell := js.Global().Get("Int32Array").New(js.Global().Get("SharedArrayBuffer").New(4))
	t.Log("waiting forever")
	js.Global().Get("Atomics").Call("wait", cell, 0, 0)
}
`

// TestExecFrozen: a program that never exits fails the run with the
// reason, after its -test.timeout plus the margin, with exit status 3.
func TestExecFrozen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	tmp := t.TempDir()
	sabkit := filepath.Join(tmp, "sabkit")
	if out, err := exec.Command("go", "build", "-o", sabkit, ".").CombinedOutput(); err != nil {
		t.Fatalf("building sabkit: %v\n%s", err, out)
	}
	mod := filepath.Join(tmp, "frozen")
	require.NoError(t, os.MkdirAll(mod, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/frozen\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "frozen_test.go"), []byte(frozenTest), 0o644))
	// Straight through sabkit exec, to see its own status.
	bin := filepath.Join(tmp, "frozen.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir = mod
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	cmd := exec.Command(sabkit, "exec", bin, "-test.timeout=2s", "-test.v=true")
	cmd.Env = append(os.Environ(), "SABKIT_BROWSER=chromium", "SABKIT_EXEC_WORKER=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	assert.Equal(t, exitBrowserFailed, ee.ExitCode())
	assert.Contains(t, string(out), "waiting forever")
	assert.Contains(t, string(out), "sabkit exec: the wasm program did not finish within 4s in chromium (worker)")
	assert.Less(t, took, time.Minute, "bounded by the timeout and its margin")
	t.Logf("ended after %v:\n%s", took.Round(time.Millisecond), out)
}

func TestExecArgs(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want time.Duration
		ok   bool
	}{
		{[]string{"-test.paniconexit0", "-test.timeout=10m0s"}, 10 * time.Minute, true},
		{[]string{"-test.timeout", "3s", "-test.v=true"}, 3 * time.Second, true},
		{[]string{"--test.timeout=0s"}, 0, true},
		{[]string{"-test.run=Timeout"}, 0, false},
	} {
		d, ok := testTimeout(tt.args)
		assert.Equal(t, tt.want, d, "%v", tt.args)
		assert.Equal(t, tt.ok, ok, "%v", tt.args)
	}
	env := execEnv([]string{"HOME=/root", "SABKIT_X=1", "TOKEN=secret", "MY_FLAG=on", "SABKIT_EXEC_ENV=MY_FLAG"})
	assert.Equal(t, map[string]string{"SABKIT_X": "1", "MY_FLAG": "on", "SABKIT_EXEC_ENV": "MY_FLAG"}, env)

	_, _, err := execEngine("chromium,firefox")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one engine")
	t.Setenv("SABKIT_WEBKIT", "/nonexistent/MiniBrowser")
	_, _, err = execEngine("webkit")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "apt-get install -y webkit2gtk-driver xvfb")
}
