package wasmrewrite

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nodeCheck compiles each output in Node and instantiates it with stub
// imports and one shared memory with Pyodide 314's limits. For an
// input that imports memory, it also instantiates the input with that memory,
// which must fail: that is what the rewrite is for.
const nodeCheck = `
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const memory = new WebAssembly.Memory({initial: input.provided.initial, maximum: input.provided.maximum, shared: true});
function imports(mod) {
  const o = {};
  for (const imp of WebAssembly.Module.imports(mod)) {
    const t = imp.type || {};
    let v;
    switch (imp.kind) {
    case "function": v = () => {}; break;
    case "table": v = new WebAssembly.Table({element: t.element, initial: t.minimum, maximum: t.maximum}); break;
    case "global": v = new WebAssembly.Global({value: t.value, mutable: t.mutable}, t.value === "i64" ? 0n : 0); break;
    case "memory": v = memory; break;
    case "tag": v = new WebAssembly.Tag({parameters: []}); break;
    }
    (o[imp.module] ??= {})[imp.name] = v;
  }
  return o;
}
const out = [];
for (const c of input.cases) {
  const r = {name: c.name};
  try {
    const mod = new WebAssembly.Module(fs.readFileSync(c.output));
    r.memoryImports = WebAssembly.Module.imports(mod).filter(i => i.kind === "memory").map(i => i.type);
    try {
      const inst = new WebAssembly.Instance(mod, imports(mod));
      r.linked = true;
      r.sharedExports = Object.values(inst.exports).filter(e => e instanceof WebAssembly.Memory)
        .map(m => m.buffer instanceof SharedArrayBuffer);
    } catch (e) { r.linkError = String(e); }
  } catch (e) { r.compileError = String(e); }
  if (c.input) {
    try {
      const mod = new WebAssembly.Module(fs.readFileSync(c.input));
      new WebAssembly.Instance(mod, imports(mod));
      r.inputLinked = true;
    } catch (e) { r.inputError = String(e); }
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
`

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

// runNode runs script with the JSON encoding of in on stdin and decodes its
// stdout into out.
func runNode(t *testing.T, script string, in, out any, flags ...string) {
	t.Helper()
	stdin, err := json.Marshal(in)
	noErr(t, err, "encode node input")
	args := append(flags, "-e", script)
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
	runNode(t, nodeCheck, in, &results, "--experimental-wasm-type-reflection")
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
