//go:build !js

package devserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// GoCommand returns the go command to build with: $GOROOT/bin/go when
// GOROOT is set (go test and go run set it for what they start, so a
// test's wasm binary is built by the toolchain running the test), else
// "go" from PATH.
func GoCommand() string {
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

// WasmExec returns the path of the Go toolchain's wasm_exec.js, the
// bootstrap that must match the compiler that built the wasm binary: the
// one under `go env GOROOT` of GoCommand, since that is what builds the app
// (this binary's own GOROOT means nothing once it is copied elsewhere).
// The answer is looked up once per process.
func WasmExec() (string, error) { return wasmExec() }

var wasmExec = sync.OnceValues(func() (string, error) {
	out, err := exec.Command(GoCommand(), "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("finding the Go toolchain (go env GOROOT): %v: install Go, or put wasm_exec.js in the served directory", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("no wasm_exec.js at %s: put one in the served directory", p)
	}
	return p, nil
})
