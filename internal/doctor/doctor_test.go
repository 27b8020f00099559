//go:build !js

package doctor

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// resp is one canned response of a test site. In bodies and Location
// values {A} is the page's origin, {B} a second, cross-origin one and {L}
// the second one on another site.
type resp struct {
	headers []string // "Name: value"
	body    string
	status  int    // 0 means 200
	loc     string // a redirect target
	hang    bool   // never answer
}

var (
	coop  = "Cross-Origin-Opener-Policy: same-origin"
	coep  = "Cross-Origin-Embedder-Policy: require-corp"
	corpX = "Cross-Origin-Resource-Policy: cross-origin"
	iso   = []string{coop, coep}
	html  = func(body string, h ...string) resp {
		return resp{headers: h, body: "<!doctype html><title>t</title>" + body}
	}
	script   = func(body string, h ...string) resp { return resp{headers: h, body: body} }
	redirect = func(to string, h ...string) resp { return resp{headers: h, status: http.StatusFound, loc: to} }
)

// sites starts the two origins of a case on 127.0.0.1.
func sites(t *testing.T, a, b map[string]resp) (string, string) {
	var aURL, bURL string
	handler := func(routes map[string]resp) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rs, ok := routes[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			fill := strings.NewReplacer("{A}", aURL, "{B}", bURL, "{L}", lURL(bURL)).Replace
			switch {
			case strings.HasSuffix(r.URL.Path, ".js"):
				w.Header().Set("Content-Type", "text/javascript")
			case strings.HasSuffix(r.URL.Path, ".png"):
				w.Header().Set("Content-Type", "image/png")
			default:
				w.Header().Set("Content-Type", "text/html")
			}
			for _, h := range rs.headers {
				k, v, _ := strings.Cut(h, ": ")
				if k == "Content-Type" { // a case's own type replaces the default
					w.Header().Set(k, fill(v))
					continue
				}
				w.Header().Add(k, fill(v))
			}
			if rs.hang {
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
				return
			}
			if rs.loc != "" {
				w.Header().Set("Location", fill(rs.loc))
			}
			if rs.status != 0 {
				w.WriteHeader(rs.status)
			}
			fmt.Fprint(w, fill(rs.body))
		})
	}
	as := httptest.NewServer(handler(a))
	bs := httptest.NewServer(handler(b))
	t.Cleanup(func() { as.CloseClientConnections(); bs.CloseClientConnections(); as.Close(); bs.Close() })
	aURL, bURL = as.URL, bs.URL
	return aURL, bURL
}

// lURL is the second origin under the name localhost: another site than
// 127.0.0.1, so Chromium gives its frames their own process and target.
func lURL(b string) string { return strings.Replace(b, "127.0.0.1", "localhost", 1) }

// want is what the report must say about the response whose URL ends in
// suffix (with {A}/{B} filled in); by, when set, must be in its By.
type want struct {
	suffix  string
	verdict Verdict
	kind    string
	by      string
}

