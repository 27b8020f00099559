//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/chromium"
	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/engines"
	"github.com/sabkit/sabkit/internal/sharedheap"
)

// defaultExample is the demo; the other examples under examples/ can be
// named instead.
const defaultExample = "shared_memory_gpu"

func runDemo(args []string) int { return runDemoTo(os.Stdout, args) }

// runDemoTo is runDemo with its report written to out.
func runDemoTo(out io.Writer, args []string) int {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to serve the demo on (127.0.0.1:0 picks a free port)")
	headless := flags.Bool("headless", false, "run the page in a headless browser, print what it verified, save a screenshot and exit")
	browser := flags.String("browser", engines.Chromium, "with --headless: the engine to run the page in: chromium, firefox or webkit")
	png := flags.String("png", "sabkit-demo.png", "with --headless: where to save the screenshot")
	frames := flags.Int("frames", 90, "with --headless: frames to verify")
	setup := flags.Bool("setup", false, "install what is missing first: Pyodide (npm ci) and, with --headless --browser chromium, Chromium (apt-get)")
	timeout := flags.Duration("timeout", 4*time.Minute, "with --headless: give up after this long")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: sabkit demo [flags] [EXAMPLE]\n\nBuilds examples/EXAMPLE (default shared_memory_gpu; also same_thread, attach_existing, js_frames, and\njs_only, a page without Go) for js/wasm and serves it cross-origin isolated with Pyodide self-hosted. Run it from the sabkit checkout.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	engine := engines.ByName(*browser)
	if engine == nil {
		fmt.Fprintf(os.Stderr, "sabkit demo: --browser %q: use chromium, firefox or webkit\n", *browser)
		return 2
	}
	example := defaultExample
	switch flags.NArg() {
	case 0:
	case 1:
		example = flags.Arg(0)
	default:
		flags.Usage()
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit demo:", err)
		return 2
	}
	if *setup {
		if err := installDeps(root, *headless && engine.Name == engines.Chromium); err != nil {
			fmt.Fprintln(os.Stderr, "sabkit demo: setup:", err)
			return 1
		}
	}
	pyodide := filepath.Join(root, "testdata", "pyodide", "node_modules", "pyodide")
	if _, err := os.Stat(filepath.Join(pyodide, "pyodide.asm.wasm")); err != nil {
		fmt.Fprintf(os.Stderr, "sabkit demo: Pyodide is not installed in %s: run with --setup, or `npm ci --prefix testdata/pyodide`\n", pyodide)
		return 1
	}
	stage, err := os.MkdirTemp("", "sabkit-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit demo:", err)
		return 1
	}
	defer os.RemoveAll(stage)
	pkg := "./examples/" + example
	if _, err := os.Stat(filepath.Join(root, pkg, "index.html")); err != nil || strings.ContainsAny(example, "/\\.") {
		fmt.Fprintf(os.Stderr, "sabkit demo: no example %q under examples/\n", example)
		return 2
	}
	if *headless && engine.Name != engines.Chromium && example != defaultExample {
		fmt.Fprintf(os.Stderr, "sabkit demo: --browser %s runs the %s demo only (its page posts its report); %s runs in chromium\n",
			engine.Name, defaultExample, example)
		return 2
	}
	fmt.Fprintln(out, "building", pkg, "for js/wasm…")
	if err := buildDemo(root, pkg, stage); err != nil {
		fmt.Fprintln(os.Stderr, "sabkit demo:", err)
		return 1
	}
	reports := make(chan pagePost, 1)
	srv, url, err := startServer(*addr, devserver.Config{
		// The shared-heap worker rewrites Pyodide as it loads; serving it
		// pre-rewritten lets the browser compile it while it downloads.
		Root: stage, Pyodide: pyodide, SharedHeap: example == defaultExample,
		Assets:   map[string]fs.FS{"/sharedheap/": sharedheap.Assets(), atomicsx.JSPrefix: devserver.SabkitFiles()},
		Handlers: map[string]http.Handler{"POST " + reportPath: collectReports(reports)},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit demo:", err)
		return 1
	}
	defer shutdown(srv)
	if !*headless {
		fmt.Fprintf(out, "demo: open %s in a browser; with WebGPU (Chrome/Edge; Chromium needs --enable-unsafe-webgpu) the GPU colours the frames, without it the CPU; Ctrl-C stops\n", url)
		waitForSignal()
		return 0
	}
	verify := headlessDemo
	if engine.Name != engines.Chromium {
		verify = func(url string, frames int, png string, timeout time.Duration, out io.Writer) (bool, error) {
			return headlessEngine(engine, reports, url, frames, png, timeout, out)
		}
	}
	ok, err := verify(url, *frames, *png, *timeout, out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit demo:", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// reportPath is where the page POSTs its report and canvas in engines the
// command drives without a driver protocol.
const reportPath = "/sabkit-demo/report"

// pagePost is what the page POSTs to reportPath.
type pagePost struct {
	Report demoReport `json:"report"`
	PNG    string     `json:"png"` // a data: URL
}

// collectReports passes what the page POSTs to reportPath on to reports.
func collectReports(reports chan<- pagePost) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p pagePost
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case reports <- p:
		default: // one report per run; a reload's second one is dropped
		}
	})
}

