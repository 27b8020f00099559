//go:build !js

// Package doctor checks whether a page is cross-origin isolated, and if not,
// why: it opens the page in headless Chromium, records the document's
// COOP/COEP headers and every subresource's CORP/CORS headers, and names each
// resource that COEP blocks (or would block once COEP is turned on) together
// with the header that fixes it. It is `sabkit doctor`.
package doctor

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sabkit/sabkit/internal/chromium"
)

// Options tunes a check.
type Options struct {
	// Settle is how long to keep listening after the load event for late
	// requests (scripts that import more scripts, fetches). Zero means 1s.
	Settle time.Duration
	// Timeout bounds the whole check. Zero means 60s.
	Timeout time.Duration
	// UserDataDir is the Chromium profile directory; "" uses a temporary one.
	UserDataDir string
}

// Report is what a check found.
type Report struct {
	URL                 string
	Status              int64
	CrossOriginIsolated bool
	SharedArrayBuffer   bool
	COOP, COEP          string // the document's headers, "" when absent
	Resources           []Resource
	Problems            []string // one line per thing to fix, in order
}

// Resource is one subresource the page requested.
type Resource struct {
	URL        string
	Type       string // Script, Stylesheet, Fetch, Image, …
	Status     int64
	SameOrigin bool
	CORP       string // Cross-Origin-Resource-Policy, "" when absent
	ACAO       string // Access-Control-Allow-Origin, "" when absent
	Blocked    string // Chromium's blocked reason, "" when it loaded
	Failed     string // other load error text
	Verdict    Verdict
	Fix        string
}

// Verdict classifies a resource.
type Verdict string

// Verdicts, from good to bad.
const (
	OK         Verdict = "ok"
	WouldBlock Verdict = "would-block" // loads now, but not once the page sends COEP: require-corp
	Blocked    Verdict = "blocked"     // COEP (or CORP) blocked it
	Failed     Verdict = "failed"      // did not load for another reason
)

// OK reports whether the page is isolated and nothing is (or would be) blocked.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

type record struct {
	url, typ    string
	status      int64
	headers     map[string]string
	blocked     string
	failed      string
	isDocument  bool
	gotResponse bool
}

// Check opens pageURL in headless Chromium and reports.
func Check(ctx context.Context, pageURL string, opts Options) (*Report, error) {
	if opts.Settle == 0 {
		opts.Settle = time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	page, err := url.Parse(pageURL)
	if err != nil || page.Scheme == "" || page.Host == "" {
		return nil, fmt.Errorf("doctor: %q is not an absolute URL (try http://127.0.0.1:8080/)", pageURL)
	}
	bin, err := chromium.Find()
	if err != nil {
		return nil, err
	}
	allocOpts := chromium.AllocatorOptions(bin, opts.UserDataDir)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	defer cancelAlloc()

	var mu sync.Mutex
	records := map[network.RequestID]*record{}
	var order []network.RequestID
	get := func(id network.RequestID) *record {
		r, ok := records[id]
		if !ok {
			r = &record{headers: map[string]string{}}
			records[id] = r
			order = append(order, id)
		}
		return r
	}
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			r := get(e.RequestID)
			r.url, r.typ = e.Request.URL, string(e.Type)
			r.isDocument = e.Type == network.ResourceTypeDocument && len(order) == 1
		case *network.EventResponseReceived:
			r := get(e.RequestID)
			r.status, r.gotResponse = e.Response.Status, true
			mergeHeaders(r.headers, e.Response.Headers)
		case *network.EventResponseReceivedExtraInfo:
			r := get(e.RequestID)
			if r.status == 0 {
				r.status = e.StatusCode
			}
			mergeHeaders(r.headers, e.Headers)
		case *network.EventLoadingFailed:
			r := get(e.RequestID)
			r.blocked = string(e.BlockedReason)
			if r.blocked == "" && !e.Canceled {
				r.failed = e.ErrorText
			}
		}
	}))
	defer cancelBrowser()

	tctx, cancel := context.WithTimeout(bctx, opts.Timeout)
	defer cancel()
	err = chromedp.Do(tctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
			return err
		}),
		chromedp.Navigate(pageURL),
	)
	if err != nil {
		return nil, fmt.Errorf("doctor: loading %s: %w", pageURL, err)
	}
	time.Sleep(opts.Settle)
	coi, _ := chromedp.Run(tctx, chromedp.Evaluate[bool](`globalThis.crossOriginIsolated === true`))
	sab, _ := chromedp.Run(tctx, chromedp.Evaluate[bool](`typeof SharedArrayBuffer === "function"`))

	mu.Lock()
	defer mu.Unlock()
	rep := &Report{URL: pageURL, CrossOriginIsolated: coi, SharedArrayBuffer: sab}
	for _, id := range order {
		r := records[id]
		if r.isDocument {
			rep.Status = r.status
			rep.COOP, rep.COEP = r.headers["cross-origin-opener-policy"], r.headers["cross-origin-embedder-policy"]
			continue
		}
		// The browser's own favicon probe is not part of the page.
		if r.url == "" || strings.HasPrefix(r.url, "data:") || strings.HasPrefix(r.url, "blob:") ||
			(strings.HasSuffix(r.url, "/favicon.ico") && r.typ == string(network.ResourceTypeOther)) {
			continue
		}
		rep.Resources = append(rep.Resources, classify(page, r, rep.COEP))
	}
	sort.SliceStable(rep.Resources, func(i, j int) bool { return rank(rep.Resources[i].Verdict) > rank(rep.Resources[j].Verdict) })
	rep.Problems = problems(rep)
	return rep, nil
}

