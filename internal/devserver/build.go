//go:build !js

package devserver

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Build is a js/wasm main package served as /main.wasm, rebuilt on the
// first request after a source changes (like wasmserve). A failed build is
// served as a 500 whose body is the compiler's output, for the page to show.
type Build struct {
	// Dir is the directory the go command runs in (the app's module).
	Dir string
	// Package is the main package, as `go build` takes it ("." or "./cmd/app").
	Package string

	mu     sync.Mutex
	stamp  time.Time
	files  int
	module []byte
	built  time.Time
	err    error
}

// wasm returns the current build, rebuilding first when a file under Dir
// that the go command reads (.go, go.mod, go.sum, embedded assets next to
// them) is newer than the last build or a file came or went.
func (b *Build) wasm() (generated, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	stamp, n := b.sources()
	if (b.module == nil && b.err == nil) || stamp.After(b.stamp) || n != b.files {
		b.stamp, b.files = stamp, n
		b.module, b.err = b.build()
		b.built = time.Now()
	}
	return generated{data: b.module, mod: b.built}, b.err
}

// sources returns the newest modification time under Dir and the number of
// files, skipping dot-directories, node_modules and the wasm it produces.
func (b *Build) sources() (time.Time, int) {
	var newest time.Time
	n := 0
	filepath.WalkDir(b.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != b.Dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".wasm") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			n++
			if info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	return newest, n
}

func (b *Build) build() ([]byte, error) {
	out, err := os.MkdirTemp("", "sabkit-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	wasm := filepath.Join(out, "main.wasm")
	if err := BuildWasm(b.Dir, b.Package, wasm); err != nil {
		return nil, err
	}
	return os.ReadFile(wasm)
}

// BuildWasm builds the main package pkg (as `go build` takes it, run in
// dir) for js/wasm into out; extra flags go before the package ("-ldflags=-s -w").
func BuildWasm(dir, pkg, out string, flags ...string) error {
	args := append(append([]string{"build", "-o", out}, flags...), pkg)
	cmd := exec.Command(GoCommand(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("GOOS=js GOARCH=wasm go %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return nil
}

// Prime builds now, so that a broken package is reported when the server
// starts and the first page load does not wait for the compiler.
func (b *Build) Prime() error {
	_, err := b.wasm()
	return err
}
