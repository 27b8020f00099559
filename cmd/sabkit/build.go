//go:build !js

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/coihttp"
	"github.com/sabkit/sabkit/internal/devserver"
)

// buildMarker is the file that marks a folder sabkit build wrote, so that a
// second build may replace it and a folder of the user's never is.
const buildMarker = ".sabkit-build"

func runBuild(args []string) int { return runBuildTo(os.Stdout, args) }

func runBuildTo(stdout io.Writer, args []string) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("o", "dist", "the folder to write; a folder an earlier sabkit build wrote is replaced, any other must be empty or absent")
	pyodide := fs.String("pyodide", "", "directory of the pyodide npm package to ship (default: PKG/node_modules/pyodide, else the sabkit checkout's)")
	strip := fs.Bool("strip", false, "build main.wasm without the symbol table and DWARF (-ldflags=-s -w): smaller, but panics print no function names")
	sw := fs.Bool("coi-serviceworker", false, "also ship coi-serviceworker.js and load it from every page, for hosts that cannot send headers (GitHub Pages and the like): it adds the isolation headers to same-origin responses and reloads the page once")
	usage := "usage: sabkit build [flags] [PKG]\n\n" +
		"Builds the app in PKG (a folder holding its main package and pages; default \".\") into a folder any\n" +
		"static host serves: main.wasm for js/wasm, wasm_exec.js, the app's pages and assets, Pyodide's core\n" +
		"files under pyodide/ (with the wheels of PKG/wheels and a pyodide-lock.json that lists them), sabkit's\n" +
		"JavaScript when a page uses it, and the isolation headers for nginx, Netlify/Cloudflare Pages, Apache\n" +
		"and Caddy. Every path in it is relative, so it works at a host's root and under a sub-path."
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	pkg := "."
	switch fs.NArg() {
	case 0:
	case 1:
		pkg = fs.Arg(0)
	default:
		fs.Usage()
		return 2
	}
	files, err := buildApp(pkg, *out, *pyodide, *strip, *sw)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit build:", err)
		return 1
	}
	printBuilt(stdout, *out, files)
	return 0
}

// built is one entry of what build wrote: a file, or a folder summed up.
type built struct {
	name string
	size int64
	what string
}

// buildApp writes the app in pkg into out and returns what it wrote.
func buildApp(pkg, out, pyodideFlag string, strip, sw bool) ([]built, error) {
	app, err := filepath.Abs(pkg)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(app); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: pass the folder of the app's main package", pkg)
	}
	dst, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if dst == app || strings.HasPrefix(app, dst+string(filepath.Separator)) {
		return nil, fmt.Errorf("-o %s would overwrite the app itself: pick a folder outside %s (the default is dist)", out, pkg)
	}
	if err := prepareOut(dst, buildMarker, "sabkit build"); err != nil {
		return nil, err
	}
	pyo, _, err := findPyodide(app, pyodideFlag)
	if err != nil {
		return nil, err
	}
	if pyo == "" {
		return nil, fmt.Errorf("no Pyodide to ship: run `npm install pyodide@%s` in %s, or pass --pyodide DIR", pyodideVersion, pkg)
	}

	var done []built
	add := func(name string, size int64, what string) { done = append(done, built{name, size, what}) }
	write := func(name string, data []byte, what string) error {
		p := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		add(name, int64(len(data)), what)
		return nil
	}

	var flags []string
	what := "the app, built for js/wasm"
	if strip {
		flags, what = []string{"-ldflags=-s -w"}, what+" (stripped)"
	}
	wasm := filepath.Join(dst, "main.wasm")
	if err := devserver.BuildWasm(app, ".", wasm, flags...); err != nil {
		return nil, err
	}
	fi, err := os.Stat(wasm)
	if err != nil {
		return nil, err
	}
	add("main.wasm", fi.Size(), what)

	pages, err := copyAppFiles(app, dst, add)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dst, "wasm_exec.js")); err != nil {
		src, err := devserver.WasmExec()
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		if err := write("wasm_exec.js", data, "Go's bootstrap, from the toolchain that built main.wasm"); err != nil {
			return nil, err
		}
	}
	if err := copyPyodide(pyo, filepath.Join(app, WheelsDir), dst, add); err != nil {
		return nil, err
	}
	if usesSabkitJS(dst) {
		err := eachSabkitFile(func(name string, data []byte) error {
			return write(path.Join(strings.Trim(atomicsx.JSPrefix, "/"), name), data, "sabkit's JavaScript (a page imports it)")
		})
		if err != nil {
			return nil, err
		}
	}
	if sw {
		if err := addServiceWorker(dst, pages, write); err != nil {
			return nil, err
		}
	}
	for _, h := range coihttp.HostFiles() {
		if err := write(h.Name, h.Data, h.For); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dst, buildMarker), []byte("written by sabkit build; the next build replaces this folder\n"), 0o644); err != nil {
		return nil, err
	}
	return done, nil
}