// moduleRoot finds the sabkit checkout from the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/sabkit/sabkit\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the demo from inside the sabkit checkout (the demo is built from its examples/ folder)")
		}
		dir = parent
	}
}

func buildDemo(root, pkg, stage string) error {
	if gos, _ := filepath.Glob(filepath.Join(root, pkg, "*.go")); len(gos) == 0 {
		// A page without Go (js_only): the page is all there is to stage.
		data, err := os.ReadFile(filepath.Join(root, pkg, "index.html"))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(stage, "index.html"), data, 0o644)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(stage, "main.wasm"), pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the demo: %v\n%s", err, out)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	for _, f := range []struct{ from, to string }{
		{filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), "wasm_exec.js"},
		{filepath.Join(root, pkg, "index.html"), "index.html"},
	} {
		data, err := os.ReadFile(f.from)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(stage, f.to), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func installDeps(root string, browser bool) error {
	if _, err := os.Stat(filepath.Join(root, "testdata", "pyodide", "node_modules", "pyodide", "pyodide.asm.wasm")); err != nil {
		fmt.Println("setup: npm ci --prefix testdata/pyodide")
		if err := runVisible(root, "npm", "ci", "--prefix", "testdata/pyodide", "--no-audit", "--no-fund"); err != nil {
			return err
		}
	}
	if browser {
		if _, err := chromium.Find(); err != nil {
			fmt.Println("setup: apt-get install -y chromium")
			if err := runVisible(root, "sh", "-c", chromium.InstallHint); err != nil {
				return err
			}
		}
	}
	return nil
}

func runVisible(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stdout, os.Stderr
	return cmd.Run()
}

// demoReport mirrors the report the page publishes on globalThis.sabkitDemo.
type demoReport struct {
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Checks []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		NotRun bool   `json:"not_run"`
		Detail string `json:"detail"`
	} `json:"checks"`
	Times map[string]string `json:"times"`
	Stats map[string]any    `json:"stats"`
}

