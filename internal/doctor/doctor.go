//go:build !js

package doctor

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"

	"github.com/sabkit/sabkit/internal/chromium"
)

// Options tunes a check.
type Options struct {
	// Settle is how long the page must stay quiet (no request in flight)
	// before the check ends, so that late requests (workers, imports,
	// fetches) are seen. Zero means 1s.
	Settle time.Duration
	// Timeout bounds the whole check. When it runs out the report says
	// what was seen and lists the requests still pending. Zero means 60s.
	Timeout time.Duration
	// UserDataDir is the Chromium profile directory; "" uses a temporary one.
	UserDataDir string
}

// Report is what a check found.
type Report struct {
	URL                 string // as asked
	FinalURL            string // the document's URL after redirects
	Status              int64
	CrossOriginIsolated bool
	SharedArrayBuffer   bool
	COOP, COEP, DIP     string // the final document response's headers, "" when absent
	ContentType         string // the final document response's Content-Type
	Resources           []Resource
	TimedOut            bool
	Problems            []string // one line per thing to fix, in order
}

// Resource is one response the page's contexts asked for: a subresource,
// a frame's document, a worker's script, or one hop of a redirect chain.
type Resource struct {
	URL        string
	Kind       string // "subresource", "frame", "worker", "shared worker", "service worker"
	Type       string // Chromium's resource type: Script, Fetch, Document, …
	By         string // who asked for it: "the page URL", "the worker URL", …
	Hop        int    // 0 for the first response; redirects count up
	RedirectTo string // where this hop redirected, "" for the final response
	Status     int64
	SameOrigin bool
	CORP       string // Cross-Origin-Resource-Policy, "" when absent
	ACAO       string // Access-Control-Allow-Origin, "" when absent
	COEP       string // for frames and workers: their own Cross-Origin-Embedder-Policy
	Blocked    string // Chromium's blocked reason, "" when it was not blocked
	CORS       string // Chromium's CORS error, "" when none
	Failed     string // other load error text
	Verdict    Verdict
	Fix        string
	// ContentType is the response's Content-Type; TypeFix, when not "",
	// says that a browser refuses or mistreats the response for it (a
	// script, worker or module not sent as JavaScript, a .wasm not sent as
	// application/wasm, a frame not sent as HTML) and what to send.
	ContentType string
	TypeFix     string
}

// Verdict classifies a resource.
type Verdict string

// Verdicts, from good to bad.
const (
	OK         Verdict = "ok"
	Failed     Verdict = "failed"      // did not load for a reason isolation does not cause
	WouldBlock Verdict = "would-block" // loads now, but not once the page sends COEP
	Blocked    Verdict = "blocked"     // COEP, CORP or CORS blocked it
	Pending    Verdict = "pending"     // no response before the timeout
)

// OK reports whether the page is isolated and nothing is (or would be) blocked.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// ExitCode is the status `sabkit doctor` exits with: 0 when OK, 1 otherwise.
func (r *Report) ExitCode() int {
	if r.OK() {
		return 0
	}
	return 1
}

