//go:build !js

package sidemodule

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Names of what Build writes.
const (
	Package   = "sabnative"
	Version   = "1.0"
	SOName    = "libsabnative.so"
	WheelName = Package + "-" + Version + "-py3-none-any.whl"
	// OversizedWheel holds the same code linked to import a memory of at
	// least 2 GiB, more than any heap has when a package loads: linking it
	// must fail with an error naming it, never hang.
	OversizedWheel = "sabbig-1.0-py3-none-any.whl"
)

// EnvRequire, set to 1 (as .ci/run does), makes a missing toolchain fail
// the test instead of skipping what needs the library.
const EnvRequire = "SABKIT_REQUIRE_NATIVE"

// InstallHint is the command that provides the toolchain on Debian.
const InstallHint = "apt-get install clang lld"

// Library is one build: the side module and the wheel that carries it, in
// one folder.
type Library struct {
	Dir       string
	SO        string
	Wheel     string
	Oversized string // OversizedWheel's path
}

// Source returns the folder holding the library's C and Python sources.
func Source() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "native")
}

// Tools finds clang and wasm-ld on PATH.
func Tools() (clang, wasmLD string, err error) {
	clang, err1 := exec.LookPath("clang")
	wasmLD, err2 := exec.LookPath("wasm-ld")
	if err1 != nil || err2 != nil {
		return "", "", fmt.Errorf("sidemodule: clang and wasm-ld build the test side module; install them: %s", InstallHint)
	}
	return clang, wasmLD, nil
}

// Build compiles testdata/native into out: the side module, then the wheel.
func Build(out string) (Library, error) {
	clang, wasmLD, err := Tools()
	if err != nil {
		return Library{}, err
	}
	src := Source()
	lib := Library{Dir: out, SO: filepath.Join(out, SOName), Wheel: filepath.Join(out, WheelName),
		Oversized: filepath.Join(out, OversizedWheel)}
	big := filepath.Join(out, "libsabbig.so")
	obj := filepath.Join(out, Package+".o")
	// Position-independent code for the emscripten target is what Pyodide's
	// dynamic linker accepts; --experimental-pic --shared makes wasm-ld
	// write the dylink.0 section and import memory, table and bases.
	steps := [][]string{
		{clang, "--target=wasm32-unknown-emscripten", "-fPIC", "-O2", "-nostdlib", "-c", filepath.Join(src, Package+".c"), "-o", obj},
		{wasmLD, "--shared", "--experimental-pic", "--export-all", obj, "-o", lib.SO},
		{wasmLD, "--shared", "--experimental-pic", "--export-all", "--initial-memory=2147483648", obj, "-o", big},
	}
	for _, argv := range steps {
		if b, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			return Library{}, fmt.Errorf("sidemodule: %s: %v\n%s", strings.Join(argv, " "), err, b)
		}
	}
	py, err := os.ReadFile(filepath.Join(src, Package, "__init__.py"))
	if err != nil {
		return Library{}, fmt.Errorf("sidemodule: %w", err)
	}
	if err := writeWheel(lib.Wheel, Package, map[string]string{"__init__.py": string(py)}, SOName, lib.SO); err != nil {
		return Library{}, err
	}
	bigPy := "import ctypes, os\nlib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), \"libsabbig.so\"))\n"
	if err := writeWheel(lib.Oversized, "sabbig", map[string]string{"__init__.py": bigPy}, "libsabbig.so", big); err != nil {
		return Library{}, err
	}
	return lib, nil
}

// writeWheel packs a Python package (its modules by file name) and a side
// module as the wheel at path: installing it runs Pyodide's path for
// packages with native parts (unpack, find the .so files, load them before
// the first import).
func writeWheel(path, pkg string, modules map[string]string, soName, soPath string) error {
	files := map[string][]byte{}
	so, err := os.ReadFile(soPath)
	if err != nil {
		return fmt.Errorf("sidemodule: %w", err)
	}
	for name, text := range modules {
		files[pkg+"/"+name] = []byte(text)
	}
	files[pkg+"/"+soName] = so
	info := pkg + "-" + Version + ".dist-info/"
	files[info+"METADATA"] = []byte("Metadata-Version: 2.1\nName: " + pkg + "\nVersion: " + Version + "\n")
	files[info+"WHEEL"] = []byte("Wheel-Version: 1.0\nGenerator: sabkit sidemodule\nRoot-Is-Purelib: false\nTag: py3-none-any\n")
	names := make([]string, 0, len(files)+1)
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[n]))
	}
	record.WriteString(info + "RECORD,,\n")
	files[info+"RECORD"] = []byte(record.String())
	names = append(names, info+"RECORD")

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err == nil {
			_, err = w.Write(files[n])
		}
		if err != nil {
			return fmt.Errorf("sidemodule: writing %s: %w", n, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("sidemodule: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// ForTest builds the library into a temporary folder of t. Without the
// toolchain it reports false after logging how to install it, or fails t
// when EnvRequire is 1.
func ForTest(t testing.TB) (Library, bool) {
	t.Helper()
	lib, err := Build(t.TempDir())
	var missing bool
	if err != nil {
		_, _, terr := Tools()
		missing = terr != nil
	}
	switch {
	case err == nil:
		return lib, true
	case missing && os.Getenv(EnvRequire) != "1":
		t.Logf("%v (the tests that load C code are skipped)", err)
		return Library{}, false
	default:
		t.Fatal(err)
		return Library{}, false
	}
}
