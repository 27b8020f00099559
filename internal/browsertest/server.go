//go:build !js

package browsertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/sabkit/sabkit/internal/coihttp"
)

// pageConfig is what runner.js reads from /__sabkit/config.json.
type pageConfig struct {
	Mode string            `json:"mode"`
	Wasm string            `json:"wasm"`
	Args []string          `json:"args"`
	Env  map[string]string `json:"env"`
}

// newServer serves the test page, the runner, wasm_exec.js, the test binary
// and the extra directories. With isolate, every response carries
// COOP/COEP/CORP; without, none does.
// testServer is the httptest server and the paths it was asked for.
type testServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

// requested lists the first paths the browser asked for.
func (s *testServer) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.paths) == 0 {
		return []string{"(nothing)"}
	}
	return append([]string(nil), s.paths...)
}

func newServer(wasmPath, wasmExec string, cfg pageConfig, serve map[string]string, isolate bool, reports *reorder) *testServer {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /__sabkit/report", func(w http.ResponseWriter, r *http.Request) {
		var b batch
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&b); err != nil {
			reports.warn("undecodable report: " + err.Error())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		reports.add(b)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(indexHTML)
	})
	mux.HandleFunc("/__sabkit/runner.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(runnerJS)
	})
	mux.HandleFunc("/__sabkit/memfs.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(memfsJS)
	})
	mux.HandleFunc("/__sabkit/config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(cfg)
	})
	mux.HandleFunc("/__sabkit/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, wasmExec)
	})
	mux.HandleFunc("/__sabkit/test.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, wasmPath)
	})
	mux.HandleFunc("/favicon.ico", http.NotFound)
	for prefix, dir := range serve {
		if !strings.HasPrefix(prefix, "/") {
			prefix = "/" + prefix
		}
		if !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		mux.Handle(prefix, http.StripPrefix(prefix, coihttp.TypedFiles(http.FileServer(http.Dir(dir)))))
	}
	var h http.Handler = mux
	if isolate {
		h = coihttp.Isolate(h)
	}
	// Tests must never see a cached copy of an earlier binary.
	h = noStore(h)
	ts := &testServer{}
	inner := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		if len(ts.paths) < 20 && r.URL.Path != "/__sabkit/report" {
			ts.paths = append(ts.paths, r.URL.Path)
		}
		ts.mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	ts.Server = httptest.NewServer(h)
	return ts
}

func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// batch is one POST from runner.js: reports numbered by batch, because
// concurrent fetches can arrive out of order.
type batch struct {
	Seq     int      `json:"seq"`
	Reports []report `json:"reports"`
}

// reorder hands reports to the queue in the order the page sent them.
type reorder struct {
	mu   sync.Mutex
	next int
	held map[int][]report
	q    *queue[report]
}

func newReorder(q *queue[report]) *reorder { return &reorder{held: map[int][]report{}, q: q} }

func (o *reorder) add(b batch) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.held[b.Seq] = b.Reports
	for {
		rs, ok := o.held[o.next]
		if !ok {
			return
		}
		delete(o.held, o.next)
		o.next++
		for _, r := range rs {
			o.q.push(r)
		}
	}
}

func (o *reorder) warn(s string) { o.q.push(report{T: "warn", S: s}) }
