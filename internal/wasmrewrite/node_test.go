package wasmrewrite

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

type nodeResult struct {
	Name          string
	CompileError  string
	LinkError     string
	Linked        bool
	SharedExports []bool
	MemoryImports []struct {
		Minimum uint32
		Maximum *uint32
		Shared  bool
	}
	InputLinked bool
	InputError  string
}

func nodePath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("Node checks of rewritten modules skipped: node not found (%v)", err)
	}
	return p
}

// runNode runs the Node script testdata/script with the JSON encoding of in
// on stdin and decodes its stdout into out.
func runNode(t *testing.T, script string, in, out any, flags ...string) {
	t.Helper()
	stdin, err := json.Marshal(in)
	noErr(t, err, "encode node input")
	args := append(flags, filepath.Join("testdata", script))
	cmd := exec.Command(nodePath(t), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.Bytes())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("node output %q: %v", stdout, err)
	}
}

func TestNode(t *testing.T) {
	nodePath(t)
	dir := t.TempDir()
	type nodeCase struct {
		Name   string `json:"name"`
		Output string `json:"output"`
		Input  string `json:"input,omitempty"`
	}
	var ncs []nodeCase
	want := map[string]tcase{}
	for _, tc := range cases() {
		if !tc.node {
			continue
		}
		res, err := Options{MaxPages: tc.maxPages}.Share(tc.in)
		noErr(t, err, "%s: Share", tc.name)
		nc := nodeCase{Name: tc.name, Output: filepath.Join(dir, tc.name+".out.wasm")}
		noErr(t, os.WriteFile(nc.Output, res.Module, 0o644), "write")
		for _, c := range res.Memories {
			if c.Memory.Imported {
				nc.Input = filepath.Join(dir, tc.name+".in.wasm")
				noErr(t, os.WriteFile(nc.Input, tc.in, 0o644), "write")
				break
			}
		}
		ncs = append(ncs, nc)
		want[tc.name] = tc
	}
	in := map[string]any{
		"provided": map[string]uint32{"initial": pyodideHeap.Min, "maximum": pyodideHeap.Max},
		"cases":    ncs,
	}
	var results []nodeResult
	// testdata/nodecheck.js compiles each output and instantiates it with stub
	// imports and one shared memory with Pyodide 314's limits. For an input
	// that imports memory, it also instantiates the input with that memory,
	// which must fail: that is what the rewrite is for.
	runNode(t, "nodecheck.js", in, &results, "--experimental-wasm-type-reflection")
	equal(t, len(results), len(ncs), "node results")
	for i, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.CompileError != "" {
				t.Fatalf("output does not compile: %s", r.CompileError)
			}
			out, err := os.ReadFile(ncs[i].Output)
			noErr(t, err, "read output")
			mems, err := Inspect(out)
			noErr(t, err, "Inspect")
			linkable := true
			var imported []Limits
			for _, m := range mems {
				if m.Imported {
					imported = append(imported, m.Limits)
					if CheckLink(m.Limits, pyodideHeap) != nil {
						linkable = false
					}
				}
			}
			equal(t, len(r.MemoryImports), len(imported), "memory imports Node sees")
			for j, ni := range r.MemoryImports {
				if j < len(imported) {
					l := imported[j]
					got := Limits{Min: ni.Minimum, HasMax: ni.Maximum != nil, Shared: ni.Shared}
					if ni.Maximum != nil {
						got.Max = *ni.Maximum
					}
					equal(t, got, l, "memory import %d as Node reads it", j)
				}
			}
			if r.Linked != linkable {
				t.Errorf("Node linked=%t (%s), CheckLink against %v says %t", r.Linked, r.LinkError, pyodideHeap, linkable)
			}
			for j, shared := range r.SharedExports {
				if !shared {
					t.Errorf("exported memory %d is not backed by a SharedArrayBuffer", j)
				}
			}
			if ncs[i].Input != "" && r.InputLinked {
				t.Errorf("the unrewritten input linked against a shared memory")
			}
			t.Logf("linked=%t %s input: %s", r.Linked, r.LinkError, r.InputError)
		})
	}
	if len(results) == 0 {
		t.Fatalf("no cases checked in Node (%d prepared)", len(ncs))
	}
}
