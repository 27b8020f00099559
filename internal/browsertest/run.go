//go:build !js

package browsertest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/engines"
)

// EnvWasmRun, when set, becomes the wasm binary's -test.run in every variant
// that does not set its own.
const EnvWasmRun = "SABKIT_WASM_RUN"

// Run builds the js/wasm test binary of the package in opts.Dir and runs it
// in every selected browser engine (see engines.Select and SABKIT_BROWSER)
// once per variant, as subtests engine/variant of t. The wasm output is
// written to the subtest's output (t.Output), or straight to standard output
// when the host runs benchmarks, so benchmark lines stay parseable. A variant
// fails when the binary exits non-zero, crashes, does not finish in time, or
// ran no test and the variant does not say it expects that.
func Run(t *testing.T, opts Options) {
	t.Helper()
	sel, err := engines.Select(os.Getenv(engines.EnvBrowser))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sel.Skipped {
		t.Logf("browsertest: skipped %s; %s=chromium,firefox,webkit names the engines to run", s, engines.EnvBrowser)
	}
	wasmExec, err := devserver.WasmExec()
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
	benchmarking := hostFlag("test.bench") != ""
	for i, e := range sel.Engines {
		if benchmarking && i > 0 {
			// Benchmarks run once, in the first engine's first variant (the
			// reference setup), so their figures are not mixed.
			break
		}
		t.Run(e.Name, func(t *testing.T) {
			ran := 0
			for _, v := range variants {
				if len(v.Engines) > 0 && !slices.Contains(v.Engines, e.Name) {
					continue
				}
				if benchmarking && ran > 0 {
					break
				}
				ran++
				t.Run(v.name(), func(t *testing.T) {
					runVariant(t, e, sel.Paths[i], wasmExec, wasmPath, opts, v)
				})
			}
			if ran == 0 {
				t.Skipf("no variant runs in %s", e.Name)
			}
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
	// Always verbose: the harness reads which tests ran, passed and
	// skipped; the output is shown only with -v or on failure, as usual.
	args = append(args, "-test.v=true")
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

func runVariant(t *testing.T, e *engines.Engine, bin, wasmExec, wasmPath string, opts Options, v Variant) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	if dl, ok := t.Deadline(); ok {
		if left := time.Until(dl) - 10*time.Second; left < timeout {
			timeout = max(left, time.Second)
		}
	}
	args := wasmArgs(opts, v, timeout)
	tally := &tally{}
	out := newLineWriter(outputFor(t), tally.line)
	defer out.Flush()
	p := &Program{
		Engine: e, Browser: bin, Wasm: wasmPath, WasmExec: wasmExec, Args: args, Env: v.Env,
		Worker: v.Worker, NoIsolation: v.NoIsolation, Serve: opts.Serve, ChromiumFlags: opts.ChromiumFlags,
		TempDir: t.TempDir(),
		Output:  func(_ int, s string) { out.Write(s) },
		Log:     func(s string) { out.Line("browsertest: " + s) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := p.Run(ctx)
	out.Flush()
	if err != nil {
		var perr *Error
		if errors.As(err, &perr) {
			t.Logf("browsertest: %s (%s): %s", e.Name, v.name(), perr.Details())
		}
		if errors.Is(err, ErrTimeout) {
			t.Fatalf("browsertest: the wasm tests did not finish within %v in %s (%s); "+
				"raise Options.Timeout or look for a test waiting on an event that never comes", timeout, e.Name, v.name())
		}
		t.Fatalf("browsertest: %v", err)
	}
	if res.Started.CrossOriginIsolated == v.NoIsolation {
		t.Errorf("browsertest: crossOriginIsolated=%v but the variant expects %v", res.Started.CrossOriginIsolated, !v.NoIsolation)
	}
	if res.Code != 0 {
		t.Fatalf("browsertest: wasm test binary exited with status %d in %s (%s)", res.Code, e.Name, v.name())
	}
	if hostFlag("test.bench") == "" {
		if msg := tally.check(v, args); msg != "" {
			t.Fatal("browsertest: " + msg)
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

// tally counts the top-level results in the wasm binary's -test.v output.
type tally struct {
	pass, fail, skip int
}

func (c *tally) line(l string) {
	switch {
	case strings.HasPrefix(l, "--- PASS: "):
		c.pass++
	case strings.HasPrefix(l, "--- FAIL: "):
		c.fail++
	case strings.HasPrefix(l, "--- SKIP: "):
		c.skip++
	}
}

// check returns why a variant that exited 0 still fails: it ran no test,
// though it does not say it expects none.
func (c *tally) check(v Variant, args []string) string {
	if c.pass+c.fail > 0 {
		return ""
	}
	run := "(every test)"
	for _, a := range args {
		if r, ok := strings.CutPrefix(a, "-test.run="); ok {
			run = r
		}
	}
	if c.skip > 0 {
		if v.ExpectSkips {
			return ""
		}
		return fmt.Sprintf("every test the variant ran skipped (%d, -test.run=%s); "+
			"set Variant.ExpectSkips if that is what it proves", c.skip, run)
	}
	if v.ExpectNoTests {
		return ""
	}
	return fmt.Sprintf("the variant ran no test: -test.run=%s matched nothing; "+
		"fix the pattern or set Variant.ExpectNoTests", run)
}

// syncBuffer collects a browser's output from its process's pipes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Next(b.buf.Len() - 1<<19) // keep the recent half
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := strings.Split(strings.TrimRight(b.buf.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// queue is an unbounded FIFO: the report handler must never block.
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
// not interleave with harness messages, and shows each line to onLine.
type lineWriter struct {
	w       io.Writer
	onLine  func(string)
	partial strings.Builder
}

func newLineWriter(w io.Writer, onLine func(string)) *lineWriter {
	return &lineWriter{w: w, onLine: onLine}
}

func (l *lineWriter) Write(s string) {
	l.partial.WriteString(s)
	buf := l.partial.String()
	if i := strings.LastIndexByte(buf, '\n'); i >= 0 {
		io.WriteString(l.w, buf[:i+1])
		for _, line := range strings.Split(buf[:i], "\n") {
			l.onLine(line)
		}
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
		l.onLine(l.partial.String())
		io.WriteString(l.w, l.partial.String()+"\n")
		l.partial.Reset()
	}
}
