//go:build !js

package browsertest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sabkit/sabkit/internal/chromium"
)

// EnvWasmRun, when set, becomes the wasm binary's -test.run in every variant
// that does not set its own.
const EnvWasmRun = "SABKIT_WASM_RUN"

const bindingName = "__sabkitReport"

// Run builds the js/wasm test binary of the package in opts.Dir and runs it
// in headless Chromium once per variant, each as a subtest of t. The wasm
// output is written to the subtest's output (t.Output), or straight to
// standard output when the host runs benchmarks, so benchmark lines stay
// parseable. A variant fails when the binary exits non-zero, crashes, or does
// not finish in time.
func Run(t *testing.T, opts Options) {
	t.Helper()
	chromiumPath, err := chromium.Find()
	if err != nil {
		t.Fatal(err)
	}
	wasmExec, err := WasmExecJS()
	if err != nil {
		t.Fatal(err)
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	wasmPath, err := buildTestBinary(dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	variants := opts.Variants
	if len(variants) == 0 {
		variants = []Variant{DefaultVariant}
	}
	if hostFlag("test.bench") != "" {
		// Benchmarks run once, in the first variant (the reference setup),
		// so their figures are not mixed with those of other setups.
		variants = variants[:1]
	}
	for _, v := range variants {
		t.Run(v.name(), func(t *testing.T) {
			runVariant(t, chromiumPath, wasmExec, wasmPath, opts, v)
		})
	}
}

// hostFlag returns the value of one of the host test binary's flags.
func hostFlag(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// wasmArgs assembles the wasm binary's command line.
func wasmArgs(opts Options, v Variant, timeout time.Duration) []string {
	args := []string{"-test.timeout=" + timeout.String()}
	bench := v.Bench
	if bench == "" {
		bench = hostFlag("test.bench")
	}
	run := v.Run
	if run == "" {
		run = os.Getenv(EnvWasmRun)
	}
	if run == "" && bench != "" {
		run = "^$" // benchmarks only, as `go test -run=^$ -bench=.` would
	}
	if run != "" {
		args = append(args, "-test.run="+run)
	}
	if bench != "" {
		args = append(args, "-test.bench="+bench)
		for _, name := range []string{"test.benchtime", "test.benchmem", "test.count", "test.cpu"} {
			if val := hostFlag(name); val != "" && val != "false" && val != "1" {
				args = append(args, "-"+name+"="+val)
			}
		}
	}
	if testing.Verbose() {
		args = append(args, "-test.v=true")
	}
	if testing.Short() {
		args = append(args, "-test.short=true")
	}
	return append(args, opts.Args...)
}

// report is one message from runner.js.
type report struct {
	T                   string `json:"t"`
	S                   string `json:"s"`
	FD                  int    `json:"fd"`
	Code                int    `json:"code"`
	Mode                string `json:"mode"`
	CrossOriginIsolated bool   `json:"crossOriginIsolated"`
	UserAgent           string `json:"userAgent"`
}

func runVariant(t *testing.T, chromiumPath, wasmExec, wasmPath string, opts Options, v Variant) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	if dl, ok := t.Deadline(); ok {
		if left := time.Until(dl) - 10*time.Second; left < timeout {
			timeout = max(left, time.Second)
		}
	}
	mode := "page"
	if v.Worker {
		mode = "worker"
	}
	isolated := "1"
	if v.NoIsolation {
		isolated = "0"
	}
	env := map[string]string{"SABKIT_BROWSER": "chromium", "SABKIT_MODE": mode, "SABKIT_ISOLATED": isolated}
	for k, val := range v.Env {
		env[k] = val
	}
	cfg := pageConfig{Mode: mode, Wasm: "/__sabkit/test.wasm", Args: wasmArgs(opts, v, timeout), Env: env}
	srv := newServer(wasmPath, wasmExec, cfg, opts.Serve, !v.NoIsolation)
	defer srv.Close()

	out := newLineWriter(outputFor(t))
	defer out.Flush()

	reports := newQueue[report]()
	allocOpts := chromium.AllocatorOptions(chromiumPath, t.TempDir(), opts.ChromiumFlags...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventBindingCalled:
			if e.Name != bindingName {
				return
			}
			var r report
			if err := json.Unmarshal([]byte(e.Payload), &r); err != nil {
				r = report{T: "warn", S: "undecodable report: " + e.Payload}
			}
			reports.push(r)
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			reports.push(report{T: "console", S: "exception: " + msg})
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				reports.push(report{T: "console", S: string(e.Type) + ": " + consoleArgs(e.Args)})
			}
		}
	}))
	defer cancelBrowser()

	start := time.Now()
	err := chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: bindingName})
			return err
		}),
		chromedp.Navigate(srv.URL+"/"),
	)
	if err != nil {
		t.Fatalf("browsertest: starting Chromium (%s) and loading the test page: %v", chromiumPath, err)
	}

	deadline := time.NewTimer(timeout - time.Since(start))
	defer deadline.Stop()
	for {
		select {
		case <-deadline.C:
			out.Flush()
			t.Fatalf("browsertest: the wasm tests did not finish within %v in Chromium (%s); "+
				"raise Options.Timeout or look for a test waiting on an event that never comes", timeout, v.name())
		case <-reports.ready():
		}
		for _, r := range reports.drain() {
			switch r.T {
			case "out":
				out.Write(r.S)
			case "start":
				out.Line(fmt.Sprintf("browsertest: Chromium %s, mode=%s, crossOriginIsolated=%v", chromeVersion(r.UserAgent), r.Mode, r.CrossOriginIsolated))
				if r.CrossOriginIsolated == v.NoIsolation {
					t.Errorf("browsertest: crossOriginIsolated=%v but the variant expects %v", r.CrossOriginIsolated, !v.NoIsolation)
				}
			case "console", "warn":
				out.Line("browsertest: " + r.S)
			case "error":
				out.Flush()
				t.Fatalf("browsertest: %s", r.S)
			case "exit":
				out.Flush()
				if r.Code != 0 {
					t.Fatalf("browsertest: wasm test binary exited with status %d in Chromium (%s)", r.Code, v.name())
				}
				return
			}
		}
	}
}