// prepareOut makes dst an empty folder: absent or empty folders are fine,
// one that holds marker (an earlier run of command wrote it) is emptied,
// anything else is refused.
func prepareOut(dst, marker, command string) error {
	entries, err := os.ReadDir(dst)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dst, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dst, marker)); err != nil {
		return fmt.Errorf("%s is not empty and %s did not write it (no %s): pass an empty or new folder with -o", dst, command, marker)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// copyAppFiles copies the app's own files (pages, scripts, styles, images)
// and returns the pages' paths, slash-separated. It leaves out the Go
// sources and module files, npm's files, the wheels (copyPyodide ships
// them), dotfiles, testdata and any main.wasm (build writes a new one).
func copyAppFiles(app, dst string, add func(string, int64, string)) ([]string, error) {
	skipFile := map[string]bool{"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true,
		"package.json": true, "package-lock.json": true, "main.wasm": true}
	var pages []string
	err := filepath.WalkDir(app, func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(app, p)
		name := d.Name()
		if d.IsDir() {
			if p == dst {
				return filepath.SkipDir
			}
			if rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || name == "vendor" ||
				rel == WheelsDir) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".go") || skipFile[rel] || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
		what := "the app's file"
		if strings.EqualFold(filepath.Ext(name), ".html") {
			what = "a page of the app"
			pages = append(pages, filepath.ToSlash(rel))
		}
		add(filepath.ToSlash(rel), int64(len(data)), what)
		return nil
	})
	return pages, err
}

// pyodideCore are the files of the pyodide package a page needs to boot it
// (pyodide.asm.mjs from 314 on, pyodide.asm.js before); the rest of the npm
// package (type declarations, source maps, consoles) stays behind.
var pyodideCore = []string{"pyodide.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"}

// copyPyodide writes Pyodide's core files and the app's wheels under
// pyodide/, with a pyodide-lock.json that lists the wheels.
func copyPyodide(pyo, wheelsDir, dst string, add func(string, int64, string)) error {
	out := filepath.Join(dst, "pyodide")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var total int64
	n := 0
	copyFile := func(src, name string) error {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		total += int64(len(data))
		n++
		return os.WriteFile(filepath.Join(out, name), data, 0o644)
	}
	for _, name := range pyodideCore {
		src := filepath.Join(pyo, name)
		if _, err := os.Stat(src); err != nil {
			continue
		}
		if err := copyFile(src, name); err != nil {
			return err
		}
	}
	lock, err := devserver.LockFile(pyo, wheelsDir)
	if err != nil {
		return fmt.Errorf("pyodide-lock.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "pyodide-lock.json"), lock, 0o644); err != nil {
		return err
	}
	total += int64(len(lock))
	n++
	add("pyodide/", total, fmt.Sprintf("Pyodide's core (%d files, from %s)", n, pyo))
	for _, w := range devserver.Wheels(wheelsDir) {
		data, err := os.ReadFile(filepath.Join(wheelsDir, w))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, w), data, 0o644); err != nil {
			return err
		}
		add("pyodide/"+w, int64(len(data)), "a wheel of the app's, listed in pyodide/pyodide-lock.json")
	}
	return nil
}

// usesSabkitJS reports whether a page or script of the app names sabkit's
// JavaScript (sabkit.mjs or sabkit-atomics).
func usesSabkitJS(dst string) bool {
	found := false
	filepath.WalkDir(dst, func(p string, d iofs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".html", ".js", ".mjs":
			if data, err := os.ReadFile(p); err == nil && (bytes.Contains(data, []byte("sabkit-atomics")) || bytes.Contains(data, []byte("sabkit.mjs"))) {
				found = true
			}
		}
		return nil
	})
	return found
}

func printBuilt(w io.Writer, out string, files []built) {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	var total int64
	for _, f := range files {
		total += f.size
		fmt.Fprintf(w, "  %-34s %9s  %s\n", f.name, humanSize(f.size), f.what)
	}
	fmt.Fprintf(w, "wrote %s (%s) to %s: serve it with the configuration for your host (nginx.conf, _headers, .htaccess, Caddyfile), then check it with `sabkit doctor URL`\n",
		plural(len(files), "entry", "entries"), humanSize(total), out)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// addServiceWorker writes coi-serviceworker.js at the folder's root and
// loads it from every page, before the page's first script.
func addServiceWorker(dst string, pages []string, write func(string, []byte, string) error) error {
	if err := write(coihttp.ServiceWorkerName, coihttp.ServiceWorker(),
		"isolates the pages on hosts that cannot send headers (reloads each tab once)"); err != nil {
		return err
	}
	for _, page := range pages {
		p := filepath.Join(dst, filepath.FromSlash(page))
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.Repeat("../", strings.Count(page, "/")) + coihttp.ServiceWorkerName
		tag := []byte(`<script src="` + rel + `"></script>` + "\n")
		at := bytes.Index(bytes.ToLower(data), []byte("<script"))
		if at < 0 {
			at = len(data)
		}
		data = append(data[:at:at], append(tag, data[at:]...)...)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
