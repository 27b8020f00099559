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

	"github.com/sabkit/sabkit/internal/coihttp"
)

// thirdParty is a second local origin (another port) that sends no CORP
// for /lib.js and CORP cross-origin for /ok.js.
func thirdParty(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/lib.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, "globalThis.libLoaded = true;")
	})
	mux.HandleFunc("/ok.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
		fmt.Fprint(w, "globalThis.okLoaded = true;")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func site(t *testing.T, isolate bool, scripts ...string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><title>t</title><script src=\"/app.js\"></script>")
		for _, s := range scripts {
			fmt.Fprintf(w, "<script src=%q></script>", s)
		}
	})
	mux.HandleFunc("/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, "globalThis.appLoaded = true;")
	})
	var h http.Handler = mux
	if isolate {
		h = coihttp.Isolate(mux)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestDoctor(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	other := thirdParty(t)
	tests := []struct {
		name     string
		srv      *httptest.Server
		coi      bool
		verdicts map[string]Verdict // URL suffix → verdict
		says     []string
	}{
		{"isolated page pulls a script without CORP", site(t, true, other.URL+"/lib.js", other.URL+"/ok.js"), true,
			map[string]Verdict{"/app.js": OK, other.URL + "/lib.js": Blocked, other.URL + "/ok.js": OK},
			[]string{"blocked " + other.URL + "/lib.js", "Cross-Origin-Resource-Policy: cross-origin"}},
		{"page without headers", site(t, false, other.URL+"/lib.js"), false,
			map[string]Verdict{"/app.js": OK, other.URL + "/lib.js": WouldBlock},
			[]string{"send `Cross-Origin-Opener-Policy: same-origin`", "send `Cross-Origin-Embedder-Policy: require-corp`",
				"would-block " + other.URL + "/lib.js"}},
		{"healthy page", site(t, true, other.URL+"/ok.js"), true,
			map[string]Verdict{"/app.js": OK, other.URL + "/ok.js": OK}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Check(context.Background(), tt.srv.URL+"/", Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			rep.Write(&out)
			t.Logf("report:\n%s", out.String())
			if rep.CrossOriginIsolated != tt.coi {
				t.Errorf("crossOriginIsolated = %v, want %v", rep.CrossOriginIsolated, tt.coi)
			}
			for suffix, want := range tt.verdicts {
				found := false
				for _, r := range rep.Resources {
					if strings.HasSuffix(r.URL, suffix) {
						found = true
						if r.Verdict != want {
							t.Errorf("%s: verdict %s, want %s", r.URL, r.Verdict, want)
						}
					}
				}
				if !found {
					t.Errorf("no resource %s in the report", suffix)
				}
			}
			if rep.OK() != (len(tt.says) == 0) {
				t.Errorf("OK() = %v with problems %q", rep.OK(), rep.Problems)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("report does not say %q", s)
				}
			}
		})
	}
}

func TestBadURL(t *testing.T) {
	if _, err := Check(context.Background(), "127.0.0.1:8080", Options{}); err == nil || !strings.Contains(err.Error(), "absolute URL") {
		t.Fatalf("err = %v", err)
	}
}