// outputFor picks where wasm output goes: the test's output normally, stdout
// when benchmarking so `go test -bench` shows and benchstat can read it.
func outputFor(t *testing.T) io.Writer {
	if hostFlag("test.bench") != "" {
		return os.Stdout
	}
	return t.Output()
}

func chromeVersion(ua string) string {
	if _, rest, ok := strings.Cut(ua, "Chrome/"); ok {
		v, _, _ := strings.Cut(rest, " ")
		return v
	}
	return ua
}

func consoleArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// queue is an unbounded FIFO: the chromedp listener must never block.
type queue[T any] struct {
	mu    sync.Mutex
	items []T
	sig   chan struct{}
}

func newQueue[T any]() *queue[T] { return &queue[T]{sig: make(chan struct{}, 1)} }

func (q *queue[T]) push(x T) {
	q.mu.Lock()
	q.items = append(q.items, x)
	q.mu.Unlock()
	select {
	case q.sig <- struct{}{}:
	default:
	}
}

func (q *queue[T]) ready() <-chan struct{} { return q.sig }

func (q *queue[T]) drain() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// lineWriter writes whole lines, so partial writes from the wasm program do
// not interleave with harness messages.
type lineWriter struct {
	w       io.Writer
	partial strings.Builder
}

func newLineWriter(w io.Writer) *lineWriter { return &lineWriter{w: w} }

func (l *lineWriter) Write(s string) {
	l.partial.WriteString(s)
	buf := l.partial.String()
	if i := strings.LastIndexByte(buf, '\n'); i >= 0 {
		io.WriteString(l.w, buf[:i+1])
		l.partial.Reset()
		l.partial.WriteString(buf[i+1:])
	}
}

func (l *lineWriter) Line(s string) {
	l.Flush()
	io.WriteString(l.w, s+"\n")
}

func (l *lineWriter) Flush() {
	if l.partial.Len() > 0 {
		io.WriteString(l.w, l.partial.String()+"\n")
		l.partial.Reset()
	}
}
