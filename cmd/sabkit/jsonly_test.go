//go:build !js

package main

import (
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
	"github.com/sabkit/sabkit/internal/engines"
)

// TestJSOnly serves testdata/jsonly, a page with no Go that imports
// /sabkit/sabkit.mjs as `sabkit serve` serves it, in each engine: Python in
// a worker on a shared heap fills a 64 MiB float32 array the page reads in
// place, each side reads the other's writes, calls pass typed arrays over
// the heap, a frame is taken in place, a Python exception is PythonError,
// an abort interrupts a loop in run and in call (and skips a request not
// yet sent), a worker that ends itself is WorkerDeadError, and a closed
// worker refuses calls; then attach gives the same API over a Pyodide the
// page booted on its own thread, aliasing both ways.
func TestJSOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide in three browsers")
	}
	cfg, _, err := serveConfig(filepath.Join("testdata", "jsonly"), checkoutPyodide(t), "", false)
	require.NoError(t, err)
	type result struct {
		OK     bool            `json:"ok"`
		Checks map[string]bool `json:"checks"`
		Error  string          `json:"error"`
	}
	results := make(chan result, 1)
	cfg.Handlers = map[string]http.Handler{"POST /report": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var res result
		if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case results <- res:
		default:
		}
	})}
	h, closeFn, err := devserver.Handler(cfg)
	require.NoError(t, err)
	defer closeFn()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	url := devserver.URL(ln.Addr())

	for _, engine := range []string{engines.Chromium, engines.Firefox, engines.WebKit} {
		t.Run(engine, func(t *testing.T) {
			res := awaitPage(t, engine, url, results)
			t.Logf("%s: %+v", engine, res)
			assert.True(t, res.OK, "%s: every check holds: %v %s", engine, res.Checks, res.Error)
			assert.Len(t, res.Checks, 21, "every check ran")
		})
	}
}
