//go:build !js

// This file runs pyodidebridge's js/wasm tests in headless Chromium from a
// plain host `go test ./pyodidebridge`, with Pyodide served same-origin from
// testdata/pyodide/node_modules/pyodide (install it with
// `npm ci --prefix testdata/pyodide`):
//
//   - page: a cross-origin-isolated page, stock heap on this thread, plus the
//     LoadWorker tests (Pyodide on a shared heap in a worker: round trips,
//     growth storm, 1e5 Python→Go frames, frames written and read in place,
//     mutex, ring, seqlock);
//   - page-sharedheap: the same-thread tests again with Options.SharedHeap;
//   - worker: Go itself in a DedicatedWorker (the Pyodide worker is nested);
//   - every variant with isolation runs the fault table (TestWorkerFaults:
//     traps, js.close(), terminate, boot failure, infinite loops canceled
//     and closed, 10000 canceled calls) and TestUnsupportedPyodide (the
//     stand-ins in testdata/fake-pyodide fail at once with ErrVersion);
//   - no-isolation: a page without isolation (the same-thread bridge needs no
//     SharedArrayBuffer; LoadWorker must fail with ErrNotIsolated there).
//
// Benchmarks run in the page variant only:
//
//	go test ./pyodidebridge                                   # Chromium variants + the CPython helper tests
//	go test ./pyodidebridge -short                            # the page variant, 1e4 frames instead of 1e5
//	go test ./pyodidebridge -run Browser -bench HandOff       # hand-off benchmark in Chromium
//	go test ./pyodidebridge -run Browser -bench FrameLatency  # Python(worker)→Go frame latency p50/p99
//	go test ./pyodidebridge -run Browser -bench Peers         # vs comlink and coincident (npm ci --prefix testdata/peers)
//	go test ./pyodidebridge -run Browser -bench 'BenchmarkCall$' # no-op Call/Func.Call vs Run("0"), call channel vs postMessage
//	go test ./internal/sharedheap -run Browser -bench .       # 400 MiB view vs postMessage copy; Python speed shared vs stock
//	SABKIT_BENCH_SIZES=1,64 go test ./pyodidebridge -run Browser -bench HandOff   # sizes in MiB
//	SABKIT_NUMPY_WHEEL=/path/numpy-...-pyemscripten...whl go test ./pyodidebridge  # NumPy in Pyodide
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./pyodidebridge   # Node
package pyodidebridge_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/sidemodule"
)

// pyodideDir is the pinned Pyodide package; the test fails with the install
// command when it is missing.
func pyodideDir(t *testing.T) string { return browsertest.PyodideDir(t) }

// sameThreadTests are the tests of the same-thread bridge, rerun on a
// shared heap.
const sameThreadTests = "^(TestEnvironment|TestBadInputs|TestFreeThenUse|TestClose|TestGrowth.*|TestNumPyInPyodide|" +
	"TestMemoryviewFallback|TestRoundTrip|TestRunExceptions|TestRunContext|TestSeedRecipeCopies|TestViewExisting|" +
	"TestShare|TestCopyInOut|TestCall|TestCallNaN|TestCallErrors|TestCallViewsAlias|TestFunc|TestNative|TestLoadPackageErrors|Example.*)$"

func TestBrowser(t *testing.T) {
	serve := map[string]string{"/pyodide/": pyodideDir(t),
		"/pyodide-broken/": fakePyodide(t, "314.0.7", `throw new Error("this pyodide.mjs fails on purpose");`),
		"/fake-pyodide/":   "testdata/fake-pyodide",
		"/peers/":          filepath.Join("..", "testdata", "peers"),
		"/floor/":          filepath.Join("testdata", "floor")}
	serve["/sabkit/"] = sabkitDir(t)
	env := map[string]string{"SABKIT_PYODIDE_URL": "/pyodide/", "SABKIT_JS_URL": "/sabkit/",
		"SABKIT_BROKEN_PYODIDE_URL": "/pyodide-broken/", "SABKIT_FAKE_PYODIDE_URL": "/fake-pyodide/",
		"SABKIT_PEERS_URL": "/peers/", "SABKIT_FLOOR_URL": "/floor/"}
	if sizes := os.Getenv("SABKIT_BENCH_SIZES"); sizes != "" {
		env["SABKIT_BENCH_SIZES"] = sizes
	}
	if wheel := os.Getenv("SABKIT_NUMPY_WHEEL"); wheel != "" {
		abs, err := filepath.Abs(wheel)
		if err != nil {
			t.Fatal(err)
		}
		serve["/wheels/"] = filepath.Dir(abs)
		env["SABKIT_NUMPY_WHEEL"] = "/wheels/" + filepath.Base(abs)
	}
	if lib, ok := sidemodule.ForTest(t); ok {
		// A file that is not a zip, for LoadPackage's failure rows.
		if err := os.WriteFile(filepath.Join(lib.Dir, "broken-1.0-py3-none-any.whl"), []byte("not a zip file"), 0o644); err != nil {
			t.Fatal(err)
		}
		serve["/native/"] = lib.Dir
		env["SABKIT_NATIVE_URL"] = "/native/"
	}
	sharedEnv := map[string]string{"SABKIT_SHARED_HEAP": "1"}
	for k, v := range env {
		sharedEnv[k] = v
	}
	variants := []browsertest.Variant{
		{Name: "page", Env: env},
		{Name: "page-sharedheap", Env: sharedEnv, Run: sameThreadTests},
		{Worker: true, Env: env},
		{NoIsolation: true, Env: env, Run: "TestEnvironment|TestRoundTrip|TestSeedRecipe|TestShare|TestNoIsolationFallback|TestWorkerBridge"},
	}
	if testing.Short() || os.Getenv("SABKIT_BENCH_SIZES") != "" {
		variants = variants[:1]
	}
	browsertest.Run(t, browsertest.Options{Variants: variants, Serve: serve})
}

// fakePyodide writes a directory that looks like a Pyodide distribution of
// the given version (package.json, pyodide-lock.json) with loader as its
// pyodide.mjs, for the fault table's boot-failure row.
func fakePyodide(t *testing.T, version, loader string) string {
	dir := t.TempDir()
	files := map[string]string{
		"package.json":      `{"name": "pyodide", "version": "` + version + `"}`,
		"pyodide-lock.json": `{"info": {}, "packages": {}}`,
	}
	if loader != "" {
		files["pyodide.mjs"] = loader
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sabkitDir writes what sabkit serve serves under /sabkit/ (sabkit.mjs and
// the files it loads) to a folder, for the peer benchmark's JavaScript-only
// sabkit.
func sabkitDir(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range devserver.SabkitFileNames {
		data, err := fs.ReadFile(devserver.SabkitFiles(), name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