// headlessDemo opens the page in headless Chromium, waits for its
// verification, prints it and saves a screenshot.
func headlessDemo(url string, frames int, png string, timeout time.Duration, out io.Writer) (bool, error) {
	bctx, cancelBrowser, err := headlessChromium(func(ev any) {
		if e, ok := ev.(*runtime.EventConsoleAPICalled); ok {
			for _, a := range e.Args {
				var s string
				if json.Unmarshal(a.Value, &s) == nil && strings.HasPrefix(s, "demo: ") {
					fmt.Fprintln(out, "  page:", strings.TrimPrefix(s, "demo: "))
				}
			}
		}
	})
	if err != nil {
		return false, err
	}
	defer cancelBrowser()
	page := fmt.Sprintf("%s?verify=%d", url, frames)
	fmt.Fprintln(out, "demo: opening", page, "in headless Chromium")
	start := time.Now()
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1120, 580), chromedp.Navigate(page)); err != nil {
		return false, fmt.Errorf("opening %s: %w", page, err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`globalThis.sabkitDemo && globalThis.sabkitDemo.done === true`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(timeout))); err != nil {
		return false, fmt.Errorf("the page did not finish its verification within %v: %w", timeout, err)
	}
	raw, err := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify(globalThis.sabkitDemo.report)`))
	if err != nil {
		return false, err
	}
	var rep demoReport
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		return false, fmt.Errorf("reading the page's report %q: %w", raw, err)
	}
	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		return false, fmt.Errorf("taking the screenshot: %w", err)
	}
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		return false, err
	}
	printReport(out, rep, time.Since(start))
	fmt.Fprintf(out, "screenshot: %s (%d bytes)\n", png, len(shot))
	return rep.OK, nil
}

// headlessEngine opens the page in engine (Firefox or WebKitGTK, launched
// by internal/engines), waits for the report and canvas the page POSTs,
// prints the report and writes the canvas as a PNG.
func headlessEngine(engine *engines.Engine, reports <-chan pagePost, url string, frames int, png string, timeout time.Duration, out io.Writer) (bool, error) {
	bin, err := engine.Find()
	if err != nil {
		return false, err
	}
	dir, err := os.MkdirTemp("", "sabkit-demo-"+engine.Name+"-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	page := fmt.Sprintf("%s?verify=%d&post=%s", url, frames, reportPath)
	fmt.Fprintln(out, "demo: opening", page, "in headless", engine.Name, bin)
	start := time.Now()
	console := &pageLines{out: out}
	b, err := engine.Launch(bin, engines.LaunchOptions{URL: page, Dir: dir, Isolated: true, Output: console})
	if err != nil {
		return false, err
	}
	defer b.Stop()
	var post pagePost
	select {
	case post = <-reports:
	case <-b.Exited():
		return false, fmt.Errorf("%s exited before the page reported (%v)", engine.Name, b.Err())
	case <-time.After(timeout):
		return false, fmt.Errorf("the page did not report its verification within %v", timeout)
	}
	shot, err := decodePNG(post.PNG)
	if err != nil {
		return false, fmt.Errorf("the page's canvas: %w", err)
	}
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		return false, err
	}
	printReport(out, post.Report, time.Since(start))
	fmt.Fprintf(out, "screenshot: %s (%d bytes, the page's canvas with its caption)\n", png, len(shot))
	return post.Report.OK, nil
}

// decodePNG decodes a data:image/png;base64 URL.
func decodePNG(dataURL string) ([]byte, error) {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(dataURL, prefix) {
		return nil, fmt.Errorf("want a %s… data URL, got %.40q", prefix, dataURL)
	}
	data, err := base64.StdEncoding.DecodeString(dataURL[len(prefix):])
	if err == nil && len(data) == 0 {
		err = errors.New("the PNG is empty")
	}
	return data, err
}

// pageLines passes on the page's "demo: " console lines from a browser's
// output, which carries them among its own messages.
type pageLines struct {
	out     io.Writer
	partial []byte
}

func (p *pageLines) Write(b []byte) (int, error) {
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(p.partial[:i])
		p.partial = p.partial[i+1:]
		if _, msg, ok := strings.Cut(line, "demo: "); ok {
			msg = strings.TrimSuffix(msg, `"`)
			// Firefox escapes non-ASCII as \uXXXX.
			if u, err := strconv.Unquote(`"` + msg + `"`); err == nil {
				msg = u
			}
			fmt.Fprintln(p.out, "  page:", msg)
		}
	}
}

// headlessChromium starts headless Chromium with sabkit's flags and
// returns a chromedp context for one tab; listener sees its events.
func headlessChromium(listener func(ev any)) (context.Context, func(), error) {
	bin, err := chromium.Find()
	if err != nil {
		return nil, nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromium.AllocatorOptions(bin, ""), chromedp.WindowSize(1120, 560))...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(listener))
	return bctx, func() { cancelBrowser(); cancelAlloc() }, nil
}

func printReport(out io.Writer, rep demoReport, took time.Duration) {
	fmt.Fprintln(out, "\nverified:")
	for _, c := range rep.Checks {
		mark := "ok  "
		switch {
		case c.NotRun:
			mark = "skip"
		case !c.OK:
			mark = "FAIL"
		}
		fmt.Fprintf(out, "  %s %-36s %s\n", mark, c.Name, c.Detail)
	}
	if rep.Error != "" {
		fmt.Fprintf(out, "  FAIL %s\n", rep.Error)
	}
	if len(rep.Times) > 0 {
		fmt.Fprintln(out, "timings (since the Go program started):")
		for _, k := range []string{"python ready", "gpu ready", "first frame", "frames verified"} {
			if v, ok := rep.Times[k]; ok {
				fmt.Fprintf(out, "  %-16s %s\n", k, v)
			}
		}
	}
	if len(rep.Stats) > 0 {
		fmt.Fprintln(out, "frames:")
		for _, k := range []string{"frames_shown", "fps", "frames_dropped", "frames_torn", "frames_crc_checked", "bytes_heap_to_gpu", "bytes_heap_to_cpu", "bytes_heap_to_go", "bytes_gpu_to_canvas", "latency_p50_ms", "latency_p99_ms"} {
			if v, ok := rep.Stats[k]; ok {
				if f, isFloat := v.(float64); isFloat && f == float64(int64(f)) {
					v = int64(f) // JSON numbers arrive as float64
				}
				fmt.Fprintf(out, "  %-20s %v\n", k, v)
			}
		}
	}
	result := "all checks passed"
	for _, c := range rep.Checks {
		if c.NotRun {
			result = "every check that ran passed (see skip above)"
		}
	}
	if !rep.OK {
		result = "FAILED"
	}
	fmt.Fprintf(out, "demo: %s in %v\n", result, took.Round(100*time.Millisecond))
}
