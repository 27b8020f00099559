//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sabkit/sabkit/internal/devserver"
)

func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	pyodide := fs.String("pyodide", "", "directory of the pyodide npm package to serve under /pyodide/ (default: testdata/pyodide/node_modules/pyodide of the sabkit checkout, when present)")
	shared := fs.Bool("shared-heap", false, "serve pyodide.asm.wasm rewritten so that Pyodide's heap is a SharedArrayBuffer")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sabkit serve [flags] DIR\n\nServes DIR with COOP same-origin, COEP require-corp and CORP same-origin on every response.\nServes only regular files: never dotfiles or dot-directories, FIFOs or devices, never directory listings.\nSends ETag and Last-Modified and answers conditional requests with 304. Plain HTTP is a secure\ncontext only on localhost: a non-loopback --addr gets a warning.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	pyo := *pyodide
	if pyo == "" {
		pyo = findPyodide()
	}
	srv, url, err := startServer(*addr, devserver.Config{Root: fs.Arg(0), Pyodide: pyo, SharedHeap: *shared})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit serve:", err)
		return 1
	}
	fmt.Printf("serving %s at %s (cross-origin isolated)\n", fs.Arg(0), url)
	if pyo != "" {
		heap := "stock heap"
		if *shared {
			heap = "shared heap"
		}
		fmt.Printf("pyodide: %s at %spyodide/ (%s)\n", pyo, url, heap)
	}
	waitForSignal()
	return shutdown(srv)
}

// startServer listens on addr and serves cfg in the background.
func startServer(addr string, cfg devserver.Config) (*http.Server, string, error) {
	if fi, err := os.Stat(cfg.Root); err != nil || !fi.IsDir() {
		return nil, "", fmt.Errorf("%s is not a directory", cfg.Root)
	}
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

// findPyodide returns the pinned npm package of the sabkit checkout the
// command runs in, or "" when there is none.
func findPyodide() string {
	root, err := moduleRoot()
	if err != nil {
		return ""
	}
	p := filepath.Join(root, "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(p, "pyodide.asm.wasm")); err != nil {
		return ""
	}
	return p
}
