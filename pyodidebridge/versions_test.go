//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvPyodideVersion is the npm version the version matrix serves at
// SABKIT_PYODIDE_URL; TestPyodideRelease checks that it is the one that
// booted, so a row cannot silently test another release.
const EnvPyodideVersion = "SABKIT_PYODIDE_VERSION"

// TestPyodideRelease: the Pyodide that booted is a TestedPyodide row, the
// one the matrix asked for, and its row says what this run proves: the
// same-thread bridge booted (on a shared heap when asked), and LoadWorker
// boots exactly where the row claims it does.
func TestPyodideRelease(t *testing.T) {
	b := bridge(t)
	row, ok := pyodidebridge.TestedRelease(b.Version())
	if !ok {
		t.Fatalf("Pyodide %s booted but is not in TestedPyodide (%s): add its row", b.Version(), pyodidebridge.TestedRange())
	}
	if want := os.Getenv(EnvPyodideVersion); want != "" && row.Version != want {
		t.Fatalf("asked for Pyodide %s, booted %s", want, row.Version)
	}
	if !row.SameThread {
		t.Errorf("Pyodide %s: the same-thread bridge booted, but TestedPyodide says it does not work", row.Version)
	}
	if b.Shared() && !row.SharedHeap {
		t.Errorf("Pyodide %s booted on a shared heap, but TestedPyodide says it cannot", row.Version)
	}
	if jsinterop.InBrowser() && !jsinterop.CrossOriginIsolated() {
		return
	}
	_, err := sharedWorker()
	switch {
	case err == nil:
		if !row.Worker {
			t.Errorf("Pyodide %s: LoadWorker works, but TestedPyodide says it does not", row.Version)
		}
	case row.Worker:
		t.Errorf("Pyodide %s: TestedPyodide says LoadWorker works, but: %v", row.Version, err)
	case !errors.Is(err, pyodidebridge.ErrVersion) || !strings.Contains(err.Error(), pyodidebridge.TestedRange()):
		t.Errorf("Pyodide %s: LoadWorker failed with %v, want ErrVersion naming the tested range", row.Version, err)
	}
}

// EnvFakePyodideURL is where the browser harness serves testdata/fake-pyodide
// (Node reads the folder directly).
const EnvFakePyodideURL = "SABKIT_FAKE_PYODIDE_URL"

// TestUnsupportedPyodide: a Pyodide that cannot work fails at once, within a
// bounded context, with ErrVersion naming what it lacks and the tested
// range: one without a view of its heap, and one whose main module does not
// link with a shared memory (Emscripten then never settles loadPyodide,
// which a boot must not wait for). A boot whose heap the browser
// refuses (RangeError) fails at once too, with ErrLoad.
func TestUnsupportedPyodide(t *testing.T) {
	if jsinterop.InBrowser() && !jsinterop.CrossOriginIsolated() {
		t.Skip("LoadWorker needs cross-origin isolation; TestNoIsolationFallback covers this page")
	}
	base := os.Getenv(EnvFakePyodideURL)
	if base == "" {
		if !jsinterop.InNode() {
			t.Fatalf("%s is not set; the browser harness serves testdata/fake-pyodide", EnvFakePyodideURL)
		}
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		base = filepath.Join(wd, "testdata", "fake-pyodide") + "/"
	}
	type loader func(ctx context.Context, url string) error
	loadWorker := func(ctx context.Context, url string) error {
		b, err := pyodidebridge.LoadWorker(ctx, pyodidebridge.WorkerOptions{IndexURL: url})
		if err == nil {
			b.Close()
		}
		return err
	}
	// LoadWorker only: a fresh thread. On this thread the first Load left a
	// global loadPyodide that later Loads reuse whatever their IndexURL; the
	// same-thread check is TestBadInputs' Attach(no HEAPU8).
	loaders := map[string]loader{"LoadWorker": loadWorker}
	for _, c := range []struct {
		dir, want string
		kind      error
	}{
		{"noheap", "lacks pyodide._module.HEAPU8", pyodidebridge.ErrVersion},
		{"nolink", "did not link", pyodidebridge.ErrVersion},
		{"noroom", "refused to create Pyodide's heap", pyodidebridge.ErrLoad},
	} {
		for name, fn := range loaders {
			t.Run(c.dir+"/"+name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err := fn(ctx, base+c.dir+"/")
				if ctx.Err() != nil {
					t.Fatalf("%s waited for its whole context (a hang): %v", name, err)
				}
				var e *pyodidebridge.Error
				if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || !errors.As(err, &e) || e.Fix == "" {
					t.Fatalf("%s: got %v, want %v saying %q, with a Fix", name, err, c.kind, c.want)
				}
				if c.kind == pyodidebridge.ErrVersion && !strings.Contains(err.Error(), pyodidebridge.TestedRange()) {
					t.Fatalf("%s: %v does not name the tested releases %s", name, err, pyodidebridge.TestedRange())
				}
			})
		}
	}
}
