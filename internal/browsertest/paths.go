//go:build !js

package browsertest

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleRoot returns the directory holding the module's go.mod, found by
// walking up from the test's working directory (its package directory).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("browsertest: no go.mod above the package directory")
		}
		dir = parent
	}
}

// PyodideDir returns the pinned Pyodide npm package
// (testdata/pyodide/node_modules/pyodide), failing the test with the command
// that installs it when it is missing.
func PyodideDir(t testing.TB) string {
	t.Helper()
	py := filepath.Join(ModuleRoot(t), "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(py, "pyodide.js")); err != nil {
		t.Fatalf("Pyodide is not installed in %s: run: npm ci --prefix testdata/pyodide", py)
	}
	return py
}
