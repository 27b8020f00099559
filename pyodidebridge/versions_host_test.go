//go:build !js

package pyodidebridge_test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
	"github.com/sabkit/sabkit/internal/engines"
	"github.com/sabkit/sabkit/internal/sidemodule"
)

// matrixTests is the focused subset every Pyodide release in
// testdata/pyodide-versions runs: Attach and Load (the bad-input table
// included), views aliasing both ways, Share, growth, LoadWorker with its
// round trips and growth storm, and frames written by Python.
const matrixTests = "^(TestPyodideRelease|TestEnvironment|TestBadInputs|TestRoundTrip|TestViewExisting|TestShare|" +
	"TestGrowthStorm|TestGrowthLargePythonAllocation|TestWorkerBridge|TestWorkerRoundTrip|TestWorkerViewShareCopy|" +
	"TestWorkerGrowthStorm|TestProtocolFrames|ExampleAttach)$"

// The wasm tests' environment (main_test.go, versions_test.go).
const (
	envPyodideURL     = "SABKIT_PYODIDE_URL"
	envPyodideVersion = "SABKIT_PYODIDE_VERSION"
	envSharedHeap     = "SABKIT_SHARED_HEAP"
	envNativeURL      = "SABKIT_NATIVE_URL"
)

// pyodideVersions lists the releases pinned under testdata/pyodide-versions
// (one folder each) and the installed package of each, failing the test
// with the install command for any that is missing: a matrix row that is
// not installed must not pass by running nothing.
func pyodideVersions(t *testing.T) (versions []string, dirs map[string]string) {
	t.Helper()
	root := browsertest.ModuleRoot(t)
	pins, err := filepath.Glob(filepath.Join(root, "testdata", "pyodide-versions", "*", "package.json"))
	if err != nil || len(pins) == 0 {
		t.Fatalf("no testdata/pyodide-versions/*/package.json under %s (%v)", root, err)
	}
	dirs = map[string]string{}
	for _, pin := range pins {
		v := filepath.Base(filepath.Dir(pin))
		py := filepath.Join(filepath.Dir(pin), "node_modules", "pyodide")
		if _, err := os.Stat(filepath.Join(py, "pyodide.js")); err != nil {
			t.Fatalf("Pyodide %s is not installed in %s: run: npm ci --prefix testdata/pyodide-versions/%s", v, py, v)
		}
		versions = append(versions, v)
		dirs[v] = py
	}
	return versions, dirs
}

// TestPyodideVersions runs matrixTests against each pinned Pyodide release
// (testdata/pyodide/ holds 314.0.7, which every other test uses): under
// Node (go_js_wasm_exec, on a shared heap and on the stock one), and in
// headless Chromium on a cross-origin-isolated page with the stock heap,
// again with Options.SharedHeap, and with Go itself in a worker; in
// Chromium also TestNative, the C wheel on every bridge kind.
func TestPyodideVersions(t *testing.T) {
	versions, dirs := pyodideVersions(t)
	t.Run("node", func(t *testing.T) {
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			t.Fatal(err)
		}
		wasmExec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
		for _, v := range versions {
			for _, heap := range []struct{ name, shared string }{{"sharedheap", "1"}, {"stock", "0"}} {
				t.Run(v+"/"+heap.name, func(t *testing.T) {
					args := []string{"test", "-v", "-count=1", "-exec", wasmExec, "-run", matrixTests}
					if testing.Short() {
						args = append(args, "-short")
					}
					cmd := exec.Command("go", append(args, ".")...)
					cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", envPyodideURL+"="+dirs[v]+"/",
						envPyodideVersion+"="+v, envSharedHeap+"="+heap.shared)
					var out bytes.Buffer
					cmd.Stdout, cmd.Stderr = &out, &out
					if err := cmd.Run(); err != nil {
						t.Fatalf("Pyodide %s under Node: %v\n%s", v, err, out.String())
					}
					for _, name := range strings.Split(strings.Trim(matrixTests, "^()$"), "|") {
						if !strings.Contains(out.String(), "--- PASS: "+name+" ") {
							t.Errorf("Pyodide %s under Node: %s did not pass (skipped, or not run)\n%s", v, name, out.String())
						}
					}
				})
			}
		}
	})
	serve := map[string]string{}
	// In browsers, the C wheel too (TestNative) when the host can build it.
	run := matrixTests
	native := map[string]string{}
	if lib, ok := sidemodule.ForTest(t); ok {
		serve["/native/"] = lib.Dir
		native[envNativeURL] = "/native/"
		run = strings.Replace(matrixTests, ")$", "|TestNative)$", 1)
	}
	var variants []browsertest.Variant
	for _, v := range versions {
		url := "/pyodide-" + v + "/"
		serve[url] = dirs[v]
		env := map[string]string{envPyodideURL: url, envPyodideVersion: v}
		shared := map[string]string{envPyodideURL: url, envPyodideVersion: v, envSharedHeap: "1"}
		maps.Copy(env, native)
		maps.Copy(shared, native)
		chromium := []string{engines.Chromium}
		variants = append(variants,
			browsertest.Variant{Name: v + "-page", Env: env, Run: run, Engines: chromium},
			browsertest.Variant{Name: v + "-page-sharedheap", Env: shared, Run: run, Engines: chromium},
			browsertest.Variant{Name: v + "-worker", Worker: true, Env: env, Run: run, Engines: chromium})
	}
	browsertest.Run(t, browsertest.Options{Variants: variants, Serve: serve})
}
