//go:build !js

package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"text/template"
)

// newApp is the app `sabkit init` writes; files ending in .tmpl are
// text/templates over initData and lose the suffix.
//
//go:embed newapp
var newApp embed.FS

type initData struct {
	Module, Name, Go, Version, Replace, Pyodide string
}

// sabkitPlaceholder is the version the go command itself writes for a
// module that a replace directive provides; `go get
// github.com/sabkit/sabkit@latest` swaps it for a release.
const sabkitPlaceholder = "v0.0.0-00010101000000-000000000000"

var moduleName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func runInit(args []string) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	module := fs.String("module", "", "module path for go.mod (default: the directory's name)")
	replace := fs.String("replace", "", "a sabkit checkout to use through a replace directive, instead of a published release")
	arg, ok := parseOneArg(fs, args, "usage: sabkit init [flags] DIR\n\nWrites a small working app into DIR, which must be empty or absent: go.mod, a js/wasm main.go that\nruns Python in a worker on a shared heap and shares an array with it both ways, main_test.go (run it with\nsabkit exec), index.html with the wasm bootstrap, and package.json + package-lock.json pinning Pyodide "+pyodideVersion+".")
	if !ok {
		return 2
	}
	dir := arg
	if err := initApp(dir, *module, *replace); err != nil {
		fmt.Fprintln(os.Stderr, "sabkit init:", err)
		return 1
	}
	fmt.Printf("wrote a sabkit app in %s; next:\n\n", dir)
	fmt.Printf("  cd %s && go mod tidy && npm ci\n", dir)
	fmt.Printf("  sabkit serve --build . .\n\n")
	fmt.Println("then open the address it prints (install the command in a sabkit checkout with `go install ./cmd/sabkit`;")
	fmt.Println("after a tagged release, anywhere with `go install github.com/sabkit/sabkit/cmd/sabkit@latest`).")
	fmt.Println("Run the app's tests in headless Chromium with: GOOS=js GOARCH=wasm go test -exec=\"sabkit exec\" ./...")
	fmt.Println("Deploy with: sabkit build -o dist . (a folder any static host serves, with nginx, Netlify, Apache and Caddy headers)")
	return 0
}

// initApp writes the app into dir, refusing a directory with anything in it.
func initApp(dir, module, replace string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return fmt.Errorf("%s is not empty (it holds %s): init writes only into an empty or new directory", dir, entries[0].Name())
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	name := strings.ToLower(filepath.Base(abs))
	if module == "" {
		if !moduleName.MatchString(name) {
			return fmt.Errorf("the directory name %q is not a module path: pass --module example.com/app", name)
		}
		module = name
	}
	if replace != "" {
		if replace, err = filepath.Abs(replace); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(replace, "pyodidebridge")); err != nil {
			return fmt.Errorf("--replace %s is not a sabkit checkout (no pyodidebridge folder)", replace)
		}
	}
	data := initData{Module: module, Name: name, Go: goVersion(), Version: sabkitPlaceholder, Replace: replace, Pyodide: pyodideVersion}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(newApp, "newapp", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := newApp.ReadFile(p)
		if err != nil {
			return err
		}
		out := strings.TrimPrefix(p, "newapp/")
		if strings.HasSuffix(out, ".tmpl") {
			out = strings.TrimSuffix(out, ".tmpl")
			t, err := template.New(out).Parse(string(content))
			if err != nil {
				return err
			}
			var b strings.Builder
			if err := t.Execute(&b, data); err != nil {
				return err
			}
			content = []byte(b.String())
		}
		return os.WriteFile(filepath.Join(dir, out), content, 0o644)
	})
}

// goVersion is the language version for the new go.mod: this toolchain's
// major.minor, which is at least what sabkit's own go.mod asks for.
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "1.26"
	}
	minor := strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	return parts[0] + "." + minor
}
