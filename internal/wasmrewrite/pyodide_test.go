package wasmrewrite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// pyodideWasm is Pyodide's main module, relative to the module root.
const pyodideWasm = "testdata/pyodide/node_modules/pyodide/pyodide.asm.wasm"

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	noErr(tb, err, "getwd")
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func readPyodide(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(tb), pyodideWasm))
	if os.IsNotExist(err) {
		tb.Skipf("%s is missing: run `npm ci --prefix testdata/pyodide` at the module root", pyodideWasm)
	}
	noErr(tb, err, "read Pyodide")
	return b
}

func TestPyodide(t *testing.T) {
	in := readPyodide(t)
	mems, err := Inspect(in)
	noErr(t, err, "Inspect(pyodide.asm.wasm)")
	var defined []Memory
	for _, m := range mems {
		if m.Imported {
			t.Errorf("Pyodide imports memory %s.%s", m.Module, m.Name)
		} else {
			defined = append(defined, m)
		}
	}
	if len(defined) != 1 {
		t.Fatalf("Pyodide defines %d memories, want 1: %+v", len(defined), defined)
	}
	old := defined[0].Limits
	// Pyodide 314 declares flags 1, min 480, max 65536 pages.
	equal(t, old, Limits{Min: 480, Max: 65536, HasMax: true}, "Pyodide's memory")

	res, err := Share(in)
	noErr(t, err, "Share(pyodide.asm.wasm)")
	if !res.Changed || len(res.Memories) != 1 {
		t.Fatalf("Changed=%t, %d memories changed, want one", res.Changed, len(res.Memories))
	}
	c := res.Memories[0]
	equal(t, c.Memory, defined[0], "changed memory")
	equal(t, c.Memory.Limits.Flags(), 0x01, "old flags")
	equal(t, c.New.Flags(), 0x03, "new flags")
	equal(t, c.New, Limits{Min: old.Min, Max: old.Max, HasMax: true, Shared: true}, "new limits")
	equal(t, len(res.Module), len(in), "output length")
	// Only the flags byte differs.
	if len(res.Module) == len(in) {
		for i := range in {
			if in[i] != res.Module[i] && i != c.Memory.Offset {
				t.Fatalf("output differs at offset %#x, flags byte is at %#x", i, c.Memory.Offset)
			}
		}
		equal(t, res.Module[c.Memory.Offset], 0x03, "flags byte in output")
	}

	again, err := Share(res.Module)
	noErr(t, err, "second Share")
	if again.Changed || !bytes.Equal(again.Module, res.Module) {
		t.Errorf("second Share: Changed=%t", again.Changed)
	}

	t.Run("node", func(t *testing.T) {
		nodePath(t)
		p := filepath.Join(t.TempDir(), "pyodide.shared.wasm")
		noErr(t, os.WriteFile(p, res.Module, 0o644), "write")
		var r struct {
			Exports []string
			Error   string
		}
		// testdata/pyodidecompile.js compiles the module at p and lists its
		// exported memories.
		runNode(t, "pyodidecompile.js", p, &r)
		if r.Error != "" {
			t.Fatalf("rewritten Pyodide does not compile in Node: %s", r.Error)
		}
		t.Logf("compiled; exported memories: %v", r.Exports)
	})

	// Boot Pyodide from a copy of its package whose main module is the
	// rewritten one (the other files are links to the installed package).
	t.Run("node-boot", func(t *testing.T) {
		nodePath(t)
		if testing.Short() {
			t.Skip("booting Pyodide takes seconds; skipped in -short mode")
		}
		pkg := filepath.Join(moduleRoot(t), filepath.Dir(pyodideWasm))
		dir := t.TempDir()
		entries, err := os.ReadDir(pkg)
		noErr(t, err, "read Pyodide package")
		for _, e := range entries {
			if e.Name() != filepath.Base(pyodideWasm) {
				noErr(t, os.Symlink(filepath.Join(pkg, e.Name()), filepath.Join(dir, e.Name())), "link")
			}
		}
		noErr(t, os.WriteFile(filepath.Join(dir, filepath.Base(pyodideWasm)), res.Module, 0o644), "write")
		var r struct {
			Shared bool
			Result int
			Error  string
		}
		// testdata/pyodideboot.js boots Pyodide from dir and runs Python.
		runNode(t, "pyodideboot.js", map[string]string{"pkg": pkg, "dir": dir}, &r)
		if r.Error != "" {
			t.Fatalf("Pyodide failed to boot from the rewritten module: %s", r.Error)
		}
		if !r.Shared || r.Result != 45 {
			t.Errorf("heap is a SharedArrayBuffer: %t; sum(range(10)) = %d", r.Shared, r.Result)
		}
	})
}

func BenchmarkSharePyodide(b *testing.B) {
	in := readPyodide(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Share(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSharePyodideShared measures the no-change path: decoding only.
func BenchmarkSharePyodideShared(b *testing.B) {
	res, err := Share(readPyodide(b))
	noErr(b, err, "Share")
	in := res.Module
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Share(in); err != nil {
			b.Fatal(err)
		}
	}
}
