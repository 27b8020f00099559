//go:build !js

package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sabkit/sabkit/internal/engines"
)

// startLimit bounds the time from launching a browser to the page's first
// report; WebKit under Xvfb takes a few seconds at most.
const startLimit = 60 * time.Second

// Program is one run of a js/wasm binary in one browser engine. It is the
// single implementation behind Run (sabkit's own tests) and `sabkit exec`
// (a user's `go test -exec`): the test server with COOP/COEP/CORP, the page
// or worker bootstrap (assets/runner.js), the POST report protocol, the
// browser's launch and its end.
type Program struct {
	// Engine is the browser engine and Browser the path of its binary, as
	// engines.Select returns them.
	Engine  *engines.Engine
	Browser string
	// Wasm is the js/wasm binary; WasmExec the wasm_exec.js of the
	// toolchain that built it (devserver.WasmExec).
	Wasm, WasmExec string
	// Args and Env are the program's command line (without argv[0]) and
	// environment. SABKIT_BROWSER, SABKIT_MODE and SABKIT_ISOLATED are set
	// for it unless Env sets them.
	Args []string
	Env  map[string]string
	// Worker runs the program in a DedicatedWorker the page starts.
	Worker bool
	// NoIsolation serves everything without COOP/COEP/CORP.
	NoIsolation bool
	// Serve maps URL path prefixes ("/pyodide/") to directories served
	// with the same headers as the page.
	Serve map[string]string
	// ChromiumFlags are added to Chromium's switches.
	ChromiumFlags []string
	// TempDir holds the browser profiles; "" uses a temporary directory
	// that Run removes.
	TempDir string
	// RunTimeout bounds the program from its first report (the page is up)
	// to its exit; zero leaves only ctx's deadline. The launch is bounded
	// on its own: a browser that shows nothing within a minute is started
	// once more, then given up.
	RunTimeout time.Duration
	// Output receives the program's writes to fd 1 and 2 as they arrive.
	Output func(fd int, s string)
	// Log receives the runner's own lines (a relaunch, warnings from the
	// page, and the Started line when OnStart is nil); nil drops them.
	Log func(string)
	// OnStart, when set, receives the page's start report instead of Log.
	OnStart func(Started)
}

// Started is what the page reports once the program is about to run.
type Started struct {
	Engine, Version, Mode string
	CrossOriginIsolated   bool
}

func (s Started) String() string {
	return fmt.Sprintf("%s %s, mode=%s, crossOriginIsolated=%v", s.Engine, s.Version, s.Mode, s.CrossOriginIsolated)
}

// Result is how a program that ran to its end ended.
type Result struct {
	// Code is the program's exit status.
	Code    int
	Started Started
}

// The kinds of *Error: each says why a program did not run to its end.
var (
	// ErrTimeout: ctx's deadline or RunTimeout passed first.
	ErrTimeout = errors.New("did not finish in time")
	// ErrNoStart: the browser never ran the page, twice.
	ErrNoStart = errors.New("the browser did not run the page")
	// ErrBrowserExited: the browser's process ended first.
	ErrBrowserExited = errors.New("the browser exited")
	// ErrPage: the page reported an error (the binary did not
	// instantiate, crashed, or returned without exiting).
	ErrPage = errors.New("the page reported an error")
)

