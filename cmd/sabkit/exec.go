//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sabkit/sabkit/internal/browsertest"
	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/engines"
)

// The environment variables `sabkit exec` reads; through `go test -exec` a
// variable is easier to pass than a flag.
const (
	envExecWorker      = "SABKIT_EXEC_WORKER"       // 1: run in a DedicatedWorker
	envExecPyodide     = "SABKIT_EXEC_PYODIDE"      // DIR: serve it under /pyodide/
	envExecNoIsolation = "SABKIT_EXEC_NO_ISOLATION" // 1: serve without COOP/COEP/CORP
	envExecEnv         = "SABKIT_EXEC_ENV"          // NAME,NAME: more variables for the program
)

// exitBrowserFailed is the status of a run the browser did not carry to the
// program's exit: a crash, a page that never reported, a hang, a missing
// engine. Test binaries themselves exit 0, 1 (failures) or 2 (panics,
// their own -test.timeout).
const exitBrowserFailed = 3

// launchMargin is added to the -test.timeout passed through (or the
// timeout itself, when that is shorter): the binary's own timeout panics
// first and is reported, and only a program frozen so hard that its timers
// never fire (Go blocked in Atomics.wait in a worker) is cut off here.
const launchMargin = 30 * time.Second

const execUsage = `usage: sabkit exec [flags] BINARY [ARGS...]

Runs a GOOS=js GOARCH=wasm binary in a headless browser, for go test -exec:

	GOOS=js GOARCH=wasm go test -exec="sabkit exec" ./...

The page is served from 127.0.0.1 with COOP same-origin, COEP require-corp and
CORP same-origin (so crossOriginIsolated is true and SharedArrayBuffer exists),
and Chromium gets --enable-unsafe-webgpu. ARGS (the -test.* flags go test
passes) reach the binary unchanged; its output streams to stdout and stderr,
and sabkit exec exits with its status, or 3 when the browser did not run it to
its end (a crash, a page that never reported, a hang, a missing browser).
The -test.timeout passed through bounds the run, plus as much again (30s at most).

Environment:
	SABKIT_BROWSER             chromium (default), firefox or webkit
	SABKIT_EXEC_WORKER=1       same as -worker
	SABKIT_EXEC_PYODIDE=DIR    same as -pyodide DIR
	SABKIT_EXEC_NO_ISOLATION=1 same as -no-isolation
	SABKIT_EXEC_ENV=A,B        pass these variables to the program (SABKIT_* always are)
	SABKIT_CHROMIUM, SABKIT_FIREFOX, SABKIT_WEBKIT   the browser binaries

Flags:`

func runExec(args []string) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	worker := fs.Bool("worker", os.Getenv(envExecWorker) == "1", "run the binary in a DedicatedWorker the page starts, not in the page")
	pyodide := fs.String("pyodide", os.Getenv(envExecPyodide), "a Pyodide npm package directory to serve under /pyodide/ (default: node_modules/pyodide of the module in the working directory, if present)")
	noIsolation := fs.Bool("no-isolation", os.Getenv(envExecNoIsolation) == "1", "serve without COOP/COEP/CORP, to see what a page without the headers gets")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), execUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := execProgram(fs.Arg(0), fs.Args()[1:], *worker, *noIsolation, *pyodide)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit exec:", err)
		return exitBrowserFailed
	}
	return execRun(ctx, p, os.Stdout, os.Stderr)
}

