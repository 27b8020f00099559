//go:build !js

// TestNodeTest runs the node:test files in testdata/node (sharedheap.js's
// rewriter, worker.js on worker_threads) with node --test on the host.

package sharedheap_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestNodeTest(t *testing.T) {
	node := nodeOrSkip(t)
	// Node 21+ does not search a directory given to --test: name the files.
	files, err := filepath.Glob(filepath.Join("testdata", "node", "*.test.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/node/*.test.mjs files")
	}
	// An empty SABKIT_PYODIDE_DIR skips the Pyodide tests; the last entry
	// of cmd.Env wins over an inherited one.
	py := ""
	if testing.Short() {
		t.Log("-short: the tests that boot Pyodide skip")
	} else {
		py = pyodideDir(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec"}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(cmd.Environ(), "SABKIT_PYODIDE_DIR="+py)
	cmd.WaitDelay = 10 * time.Second // a worker that outlives the test must not hold the pipes open
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("node --test did not finish within 4 minutes:\n%s", out)
	}
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