func TestDoctor(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	lib := map[string]resp{"/lib.js": script("1"), "/ok.js": script("1", corpX)}
	tests := []struct {
		name    string
		a, b    map[string]resp
		timeout time.Duration
		coi     bool
		exit    int
		res     []want
		says    []string // in the printed report
		never   []string
	}{
		{name: "healthy page", coi: true, exit: 0,
			a:    map[string]resp{"/": html(`<script src="/app.js"></script><script src="{B}/ok.js"></script>`, iso...), "/app.js": script("1")},
			b:    lib,
			res:  []want{{"{A}/app.js", OK, "subresource", "the page"}, {"{B}/ok.js", OK, "subresource", "the page"}},
			says: []string{"result: the page is cross-origin isolated"}},
		{name: "page without headers", coi: false, exit: 1,
			a:   map[string]resp{"/": html(`<script src="{B}/lib.js"></script>`)},
			b:   lib,
			res: []want{{"{B}/lib.js", WouldBlock, "subresource", "the page"}},
			says: []string{"send `Cross-Origin-Opener-Policy: same-origin`", "send `Cross-Origin-Embedder-Policy: require-corp`",
				"would-block subresource {B}/lib.js", "have {B} send `Cross-Origin-Resource-Policy: cross-origin`"}},
		{name: "cross-origin script without CORP", coi: true, exit: 1,
			a:    map[string]resp{"/": html(`<script src="{B}/lib.js"></script><script src="{B}/ok.js"></script>`, iso...)},
			b:    lib,
			res:  []want{{"{B}/lib.js", Blocked, "subresource", "the page"}, {"{B}/ok.js", OK, "subresource", ""}},
			says: []string{"blocked subresource {B}/lib.js", "`Cross-Origin-Resource-Policy: cross-origin` with {B}/lib.js"}},
		{name: "header parameters", coi: true, exit: 0,
			a: map[string]resp{"/": html(`<script src="/app.js"></script>`,
				`Cross-Origin-Opener-Policy: same-origin; report-to="o"`, `Cross-Origin-Embedder-Policy: require-corp; report-to="r"`),
				"/app.js": script("1")},
			res:  []want{{"{A}/app.js", OK, "subresource", ""}},
			says: []string{"COEP `require-corp; report-to=\"r\"`", "result: the page is cross-origin isolated"}},
		{name: "COEP as a string, not a token", coi: false, exit: 1,
			a:     map[string]resp{"/": html(``, coop, `Cross-Origin-Embedder-Policy: "require-corp"`)},
			says:  []string{"not a valid structured header token; send `Cross-Origin-Embedder-Policy: require-corp`"},
			never: []string{"Cross-Origin-Opener-Policy `"}},
		{name: "credentialless loads a no-CORS image", coi: true, exit: 0,
			a:   map[string]resp{"/": html(`<img src="{B}/i.png">`, coop, "Cross-Origin-Embedder-Policy: credentialless")},
			b:   map[string]resp{"/i.png": {body: "x"}},
			res: []want{{"{B}/i.png", OK, "subresource", ""}}},
		{name: "Document-Isolation-Policy alone", coi: true, exit: 0,
			a:    map[string]resp{"/": html(`<script src="/app.js"></script>`, "Document-Isolation-Policy: isolate-and-require-corp"), "/app.js": script("1")},
			res:  []want{{"{A}/app.js", OK, "subresource", ""}},
			says: []string{"Document-Isolation-Policy `isolate-and-require-corp` ok"}},
		{name: "crossorigin load without Access-Control-Allow-Origin", coi: true, exit: 1,
			a:    map[string]resp{"/": html(`<script crossorigin src="{B}/ok.js"></script>`, iso...)},
			b:    lib,
			res:  []want{{"{B}/ok.js", Blocked, "subresource", "the page"}},
			says: []string{"CORS error", "send `Access-Control-Allow-Origin: {A}` (or `*`) with {B}/ok.js"}},
		{name: "crossorigin load with a foreign Access-Control-Allow-Origin", coi: true, exit: 1,
			a:    map[string]resp{"/": html(`<script crossorigin src="{B}/x.js"></script>`, iso...)},
			b:    map[string]resp{"/x.js": script("1", "Access-Control-Allow-Origin: http://example.com")},
			res:  []want{{"{B}/x.js", Blocked, "subresource", ""}},
			says: []string{"send `Access-Control-Allow-Origin: {A}`"}},
		{name: "redirect hop has CORP, final response has none", coi: true, exit: 1,
			a:   map[string]resp{"/": html(`<script src="{B}/hop.js"></script>`, iso...)},
			b:   map[string]resp{"/hop.js": redirect("{B}/final.js", corpX), "/final.js": script("1")},
			res: []want{{"{B}/hop.js", OK, "subresource", ""}, {"{B}/final.js", Blocked, "subresource", "the page"}},
			says: []string{"blocked subresource {B}/final.js",
				"`Cross-Origin-Resource-Policy: cross-origin` with the final response of the redirect to {B}/final.js"}},
		{name: "redirect hop without CORP, final response has it", coi: true, exit: 1,
			a:    map[string]resp{"/": html(`<script src="{B}/hop.js"></script>`, iso...)},
			b:    map[string]resp{"/hop.js": redirect("{B}/ok.js"), "/ok.js": script("1", corpX)},
			res:  []want{{"{B}/hop.js", Blocked, "subresource", "the page"}},
			says: []string{"blocked subresource {B}/hop.js", "`Cross-Origin-Resource-Policy: cross-origin` with its redirect {B}/hop.js"}},
		{name: "page redirect carries the headers, final page does not", coi: false, exit: 1,
			a: map[string]resp{"/": redirect("/final", iso...), "/final": html(``)},
			says: []string{"the page's final response {A}/final (redirected from {A}/) sends Cross-Origin-Opener-Policy (none)",
				"send `Cross-Origin-Embedder-Policy: require-corp`"},
			never: []string{"inside a frame"}},
		{name: "hanging subresource", coi: true, exit: 1, timeout: 5 * time.Second,
			a:    map[string]resp{"/": html(`<script src="/app.js"></script><img src="/slow.png">`, iso...), "/app.js": script("1"), "/slow.png": {hang: true}},
			res:  []want{{"{A}/slow.png", Pending, "subresource", "the page"}, {"{A}/app.js", OK, "subresource", ""}},
			says: []string{"pending subresource {A}/slow.png", "timed out"}},
		{name: "worker imports a cross-origin script without CORP", coi: true, exit: 1,
			a:   map[string]resp{"/": html(`<script>new Worker("/w.js")</script>`, iso...), "/w.js": script(`importScripts("{B}/lib.js")`, coep)},
			b:   lib,
			res: []want{{"{A}/w.js", OK, "worker", "the page"}, {"{B}/lib.js", Blocked, "subresource", "the worker {A}/w.js"}},
			says: []string{"blocked subresource {B}/lib.js (Other, asked for by the worker {A}/w.js)",
				"`Cross-Origin-Resource-Policy: cross-origin` with {B}/lib.js"}},
		{name: "worker script without COEP", coi: true, exit: 1,
			a:     map[string]resp{"/": html(`<script>new Worker("/w.js")</script>`, iso...), "/w.js": script(`1`)},
			res:   []want{{"{A}/w.js", Blocked, "worker", "the page"}},
			says:  []string{"blocked worker {A}/w.js", "the worker's own response {A}/w.js must send `Cross-Origin-Embedder-Policy: require-corp`"},
			never: []string{"framed document"}},
		{name: "frame without COEP under an isolated page", coi: true, exit: 1,
			a:    map[string]resp{"/": html(`<iframe src="/f.html"></iframe>`, iso...), "/f.html": html(``)},
			res:  []want{{"{A}/f.html", Blocked, "frame", "the page"}},
			says: []string{"blocked frame {A}/f.html", "the frame's own response {A}/f.html must send `Cross-Origin-Embedder-Policy: require-corp`"}},
		{name: "frame without COEP under a page without COEP", coi: false, exit: 1,
			a:    map[string]resp{"/": html(`<iframe src="/f.html"></iframe>`, coop), "/f.html": html(``)},
			res:  []want{{"{A}/f.html", WouldBlock, "frame", "the page"}},
			says: []string{"would-block frame {A}/f.html", "the frame's own response {A}/f.html must send `Cross-Origin-Embedder-Policy: require-corp`"}},
		{name: "frame's subresource is attributed to the frame", coi: true, exit: 1,
			a:   map[string]resp{"/": html(`<iframe src="/f.html"></iframe>`, iso...), "/f.html": html(`<script src="{B}/lib.js"></script>`, coep)},
			b:   lib,
			res: []want{{"{A}/f.html", OK, "frame", "the page"}, {"{B}/lib.js", Blocked, "subresource", "the frame {A}/f.html"}}},
		{name: "cross-site frame in its own process", coi: true, exit: 1,
			a: map[string]resp{"/": html(`<iframe src="{L}/f.html"></iframe>`, iso...), "/x.js": script("1")},
			b: map[string]resp{"/f.html": html(`<script src="/ok.js"></script><script src="/lib.js"></script><script src="{A}/x.js"></script>`, coep, corpX),
				"/ok.js": script("1"), "/lib.js": script("1")},
			res: []want{{"{L}/f.html", OK, "frame", "the page"}, {"{L}/ok.js", OK, "subresource", "the frame {L}/f.html"},
				{"{L}/lib.js", OK, "subresource", "the frame {L}/f.html"}, {"{A}/x.js", Blocked, "subresource", "the frame {L}/f.html"}},
			says: []string{"`Cross-Origin-Resource-Policy: cross-origin` with {A}/x.js (or serve it with CORS, `Access-Control-Allow-Origin`, and load it in cors mode), or self-host it on {L}"}},
		{name: "worker that closes itself", coi: true, exit: 0,
			a:   map[string]resp{"/": html(`<script>new Worker("/w.js")</script>`, iso...), "/w.js": script(`close()`, coep)},
			res: []want{{"{A}/w.js", OK, "worker", "the page"}}},
		{name: "nested worker", coi: true, exit: 1,
			a: map[string]resp{"/": html(`<script>new Worker("/w.js")</script>`, iso...),
				"/w.js": script(`new Worker("/n.js")`, coep), "/n.js": script(`importScripts("{B}/lib.js")`, coep)},
			b:   lib,
			res: []want{{"{A}/n.js", OK, "worker", "the worker {A}/w.js"}, {"{B}/lib.js", Blocked, "subresource", "the worker {A}/n.js"}}},
		{name: "shared worker", coi: true, exit: 1,
			a:   map[string]resp{"/": html(`<script>new SharedWorker("/s.js")</script>`, iso...), "/s.js": script(`importScripts("{B}/lib.js")`, coep)},
			b:   lib,
			res: []want{{"{A}/s.js", OK, "shared worker", "the page"}, {"{B}/lib.js", Blocked, "subresource", "the shared worker {A}/s.js"}}},
		{name: "module, worker and wasm of the wrong types", coi: true, exit: 1,
			a: map[string]resp{"/": html(`<script type="module" src="/m.mjs"></script><script>new Worker("/w.js")</script><script>fetch("/x.wasm")</script>`, iso...),
				"/m.mjs": script("1", "Content-Type: text/plain"), "/w.js": script("1", coep, "Content-Type: application/octet-stream"),
				"/x.wasm": {headers: []string{"Content-Type: application/octet-stream"}, body: "\x00asm\x01\x00\x00\x00"}},
			says: []string{"{A}/m.mjs (Script, asked for by the page {A}/) is served as `text/plain`: send `Content-Type: text/javascript`",
				"{A}/w.js (Script, asked for by the page {A}/) is served as `application/octet-stream`: send `Content-Type: text/javascript`",
				"{A}/x.wasm (Fetch, asked for by the page {A}/) is served as `application/octet-stream`: send `Content-Type: application/wasm`"}},
		{name: "page served as text/plain", coi: true, exit: 1,
			a:    map[string]resp{"/": {headers: append([]string{"Content-Type: text/plain"}, iso...), body: "hello"}},
			says: []string{"the page {A}/ is served as `text/plain`: send `Content-Type: text/html`"}},
		{name: "page answers 404", coi: true, exit: 1,
			a:    map[string]resp{"/": {headers: iso, status: 404, body: "gone"}},
			says: []string{"answered HTTP 404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := sites(t, tt.a, tt.b)
			fill := strings.NewReplacer("{A}", a, "{B}", b, "{L}", lURL(b)).Replace
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 20 * time.Second
			}
			start := time.Now()
			rep, err := Check(context.Background(), a+"/", Options{Timeout: timeout, Settle: 500 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			// The bound is the option itself plus closing Chromium.
			if took := time.Since(start); took > timeout+6*time.Second {
				t.Errorf("check took %v with --timeout %v", took, timeout)
			}
			var out bytes.Buffer
			rep.Write(&out)
			text := out.String()
			t.Logf("report:\n%s", text)
			if rep.CrossOriginIsolated != tt.coi {
				t.Errorf("crossOriginIsolated = %v, want %v", rep.CrossOriginIsolated, tt.coi)
			}
			if rep.ExitCode() != tt.exit {
				t.Errorf("exit %d, want %d (problems %q)", rep.ExitCode(), tt.exit, rep.Problems)
			}
			for _, w := range tt.res {
				suffix, found := fill(w.suffix), false
				for _, r := range rep.Resources {
					if strings.HasSuffix(r.URL, suffix) {
						found = true
						if r.Verdict != w.verdict || r.Kind != w.kind || !strings.Contains(r.By, fill(w.by)) {
							t.Errorf("%s: %s %s by %q, want %s %s by %q", r.URL, r.Verdict, r.Kind, r.By, w.verdict, w.kind, fill(w.by))
						}
					}
				}
				if !found {
					t.Errorf("no response %s in the report", suffix)
				}
			}
			for _, s := range tt.says {
				if !strings.Contains(text, fill(s)) {
					t.Errorf("report does not say %q", fill(s))
				}
			}
			for _, s := range tt.never {
				if strings.Contains(text, fill(s)) {
					t.Errorf("report says %q", fill(s))
				}
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	tests := []struct{ raw, token string }{
		{"require-corp", "require-corp"},
		{" require-corp ", "require-corp"},
		{`require-corp; report-to="r"`, "require-corp"},
		{`require-corp;report-to="a\"b";x;n=1;f=?0;t=tok`, "require-corp"},
		{"credentialless", "credentialless"},
		{`"require-corp"`, ""},
		{"require-corp, credentialless", ""},
		{"require-corp\nrequire-corp", ""},
		{"require-corp; Report-To=x", ""},
		{`require-corp; report-to="unterminated`, ""},
		{"require-corp garbage", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := parsePolicy(tt.raw).Token; got != tt.token {
			t.Errorf("parsePolicy(%q) = %q, want %q", tt.raw, got, tt.token)
		}
	}
}

func TestBadURL(t *testing.T) {
	if _, err := Check(context.Background(), "127.0.0.1:8080", Options{}); err == nil || !strings.Contains(err.Error(), "absolute URL") {
		t.Fatalf("err = %v", err)
	}
}
