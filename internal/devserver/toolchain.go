//go:build !js

package devserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// PyodideFiles are the files a directory must hold to be served as
// Pyodide: the loader, the interpreter and the package lock it reads first.
var PyodideFiles = []string{"pyodide.mjs", "pyodide.asm.wasm", "pyodide-lock.json"}

// ErrNotPyodide is wrapped by CheckPyodide's error.
var ErrNotPyodide = errors.New("not a Pyodide directory")

// CheckPyodide reports whether dir is the pyodide npm package, naming every
// file that is missing, so that a wrong --pyodide fails at start-up instead
// of as a 404 in the page.
func CheckPyodide(dir string) error {
	var missing []string
	for _, name := range PyodideFiles {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s has no %s (point it at node_modules/pyodide after `npm install pyodide`)",
		ErrNotPyodide, dir, strings.Join(missing, ", "))
}

// WasmExec returns the path of the Go toolchain's wasm_exec.js, the
// bootstrap that must match the compiler that built main.wasm: the one
// under `go env GOROOT`, since the go command on PATH is what builds the app
// (this binary's own GOROOT means nothing once it is copied elsewhere).
func WasmExec() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("finding the Go toolchain (go env GOROOT): %v: install Go, or put wasm_exec.js in the served directory", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("no wasm_exec.js at %s: put one in the served directory", p)
	}
	return p, nil
}