// Check opens pageURL in headless Chromium, follows every frame and worker
// the page creates, and reports.
func Check(ctx context.Context, pageURL string, opts Options) (*Report, error) {
	if opts.Settle == 0 {
		opts.Settle = time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	pg, err := url.Parse(pageURL)
	if err != nil || pg.Scheme == "" || pg.Host == "" {
		return nil, fmt.Errorf("doctor: %q is not an absolute URL (try http://127.0.0.1:8080/)", pageURL)
	}
	bin, err := chromium.Find()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	// Watching stops a little before the deadline so that there is time
	// left to ask the page whether it is isolated.
	watchUntil := time.Now().Add(opts.Timeout - min(2*time.Second, opts.Timeout/4))

	w := newWatch()
	b, err := launch(bin, opts.UserDataDir, w.event)
	if err != nil {
		return nil, err
	}
	defer b.close()
	w.attach = func(s target.SessionID, info *target.Info, ours bool) {
		if ours {
			// Paused until here, so no request of the new context is missed;
			// auto-attach again for its own workers and frames.
			b.call(ctx, s, target.CommandSetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: ptr(true)}, nil)
			b.call(ctx, s, network.CommandEnable, network.EnableParams{}, nil)
		}
		b.call(ctx, s, runtime.CommandRunIfWaitingForDebugger, struct{}{}, nil)
	}
	if err := b.call(ctx, "", target.CommandSetDiscoverTargets, target.SetDiscoverTargetsParams{Discover: true}, nil); err != nil {
		return nil, err
	}
	var created target.CreateTargetResult
	// The tab is made before auto-attach so that its ID is known when it
	// attaches, and blank so that navigating it is the first request.
	if err := b.call(ctx, "", target.CommandCreateTarget, target.CreateTargetParams{URL: "about:blank"}, &created); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.page = created.TargetID
	w.mu.Unlock()
	if err := b.call(ctx, "", target.CommandSetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: ptr(true)}, nil); err != nil {
		return nil, err
	}
	sess, err := w.waitPage(ctx)
	if err != nil {
		return nil, err
	}
	// Enabling the network on the page may race the attach callback; doing
	// it here too makes sure it is on before the navigation.
	if err := b.call(ctx, sess, network.CommandEnable, network.EnableParams{}, nil); err != nil {
		return nil, err
	}
	var nav page.NavigateResult
	if err := b.call(ctx, sess, page.CommandNavigate, page.NavigateParams{URL: pageURL}, &nav); err != nil {
		return nil, fmt.Errorf("doctor: loading %s: %w", pageURL, err)
	}
	if nav.ErrorText != "" {
		// A page that did not load is a broken deployment, reported like
		// any other problem.
		return &Report{URL: pageURL, Problems: []string{navigationProblem(pageURL, nav.ErrorText)}}, nil
	}
	// A browser that dies ends the wait at once rather than at the deadline.
	go func() {
		select {
		case <-b.lost:
			cancel()
		case <-ctx.Done():
		}
	}()
	timedOut := !w.settle(ctx, opts.Settle, watchUntil)
	select {
	case <-b.lost:
		return nil, fmt.Errorf("doctor: Chromium exited while loading %s: %s", pageURL, b.stderr.String())
	default:
	}

	rep := &Report{URL: pageURL, TimedOut: timedOut}
	rep.CrossOriginIsolated = evalBool(ctx, b, sess, `globalThis.crossOriginIsolated === true`)
	rep.SharedArrayBuffer = evalBool(ctx, b, sess, `typeof SharedArrayBuffer === "function"`)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.report(rep, pg)
	return rep, nil
}

func ptr[T any](v T) *T { return &v }