// Error is a run that did not reach the program's exit, with what the
// browser wrote and asked for, to show beside it.
type Error struct {
	Kind error
	Msg  string
	// BrowserLog is the tail of the browser's own output.
	BrowserLog string
	// Requested lists the first paths the browser asked the server for.
	Requested []string
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

// Details is the browser's last lines and requests, for a failure report.
func (e *Error) Details() string {
	var b strings.Builder
	if e.BrowserLog != "" {
		fmt.Fprintf(&b, "the last lines the browser wrote:\n%s\n", e.BrowserLog)
	}
	fmt.Fprintf(&b, "the browser requested: %s", strings.Join(e.Requested, " "))
	return b.String()
}

// Run serves the program, opens it in the browser and waits for its exit,
// streaming its output. It returns an *Error when the program did not
// run to its end; the browser is stopped in every case.
func (p *Program) Run(ctx context.Context) (Result, error) {
	e := p.Engine
	mode := "page"
	if p.Worker {
		mode = "worker"
	}
	isolated := "1"
	if p.NoIsolation {
		isolated = "0"
	}
	env := map[string]string{"SABKIT_BROWSER": e.Name, "SABKIT_MODE": mode, "SABKIT_ISOLATED": isolated}
	for k, v := range p.Env {
		env[k] = v
	}
	logf := func(format string, a ...any) {
		if p.Log != nil {
			p.Log(fmt.Sprintf(format, a...))
		}
	}
	cfg := pageConfig{Mode: mode, Wasm: "/__sabkit/test.wasm", Args: p.Args, Env: env}
	reports := newQueue[report]()
	srv := newServer(p.Wasm, p.WasmExec, cfg, p.Serve, !p.NoIsolation, newReorder(reports))
	defer srv.Close()

	dir := p.TempDir
	if dir == "" {
		d, err := os.MkdirTemp("", "sabkit-browser-")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	blog := &syncBuffer{}
	launches := 0
	launch := func() (*engines.Browser, error) {
		launches++
		profile := filepath.Join(dir, fmt.Sprintf("%s-%d", e.Name, launches))
		if err := os.MkdirAll(profile, 0o700); err != nil {
			return nil, err
		}
		return e.Launch(p.Browser, engines.LaunchOptions{
			URL: srv.URL + "/", Dir: profile, Isolated: !p.NoIsolation, ChromiumFlags: p.ChromiumFlags, Output: blog,
		})
	}
	b, err := launch()
	if err != nil {
		return Result{}, err
	}
	defer func() { b.Stop() }()
	launched := time.Now()
	fail := func(kind error, format string, a ...any) (Result, error) {
		return Result{}, &Error{Kind: kind, Msg: fmt.Sprintf(format, a...), BrowserLog: blog.tail(40), Requested: srv.requested()}
	}

	// A browser that has not reported within startLimit never ran the
	// page; it is started once more (and says so) before the run fails,
	// unless ctx's deadline leaves no room for that.
	started := time.NewTimer(startLimit)
	defer started.Stop()
	relaunched := false
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 2*startLimit {
		relaunched = true
	}
	var runLimit <-chan time.Time
	var res Result
	for {
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fail(ErrTimeout, "the wasm program did not finish within %v of the browser's start in %s (%s)",
					time.Since(launched).Round(time.Second), e.Name, mode)
			}
			return fail(ctx.Err(), "the run was stopped: %v", context.Cause(ctx))
		case <-runLimit:
			return fail(ErrTimeout, "the wasm program did not finish within %v in %s (%s)", p.RunTimeout, e.Name, mode)
		case <-started.C:
			if relaunched {
				return fail(ErrNoStart, "%s (%s) did not run the page in %v, twice", e.Name, mode, startLimit)
			}
			logf("%s did not run the page in %v; starting it once more (requested so far: %s)",
				e.Name, startLimit, strings.Join(srv.requested(), " "))
			b.Stop()
			if b, err = launch(); err != nil {
				return Result{}, err
			}
			relaunched = true
			started.Reset(startLimit)
		case <-b.Exited():
			return fail(ErrBrowserExited, "%s (%s) exited before the wasm program finished: %v", e.Name, p.Browser, b.Err())
		case <-reports.ready():
		}
		for _, r := range reports.drain() {
			switch r.T {
			case "out":
				if p.Output != nil {
					p.Output(r.FD, r.S)
				}
			case "start":
				started.Stop()
				res.Started = Started{Engine: e.Name, Version: engineVersion(r.UserAgent), Mode: r.Mode, CrossOriginIsolated: r.CrossOriginIsolated}
				if p.OnStart != nil {
					p.OnStart(res.Started)
				} else {
					logf("%s", res.Started)
				}
				if p.RunTimeout > 0 {
					t := time.NewTimer(p.RunTimeout)
					defer t.Stop()
					runLimit = t.C
				}
			case "console", "warn":
				logf("%s", r.S)
			case "error":
				return fail(ErrPage, "%s", r.S)
			case "exit":
				res.Code = r.Code
				return res, nil
			}
		}
	}
}

// uaVersion finds an engine's version in a user agent string: Chrome/…,
// Firefox/…, or WebKit's Version/….
var uaVersion = regexp.MustCompile(`(Chrome|Firefox|Version)/(\S+)`)

func engineVersion(ua string) string {
	if m := uaVersion.FindStringSubmatch(ua); m != nil {
		return m[2]
	}
	return ua
}
