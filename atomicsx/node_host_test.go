//go:build !js

package atomicsx_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// nodeProtocolsLimit bounds the whole node run, so a protocol that hangs
// fails the test instead of the package timing out.
const nodeProtocolsLimit = 3 * time.Minute

// TestNodeProtocols runs the node:test tests in testdata/node, which check
// assets/sabkit-atomics.mjs's protocols across worker_threads sharing a
// SharedArrayBuffer, and the word counts of LAYOUT.md.
func TestNodeProtocols(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("the JavaScript protocol tests need node on PATH: %v", err)
	}
	// The files are named rather than the directory: node 21 and later take
	// the arguments of --test as file patterns and do not search directories.
	files, err := filepath.Glob(filepath.Join("testdata", "node", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/node/*.test.mjs (%v)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), nodeProtocolsLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	// node --test runs each file in a child process that may keep the output
	// pipe open after node itself is killed.
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("node --test did not finish within %v\n%s", nodeProtocolsLimit, out)
	}
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