// waitPage waits for the doctor's tab to attach.
func (w *watch) waitPage(ctx context.Context) (target.SessionID, error) {
	for {
		w.mu.Lock()
		s := w.pageSess
		w.mu.Unlock()
		if s != "" {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("doctor: Chromium did not attach to the new tab: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// settle waits until the main document and every request are done and
// nothing new started for quiet, or until the deadline. It reports
// whether the page settled.
func (w *watch) settle(ctx context.Context, quiet time.Duration, deadline time.Time) bool {
	lastCount, since := -1, time.Now()
	for {
		w.mu.Lock()
		busy := len(w.order) == 0
		for _, r := range w.reqs {
			if !r.done && len(r.hops) > 0 {
				busy = true
			}
		}
		n := len(w.order)
		w.mu.Unlock()
		if busy || n != lastCount {
			lastCount, since = n, time.Now()
		} else if time.Since(since) >= quiet {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func evalBool(ctx context.Context, b *browser, s target.SessionID, expr string) bool {
	var res runtime.EvaluateResult
	if err := b.call(ctx, s, runtime.CommandEvaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: ptr(true)}, &res); err != nil || res.Result == nil {
		return false
	}
	return string(res.Result.Value) == "true"
}

// report turns the records into rep. w.mu is held.
func (w *watch) report(rep *Report, pg *url.URL) {
	var doc *request
	for _, id := range w.order {
		r := w.reqs[id]
		if len(r.hops) > 0 && r.typ == string(network.ResourceTypeDocument) && r.frame == cdp.FrameID(w.page) {
			doc = r // the last navigation of the main frame
		}
	}
	var coep, dip policy
	if doc != nil {
		hops := doc.hopsOf()
		final := hops[len(hops)-1]
		rep.FinalURL, rep.Status = final.url, final.status
		rep.COOP = final.headers["cross-origin-opener-policy"]
		rep.COEP = final.headers["cross-origin-embedder-policy"]
		rep.DIP = final.headers["document-isolation-policy"]
		rep.ContentType = final.headers["content-type"]
		coep, dip = parsePolicy(rep.COEP), parsePolicy(rep.DIP)
		if u, err := url.Parse(final.url); err == nil {
			pg = u
		}
	}
	enforced := coep.embedding() || dip.isolating()
	// credentialless loads no-CORS responses without credentials instead
	// of asking them for CORP.
	requireCORP := coep.Token == coepRequire || dip.Token == dipRequire
	for _, id := range w.order {
		r := w.reqs[id]
		if r == doc || len(r.hops) == 0 || skip(r) {
			continue
		}
		kind := "subresource"
		if k, ok := w.workers[target.ID(r.id)]; ok {
			kind = k
		} else if r.typ == string(network.ResourceTypeDocument) {
			kind = "frame"
		}
		// CORP and CORS are relative to the context that asked: a frame's
		// own origin, not the page's.
		from := pg
		if u, err := url.Parse(r.by.url); err == nil && u.Host != "" {
			from = u
		}
		hops := r.hopsOf()
		for i, h := range hops {
			res := Resource{
				URL: h.url, Kind: kind, Type: r.typ, By: r.by.String(), Hop: i, Status: h.status,
				SameOrigin: sameOrigin(from, h.url),
				CORP:       h.headers["cross-origin-resource-policy"], ACAO: h.headers["access-control-allow-origin"],
				Verdict: OK,
			}
			if kind != "subresource" {
				res.COEP = h.headers["cross-origin-embedder-policy"]
			}
			last := i == len(hops)-1
			if !last {
				res.RedirectTo = hops[i+1].url
			} else {
				res.Blocked, res.CORS, res.Failed = r.blocked, r.cors, r.failed
				if r.canceled && r.blocked == "" {
					res.Failed = ""
				}
				res.ContentType = h.headers["content-type"]
				if h.status >= 200 && h.status < 300 {
					res.TypeFix = typeFix(kind, r.typ, h.url, res.ContentType)
				}
			}
			classify(&res, from, last, r.done, enforced, requireCORP, dip.isolating())
			rep.Resources = append(rep.Resources, res)
		}
	}
	sort.SliceStable(rep.Resources, func(i, j int) bool { return rank(rep.Resources[i].Verdict) > rank(rep.Resources[j].Verdict) })
	rep.Problems = problems(rep, doc != nil)
}

// The browser's own favicon probe and inline URLs are not the page's.
func skip(r *request) bool {
	u := r.hops[0].url
	return !(strings.HasPrefix(u, "http:") || strings.HasPrefix(u, "https:")) ||
		strings.HasSuffix(u, "/favicon.ico") && r.typ == string(network.ResourceTypeOther)
}

func rank(v Verdict) int {
	switch v {
	case Pending:
		return 4
	case Blocked:
		return 3
	case WouldBlock:
		return 2
	case Failed:
		return 1
	}
	return 0
}

func originOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return raw
}

func sameOrigin(a *url.URL, raw string) bool {
	b, err := url.Parse(raw)
	return err == nil && a.Scheme == b.Scheme && a.Host == b.Host
}

func sameSite(page *url.URL, raw string) bool {
	b, err := url.Parse(raw)
	return err == nil && page.Scheme == b.Scheme && page.Hostname() == b.Hostname()
}

// classify sets res.Verdict and res.Fix. from is the origin of the context
// that asked for it; last says res is the final hop,
// done that the request finished, enforced that the page has an embedder
// policy, requireCORP that it asks cross-origin responses for CORP or CORS,
// byDIP that Document-Isolation-Policy (not COEP) isolates it, so frames and
// workers need no COEP of their own.
func classify(res *Resource, from *url.URL, last, done, enforced, requireCORP, byDIP bool) {
	corp := parsePolicy(res.CORP).Token
	corpOK := res.SameOrigin || corp == "cross-origin" || res.ACAO != "" || corp == "same-site" && sameSite(from, res.URL)
	corpFix := fmt.Sprintf("have %s send `Cross-Origin-Resource-Policy: cross-origin` with %s%s (or serve it with CORS, "+
		"`Access-Control-Allow-Origin`, and load it in cors mode), or self-host it on %s",
		originOf(res.URL), hopWord(res), res.URL, originOf(from.String()))
	selfCOEP := fmt.Sprintf("the %s's own response %s must send `Cross-Origin-Embedder-Policy: require-corp`", res.Kind, res.URL)
	needsCOEP := (res.Kind == "frame" || strings.HasSuffix(res.Kind, "worker")) && last && !byDIP &&
		!parsePolicy(res.COEP).embedding()
	switch {
	case last && !done:
		res.Verdict = Pending
		res.Fix = "no response before the timeout; make the server answer it (or stop requesting it)"
	case res.CORS != "":
		res.Verdict = Blocked
		res.Fix = fmt.Sprintf("CORS error %s: have %s send `Access-Control-Allow-Origin: %s` (or `*`) with %s",
			res.CORS, originOf(res.URL), originOf(from.String()), res.URL)
	case res.Blocked == string(network.BlockedReasonCoepFrameResourceNeedsCoepHeader) || res.Blocked != "" && needsCOEP:
		res.Verdict = Blocked
		res.Fix = selfCOEP
	case res.Blocked != "" && !corpOK, requireCORP && !corpOK:
		// A hop without CORP is blocked even when a later one has it, and
		// Chromium may name the reason "other" for requests in workers.
		res.Verdict = Blocked
		res.Fix = corpFix
	case res.Blocked != "":
		res.Verdict = Blocked
		res.Fix = "blocked by the browser (" + res.Blocked + ")"
	case res.Failed != "":
		res.Verdict = Failed
		res.Fix = "did not load: " + res.Failed
	case needsCOEP && strings.HasSuffix(res.Kind, "worker") && enforced:
		res.Verdict = Blocked
		res.Fix = selfCOEP + "; without it the " + res.Kind + " is not cross-origin isolated"
	case needsCOEP:
		res.Verdict = WouldBlock
		res.Fix = "loads now only because the page has no COEP; " + selfCOEP
	case !corpOK && !enforced:
		res.Verdict = WouldBlock
		res.Fix = "loads now only because the page has no COEP; " + corpFix
	case last && res.Status >= 400:
		res.Verdict = Failed
		res.Fix = fmt.Sprintf("HTTP %d", res.Status)
	}
}

func hopWord(res *Resource) string {
	if res.RedirectTo != "" || res.Status/100 == 3 {
		return "its redirect "
	}
	if res.Hop > 0 {
		return "the final response of the redirect to "
	}
	return ""
}

func problems(rep *Report, sawDocument bool) []string {
	var out []string
	where := "the page " + rep.URL
	if rep.FinalURL != "" && rep.FinalURL != rep.URL {
		where = fmt.Sprintf("the page's final response %s (redirected from %s)", rep.FinalURL, rep.URL)
	}
	coop, coep, dip := parsePolicy(rep.COOP), parsePolicy(rep.COEP), parsePolicy(rep.DIP)
	switch {
	case !sawDocument:
		out = append(out, "the page's own response was never seen")
	case rep.Status >= 400:
		out = append(out, fmt.Sprintf("%s answered HTTP %d", where, rep.Status))
	case rep.Status >= 200 && rep.Status < 300:
		if fix := typeFix("page", string(network.ResourceTypeDocument), rep.URL, rep.ContentType); fix != "" {
			out = append(out, fmt.Sprintf("%s is served as %s: %s", where, show(rep.ContentType), fix))
		}
	}
	if sawDocument && !dip.isolating() {
		if coop.Token != coopIsolating {
			out = append(out, fmt.Sprintf("%s sends Cross-Origin-Opener-Policy %s%s; send `Cross-Origin-Opener-Policy: same-origin`",
				where, show(rep.COOP), invalid(coop)))
		}
		if !coep.embedding() {
			out = append(out, fmt.Sprintf("%s sends Cross-Origin-Embedder-Policy %s%s; send `Cross-Origin-Embedder-Policy: require-corp`",
				where, show(rep.COEP), invalid(coep)))
		}
	}
	for _, r := range rep.Resources {
		if r.Verdict == Blocked || r.Verdict == WouldBlock || r.Verdict == Pending {
			out = append(out, fmt.Sprintf("%s %s %s (%s, asked for by %s): %s", r.Verdict, r.Kind, r.URL, r.Type, r.By, r.Fix))
		}
	}
	for _, r := range rep.Resources {
		if r.TypeFix != "" {
			out = append(out, fmt.Sprintf("wrong type: %s %s (%s, asked for by %s) is served as %s: %s", r.Kind, r.URL, r.Type, r.By, show(r.ContentType), r.TypeFix))
		}
	}
	if rep.TimedOut {
		out = append(out, "the check timed out before the page settled; what was seen so far is above")
	}
	if !rep.CrossOriginIsolated && len(out) == 0 {
		out = append(out, "crossOriginIsolated is false although the headers look right (is the page inside a frame or opened by a non-isolated window?)")
	}
	return out
}

// invalid explains a header that is present but not a policy.
func invalid(p policy) string {
	if p.Raw != "" && p.Token == "" {
		return ", which is not a valid structured header token"
	}
	return ""
}

// Write prints the report for people.
func (r *Report) Write(w io.Writer) {
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "FIX"
	}
	coop, coep, dip := parsePolicy(r.COOP), parsePolicy(r.COEP), parsePolicy(r.DIP)
	fmt.Fprintf(w, "page %s (HTTP %d)\n", r.URL, r.Status)
	if r.FinalURL != "" && r.FinalURL != r.URL {
		fmt.Fprintf(w, "  redirected to %s\n", r.FinalURL)
	}
	fmt.Fprintf(w, "  crossOriginIsolated  %-5v %s\n", r.CrossOriginIsolated, mark(r.CrossOriginIsolated))
	fmt.Fprintf(w, "  SharedArrayBuffer    %-5v\n", r.SharedArrayBuffer)
	fmt.Fprintf(w, "  COOP %-24s %s\n", show(r.COOP), mark(coop.Token == coopIsolating || dip.isolating()))
	fmt.Fprintf(w, "  COEP %-24s %s\n", show(r.COEP), mark(coep.embedding() || dip.isolating()))
	if r.DIP != "" {
		fmt.Fprintf(w, "  Document-Isolation-Policy %s %s\n", show(r.DIP), mark(dip.isolating()))
	}
	fmt.Fprintf(w, "responses (%d):\n", len(r.Resources))
	for _, res := range r.Resources {
		where := "cross-origin"
		if res.SameOrigin {
			where = "same-origin"
		}
		hop := ""
		if res.RedirectTo != "" {
			hop = " → " + res.RedirectTo
		}
		fmt.Fprintf(w, "  %-11s %-13s %-10s %3d %-12s CORP %-14s CORS %-6s %s%s  (by %s)\n", res.Verdict, res.Kind, res.Type,
			res.Status, where, show(res.CORP), show(res.ACAO), res.URL, hop, res.By)
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

// navigationProblem says why the page did not load and what fixes it.
func navigationProblem(pageURL, errorText string) string {
	if strings.Contains(errorText, "ERR_ABORTED") {
		return "the page " + pageURL + " did not load (" + errorText + "): Chromium aborts a navigation whose response it would " +
			"download, which is what a page sent as application/octet-stream or another non-HTML type gets; serve it as text/html " +
			"(with nginx, include the nginx.conf that `sabkit build` writes, or keep `include mime.types;` before any types block of your own)"
	}
	return "the page " + pageURL + " did not load (" + errorText + "): check that a server answers at that address"
}

// mediaType is a Content-Type without its parameters, in lower case.
func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

var javaScriptTypes = map[string]bool{"text/javascript": true, "application/javascript": true,
	"application/x-javascript": true, "text/ecmascript": true, "application/ecmascript": true}

// typeFix says what to send when a response's Content-Type makes browsers
// refuse or mistreat it: module scripts and worker scripts must be
// JavaScript (classic scripts too, under X-Content-Type-Options: nosniff,
// which careful hosts send), WebAssembly.instantiateStreaming wants
// application/wasm, and a frame or page must be HTML. "" means it is fine.
func typeFix(kind, typ, rawURL, contentType string) string {
	mt := mediaType(contentType)
	path := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		path = u.Path
	}
	const servers = " (nginx: `include mime.types;` in the server block, and for .mjs a `types { text/javascript mjs; }` after it; " +
		"Apache: `AddType text/javascript .mjs`; static hosts: their headers file)"
	switch {
	case strings.HasSuffix(path, ".wasm"):
		if mt != "application/wasm" {
			return "send `Content-Type: application/wasm`; WebAssembly.instantiateStreaming refuses anything else" +
				" (nginx's mime.types has it; Apache: `AddType application/wasm .wasm`)"
		}
	case typ == string(network.ResourceTypeScript) || strings.Contains(kind, "worker") ||
		strings.HasSuffix(path, ".mjs") || strings.HasSuffix(path, ".js"):
		if !javaScriptTypes[mt] {
			return "send `Content-Type: text/javascript`; browsers refuse module and worker scripts of any other type" + servers
		}
	case kind == "frame" || kind == "page":
		if mt != "text/html" && mt != "application/xhtml+xml" {
			return "send `Content-Type: text/html`; a page of another type is shown as text or downloaded"
		}
	}
	return ""
}