// execProgram sets up the run of one wasm binary.
func execProgram(bin string, args []string, worker, noIsolation bool, pyodide string) (*browsertest.Program, error) {
	if fi, err := os.Stat(bin); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file: sabkit exec runs a js/wasm binary (GOOS=js GOARCH=wasm go test -exec=\"sabkit exec\")", bin)
	}
	e, path, err := execEngine(os.Getenv(engines.EnvBrowser))
	if err != nil {
		return nil, err
	}
	wasmExec, err := devserver.WasmExec()
	if err != nil {
		return nil, err
	}
	serve := map[string]string{}
	if pyodide == "" {
		pyodide = modulePyodide()
	} else if err := devserver.CheckPyodide(pyodide); err != nil {
		return nil, fmt.Errorf("-pyodide / %s: %w", envExecPyodide, err)
	}
	if pyodide != "" {
		serve[devserver.PyodidePrefix] = pyodide
	}
	p := &browsertest.Program{
		Engine: e, Browser: path, Wasm: bin, WasmExec: wasmExec, Args: args, Env: execEnv(os.Environ()),
		Worker: worker, NoIsolation: noIsolation, Serve: serve,
	}
	if d, ok := testTimeout(args); ok && d > 0 {
		p.RunTimeout = d + min(d, launchMargin)
	}
	return p, nil
}

// execEngine picks the one engine to run in: SABKIT_BROWSER, chromium when
// unset. A test binary's output is read by go test, so it runs once.
func execEngine(spec string) (*engines.Engine, string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		spec = engines.Chromium
	}
	if spec == "all" || strings.Contains(spec, ",") {
		return nil, "", fmt.Errorf("%s=%q: sabkit exec runs a binary in one engine; name one of %s, %s, %s (run go test once per engine)",
			engines.EnvBrowser, spec, engines.Chromium, engines.Firefox, engines.WebKit)
	}
	sel, err := engines.Select(spec)
	if err != nil {
		return nil, "", err
	}
	return sel.Engines[0], sel.Paths[0], nil
}

// modulePyodide returns node_modules/pyodide of the module holding the
// working directory (go test runs the binary in its package directory), or
// "" when that module has none.
func modulePyodide() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "node_modules", "pyodide")
			if devserver.CheckPyodide(p) == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// execEnv is the program's environment: every SABKIT_* variable and those
// SABKIT_EXEC_ENV names. Not the whole environment: the page's config is
// served to anything on this machine that asks the port.
func execEnv(environ []string) map[string]string {
	extra := map[string]bool{}
	for _, n := range strings.Split(lookup(environ, envExecEnv), ",") {
		if n = strings.TrimSpace(n); n != "" {
			extra[n] = true
		}
	}
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SABKIT_") || extra[k] {
			env[k] = v
		}
	}
	return env
}

func lookup(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// testTimeout finds the -test.timeout among the binary's arguments.
func testTimeout(args []string) (time.Duration, bool) {
	for i, a := range args {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "test.timeout" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		d, err := time.ParseDuration(val)
		return d, err == nil
	}
	return 0, false
}

// execRun runs p, writing the program's fd 1 to stdout and fd 2 and the
// runner's own messages to stderr, and returns the exit status.
func execRun(ctx context.Context, p *browsertest.Program, stdout, stderr io.Writer) int {
	verbose := false
	for _, a := range p.Args {
		verbose = verbose || a == "-test.v=true" || a == "-test.v"
	}
	p.Output = func(fd int, s string) {
		if fd == 2 {
			io.WriteString(stderr, s)
		} else {
			io.WriteString(stdout, s)
		}
	}
	p.Log = func(s string) { fmt.Fprintln(stderr, "sabkit exec:", s) }
	// The engine line is news only with -v.
	p.OnStart = func(s browsertest.Started) {
		if verbose {
			p.Log(s.String())
		}
	}
	res, err := p.Run(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "sabkit exec:", err)
		var perr *browsertest.Error
		if errors.As(err, &perr) {
			fmt.Fprintln(stderr, "sabkit exec:", perr.Details())
		}
		return exitBrowserFailed
	}
	if !res.Started.CrossOriginIsolated && !p.NoIsolation {
		fmt.Fprintf(stderr, "sabkit exec: warning: the page was not cross-origin isolated in %s (%s)\n", res.Started.Engine, res.Started.Mode)
	}
	return res.Code
}
