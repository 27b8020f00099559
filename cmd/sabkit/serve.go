//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/devserver"
)

func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	pyodide := fs.String("pyodide", "", "directory of the pyodide npm package to serve under /pyodide/ (default: DIR/node_modules/pyodide, else the sabkit checkout's testdata/pyodide/node_modules/pyodide)")
	build := fs.String("build", "", "a js/wasm main package (as `go build` takes it, relative to DIR) to serve as /main.wasm, rebuilt when its sources change")
	shared := fs.Bool("shared-heap", false, "also serve Pyodide under /pyodide-shared/ with pyodide.asm.wasm pre-patched to a shared heap, for LoadWorker or Load{SharedHeap} with that IndexURL; /pyodide/ stays stock. Optional: LoadWorker patches the module itself as it loads from /pyodide/; the flag only moves that rewrite to the server")
	arg, ok := parseOneArg(fs, args, "usage: sabkit serve [flags] DIR\n\nServes DIR with COOP same-origin, COEP require-corp and CORP same-origin on every response.\nAlso serves Pyodide under /pyodide/, the Go toolchain's wasm_exec.js at /wasm_exec.js (unless DIR has\none), the atomicsx JavaScript module under /sabkit/ and, with --build, the app as /main.wasm.\nServes only regular files: never dotfiles or dot-directories, FIFOs or devices, never directory listings.\nSends ETag and Last-Modified and answers conditional requests with 304. Plain HTTP is a secure\ncontext only on localhost: a non-loopback --addr gets a warning.")
	if !ok {
		return 2
	}
	dir := arg
	cfg, notes, err := serveConfig(dir, *pyodide, *build, *shared)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit serve:", err)
		return 1
	}
	srv, url, err := startServer(*addr, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit serve:", err)
		return 1
	}
	fmt.Printf("serving %s at %s (cross-origin isolated)\n", dir, url)
	for _, n := range notes {
		fmt.Println(strings.ReplaceAll(n, "URL/", url))
	}
	waitForSignal()
	return shutdown(srv)
}

// serveConfig works out what `sabkit serve DIR` serves and says where each
// part comes from, one line each ("URL/" stands for the server's address).
func serveConfig(dir, pyodideFlag, buildPkg string, shared bool) (devserver.Config, []string, error) {
	cfg := devserver.Config{Root: dir, SharedHeap: shared, Assets: map[string]iofs.FS{atomicsx.JSPrefix: devserver.SabkitFiles()}}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return cfg, nil, fmt.Errorf("%s is not a directory", dir)
	}
	var notes []string
	pyo, from, err := findPyodide(dir, pyodideFlag)
	if err != nil {
		return cfg, nil, err
	}
	if pyo == "" {
		notes = append(notes, fmt.Sprintf("pyodide: none served: run `npm install pyodide@%s` in %s, or pass --pyodide DIR", pyodideVersion, dir))
	} else {
		cfg.Pyodide = pyo
		notes = append(notes, fmt.Sprintf("pyodide: %s (%s) at URL%s", pyo, from, devserver.PyodidePrefix))
		if shared {
			notes = append(notes, fmt.Sprintf("pyodide: the same with a pre-patched shared heap at URL%s (for LoadWorker / Load{SharedHeap}; stock loadPyodide cannot link it)",
				devserver.PyodideSharedPrefix))
		}
		cfg.Wheels = filepath.Join(dir, WheelsDir)
		notes = append(notes, wheelsNote(cfg.Wheels))
	}
	if fi, err := os.Stat(filepath.Join(dir, "wasm_exec.js")); err == nil && fi.Mode().IsRegular() {
		notes = append(notes, "wasm_exec.js: "+filepath.Join(dir, "wasm_exec.js"))
	} else if p, err := devserver.WasmExec(); err == nil {
		cfg.WasmExec = p
		notes = append(notes, "wasm_exec.js: "+p+" (the Go toolchain's) at URL/wasm_exec.js")
	} else {
		notes = append(notes, "wasm_exec.js: none served: "+err.Error())
	}
	if buildPkg != "" {
		cfg.Build = &devserver.Build{Dir: dir, Package: buildPkg}
		fmt.Printf("building %s for js/wasm…\n", buildPkg)
		if err := cfg.Build.Prime(); err != nil {
			// Served as the body of /main.wasm too, for the page to show;
			// the server stays up so that a fix is picked up.
			fmt.Fprintln(os.Stderr, "sabkit serve:", err)
		}
		notes = append(notes, fmt.Sprintf("main.wasm: built from %s at URL/main.wasm, rebuilt when a source changes", buildPkg))
	}
	notes = append(notes, "sabkit's JavaScript: URL"+atomicsx.JSPrefix+"sabkit.mjs (Python in a worker, for a page without Go) and URL"+
		atomicsx.JSPrefix+"sabkit-atomics.mjs (the protocols)")
	return cfg, notes, nil
}

// startServer listens on addr and serves cfg in the background.
func startServer(addr string, cfg devserver.Config) (*http.Server, string, error) {
	h, closeFn, err := devserver.Handler(cfg)
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		closeFn()
		return nil, "", err
	}
	if warn := devserver.InsecureWarning(ln.Addr()); warn != "" {
		fmt.Fprintln(os.Stderr, "sabkit:", warn)
	}
	srv := devserver.NewServer(h)
	srv.RegisterOnShutdown(closeFn)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "sabkit:", err)
		}
	}()
	return srv, devserver.URL(ln.Addr()), nil
}

func waitForSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
}

func shutdown(srv *http.Server) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return 1
	}
	return 0
}

// pyodideVersion is the Pyodide release sabkit is tested with (and that
// testdata/pyodide and `sabkit init` pin).
const pyodideVersion = "314.0.7"

// findPyodide picks the Pyodide to serve: the --pyodide directory, else
// DIR/node_modules/pyodide, else the pinned package of the sabkit checkout
// the command runs in. It returns "" when there is none, and an error when
// the directory it picked is not Pyodide.
func findPyodide(dir, flagDir string) (path, from string, err error) {
	if flagDir != "" {
		return flagDir, "--pyodide", devserver.CheckPyodide(flagDir)
	}
	local := filepath.Join(dir, "node_modules", "pyodide")
	if _, err := os.Stat(local); err == nil {
		return local, "the app's node_modules", devserver.CheckPyodide(local)
	}
	if root, err := moduleRoot(); err == nil {
		p := filepath.Join(root, "testdata", "pyodide", "node_modules", "pyodide")
		if devserver.CheckPyodide(p) == nil {
			return p, "the sabkit checkout", nil
		}
	}
	return "", "", nil
}

// WheelsDir is the folder of an app whose wheels sabkit serve adds to
// Pyodide, so that LoadPackage("name") installs them offline.
const WheelsDir = "wheels"

func wheelsNote(dir string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.whl"))
	if len(matches) == 0 {
		return fmt.Sprintf("wheels: none in %s: put a package's wheel there (NumPy's for this Pyodide, or your own) and LoadPackage(ctx, \"name\") installs it", dir)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = filepath.Base(m)
	}
	return fmt.Sprintf("wheels: %s, served with Pyodide at URL%s and listed in its pyodide-lock.json: %s",
		dir, devserver.PyodidePrefix, strings.Join(names, ", "))
}
