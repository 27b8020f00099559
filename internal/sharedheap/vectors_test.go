//go:build !js

package sharedheap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type vector struct {
	Name      string `json:"name"`
	Input     string `json:"input"`
	MaxPages  uint32 `json:"maxPages"`
	Output    string `json:"output"`
	Changed   bool   `json:"changed"`
	Error     string `json:"error"`
	ErrorKind string `json:"errorKind"`
}

type jsResult struct {
	Name      string `json:"name"`
	Output    []byte `json:"output"`
	Changed   bool   `json:"changed"`
	Error     string `json:"error"`
	Kind      string `json:"kind"`
	ErrorName string `json:"errorName"`
}

func nodeOrSkip(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("the JavaScript tests need node on PATH: %v", err)
	}
	return p
}

// nodeLimit bounds one node run: a script that waits for a reply that never
// comes fails the test instead of hanging the package.
const nodeLimit = 3 * time.Minute

// runNode runs node with args and stdin and returns its standard output;
// a failure, or a run longer than nodeLimit, fails the test with stderr.
func runNode(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	node := nodeOrSkip(t)
	ctx, cancel := context.WithTimeout(context.Background(), nodeLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("node %s did not finish within %v\n%s", args[0], nodeLimit, stderr.Bytes())
	}
	if err != nil {
		t.Fatalf("node %s: %v\n%s", args[0], err, stderr.Bytes())
	}
	return out
}

// TestVectors checks that sharedheap.js's rewriter agrees with the Go
// rewriter on every vector in internal/wasmrewrite/testdata/vectors: the
// same output bytes, the same Changed, or an error of the same kind whose
// message contains the expected text.
func TestVectors(t *testing.T) {
	nodeOrSkip(t)
	dir := filepath.Join("..", "wasmrewrite", "testdata", "vectors")
	raw, err := os.ReadFile(filepath.Join(dir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vf struct{ Vectors []vector }
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	// testdata/vectors.js runs every vector through the JavaScript rewriter
	// and prints, per vector, the output bytes or the error.
	stdout := runNode(t, nil, filepath.Join("testdata", "vectors.js"), dir)
	var got []jsResult
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("node output: %v", err)
	}
	if len(got) != len(vf.Vectors) || len(got) < 50 {
		t.Fatalf("node ran %d vectors of %d", len(got), len(vf.Vectors))
	}
	for i, v := range vf.Vectors {
		r := got[i]
		t.Run(v.Name, func(t *testing.T) {
			if v.Error != "" {
				if r.Error == "" {
					t.Fatalf("no error, want a %s error containing %q", v.ErrorKind, v.Error)
				}
				if !strings.Contains(r.Error, v.Error) || r.Kind != v.ErrorKind || r.ErrorName != "ShareError" {
					t.Errorf("%s %s error %q, want %s containing %q", r.ErrorName, r.Kind, r.Error, v.ErrorKind, v.Error)
				}
				return
			}
			if r.Error != "" {
				t.Fatalf("error %q, want output %s", r.Error, v.Output)
			}
			want, err := os.ReadFile(filepath.Join(dir, v.Output))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.Output, want) {
				t.Errorf("output differs from %s:\n got %x\nwant %x", v.Output, r.Output, want)
			}
			if r.Changed != v.Changed {
				t.Errorf("changed=%v, want %v", r.Changed, v.Changed)
			}
		})
	}
}
