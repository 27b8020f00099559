//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// yet sent), a worker that ends itself or traps in compiled code is
// WorkerDeadError, and a closed worker refuses calls; then attach gives the same API over a Pyodide the
// page booted on its own thread, aliasing both ways.
func TestJSOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide in three browsers")
	}
	type result struct {
		OK     bool            `json:"ok"`
		Checks map[string]bool `json:"checks"`
		Error  string          `json:"error"`
	}
	url, results := servePage[result](t, filepath.Join("testdata", "jsonly"))

	for _, engine := range []string{engines.Chromium, engines.Firefox, engines.WebKit} {
		t.Run(engine, func(t *testing.T) {
			res := awaitPage(t, engine, url, results)
			t.Logf("%s: %+v", engine, res)
			assert.True(t, res.OK, "%s: every check holds: %v %s", engine, res.Checks, res.Error)
			assert.Len(t, res.Checks, 22, "every check ran")
		})
	}
}

// servePage serves dir as sabkit serve does, with the checkout's Pyodide,
// and hands on what its page POSTs to /report.
func servePage[T any](t *testing.T, dir string) (string, <-chan T) {
	t.Helper()
	cfg, _, err := serveConfig(dir, checkoutPyodide(t), "", false)
	require.NoError(t, err)
	h, closeFn, err := devserver.Handler(cfg)
	require.NoError(t, err)
	t.Cleanup(closeFn)
	return reportServer[T](t, h)
}

// TestREADMEJavaScript runs the js blocks of the README's "From JavaScript"
// section as written, each as a module on one isolated page in Chromium:
// each must finish without an error, and the first one's abort must log
// true (its CanceledError).
func TestREADMEJavaScript(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide in a browser")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	section := string(readme)
	i := strings.Index(section, "\n## From JavaScript\n")
	require.GreaterOrEqual(t, i, 0, "the README has a From JavaScript section")
	section = section[i+1:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	dir := t.TempDir()
	page, err := os.ReadFile(filepath.Join("testdata", "readmejs", "index.html"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), page, 0o644))
	var names []string
	for _, block := range strings.Split(section, "```js\n")[1:] {
		code, _, ok := strings.Cut(block, "\n```")
		require.True(t, ok, "a js block ends")
		name := fmt.Sprintf("snippet-%d.mjs", len(names))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(code+"\n"), 0o644))
		names = append(names, name)
	}
	require.GreaterOrEqual(t, len(names), 2, "the section's js blocks: startWorker and attach")
	list, err := json.Marshal(names)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snippets.json"), list, 0o644))

	type snippet struct {
		Name  string   `json:"name"`
		Error string   `json:"error"`
		Logs  []string `json:"logs"`
	}
	type result struct {
		Snippets []snippet `json:"snippets"`
		Error    string    `json:"error"`
	}
	url, results := servePage[result](t, dir)
	res := awaitPage(t, engines.Chromium, url, results)
	require.Empty(t, res.Error)
	require.Len(t, res.Snippets, len(names), "every block ran")
	for _, s := range res.Snippets {
		assert.Empty(t, s.Error, "%s runs as written", s.Name)
		t.Logf("%s: logged %q", s.Name, s.Logs)
	}
	assert.Equal(t, []string{"true"}, res.Snippets[0].Logs, "the abort in the first block is a CanceledError")
}