func mergeHeaders(dst map[string]string, h network.Headers) {
	for k, v := range h {
		dst[strings.ToLower(k)] = strings.TrimSpace(fmt.Sprint(v))
	}
}

func rank(v Verdict) int {
	switch v {
	case Blocked:
		return 3
	case WouldBlock:
		return 2
	case Failed:
		return 1
	}
	return 0
}

func sameOrigin(a *url.URL, raw string) bool {
	b, err := url.Parse(raw)
	return err == nil && a.Scheme == b.Scheme && a.Host == b.Host
}

func classify(page *url.URL, r *record, docCOEP string) Resource {
	res := Resource{
		URL: r.url, Type: r.typ, Status: r.status, SameOrigin: sameOrigin(page, r.url),
		CORP: r.headers["cross-origin-resource-policy"], ACAO: r.headers["access-control-allow-origin"],
		Blocked: r.blocked, Failed: r.failed, Verdict: OK,
	}
	origin := r.url
	if u, err := url.Parse(r.url); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	fixHeader := fmt.Sprintf("have %s send `Cross-Origin-Resource-Policy: cross-origin` with %s (or serve it with CORS, "+
		"`Access-Control-Allow-Origin`, and load it with crossorigin), or self-host it on this origin", origin, r.url)
	crossOK := res.CORP == "cross-origin" || res.ACAO != "" ||
		(res.CORP == "same-site" && sameSite(page, r.url))
	switch {
	case strings.Contains(r.blocked, "coep-frame-resource-needs-coep-header"):
		res.Verdict = Blocked
		res.Fix = fmt.Sprintf("the framed document %s must itself send `Cross-Origin-Embedder-Policy: require-corp`", r.url)
	case strings.HasPrefix(r.blocked, "corp-"):
		res.Verdict = Blocked
		res.Fix = fixHeader
	case r.blocked != "":
		res.Verdict = Blocked
		res.Fix = "blocked by the browser (" + r.blocked + ")"
	case r.failed != "":
		res.Verdict = Failed
		res.Fix = "did not load: " + r.failed
	case !res.SameOrigin && !crossOK && !strings.Contains(docCOEP, "require-corp") && !strings.Contains(docCOEP, "credentialless"):
		res.Verdict = WouldBlock
		res.Fix = "loads now only because the page has no COEP; " + fixHeader
	case r.status >= 400:
		res.Verdict = Failed
		res.Fix = fmt.Sprintf("HTTP %d", r.status)
	}
	return res
}

func sameSite(page *url.URL, raw string) bool {
	b, err := url.Parse(raw)
	return err == nil && page.Scheme == b.Scheme && page.Hostname() == b.Hostname()
}

func problems(rep *Report) []string {
	var out []string
	if rep.Status >= 400 {
		out = append(out, fmt.Sprintf("the page itself answered HTTP %d", rep.Status))
	}
	if rep.COOP != "same-origin" {
		out = append(out, fmt.Sprintf("the document sends Cross-Origin-Opener-Policy %s; send `Cross-Origin-Opener-Policy: same-origin`", show(rep.COOP)))
	}
	if rep.COEP != "require-corp" && rep.COEP != "credentialless" {
		out = append(out, fmt.Sprintf("the document sends Cross-Origin-Embedder-Policy %s; send `Cross-Origin-Embedder-Policy: require-corp`", show(rep.COEP)))
	}
	for _, r := range rep.Resources {
		if r.Verdict == Blocked || r.Verdict == WouldBlock {
			out = append(out, fmt.Sprintf("%s %s: %s", r.Verdict, r.URL, r.Fix))
		}
	}
	if !rep.CrossOriginIsolated && len(out) == 0 {
		out = append(out, "crossOriginIsolated is false although the headers look right (is the page inside a frame or opened by a non-isolated window?)")
	}
	return out
}

func show(h string) string {
	if h == "" {
		return "(none)"
	}
	return "`" + h + "`"
}

// Write prints the report for people.
func (r *Report) Write(w io.Writer) {
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "FIX"
	}
	fmt.Fprintf(w, "page %s (HTTP %d)\n", r.URL, r.Status)
	fmt.Fprintf(w, "  crossOriginIsolated  %-5v %s\n", r.CrossOriginIsolated, mark(r.CrossOriginIsolated))
	fmt.Fprintf(w, "  SharedArrayBuffer    %-5v\n", r.SharedArrayBuffer)
	fmt.Fprintf(w, "  COOP %-24s %s\n", show(r.COOP), mark(r.COOP == "same-origin"))
	fmt.Fprintf(w, "  COEP %-24s %s\n", show(r.COEP), mark(r.COEP == "require-corp" || r.COEP == "credentialless"))
	fmt.Fprintf(w, "subresources (%d):\n", len(r.Resources))
	for _, res := range r.Resources {
		where := "cross-origin"
		if res.SameOrigin {
			where = "same-origin"
		}
		fmt.Fprintf(w, "  %-11s %-10s %3d %-12s CORP %-14s CORS %-6s %s\n", res.Verdict, res.Type, res.Status, where,
			show(res.CORP), show(res.ACAO), res.URL)
	}
	if r.OK() {
		fmt.Fprintln(w, "result: the page is cross-origin isolated; SharedArrayBuffer and shared WebAssembly memory can be used")
		return
	}
	fmt.Fprintf(w, "result: %d problem(s):\n", len(r.Problems))
	for i, p := range r.Problems {
		fmt.Fprintf(w, "  %d. %s\n", i+1, p)
	}
}
