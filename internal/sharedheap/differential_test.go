//go:build !js

package sharedheap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/wasmrewrite"
)

// TestDifferential rewrites the same inputs with the Go rewriter
// (internal/wasmrewrite) and the JavaScript one: every vector input, seeded
// random mutations of them (flipped, inserted, deleted bytes, truncations)
// and Pyodide's own pyodide.asm.wasm. Outputs must be byte-identical, and
// errors must agree in kind, offset, section and reason.
func TestDifferential(t *testing.T) {
	nodeOrSkip(t)
	vecDir := filepath.Join("..", "wasmrewrite", "testdata", "vectors")
	seeds, err := filepath.Glob(filepath.Join(vecDir, "*.in.wasm"))
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no vector inputs in %s (%v)", vecDir, err)
	}
	var inputs [][]byte
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	rng := rand.New(rand.NewPCG(5, 2026))
	for range 3000 {
		src := inputs[rng.IntN(len(seeds))]
		m := append([]byte(nil), src...)
		for range 1 + rng.IntN(3) {
			if len(m) == 0 {
				m = append(m, byte(rng.IntN(256)))
				continue
			}
			i := rng.IntN(len(m))
			switch rng.IntN(4) {
			case 0:
				m[i] ^= byte(1 << rng.IntN(8))
			case 1:
				m[i] = byte(rng.IntN(256))
			case 2:
				m = append(m[:i], append([]byte{byte(rng.IntN(256))}, m[i:]...)...)
			case 3:
				m = m[:i]
			}
		}
		inputs = append(inputs, m)
	}
	if py, err := os.ReadFile(filepath.Join(pyodideDir(t), "pyodide.asm.wasm")); err == nil {
		inputs = append(inputs, py)
	} else {
		t.Logf("pyodide.asm.wasm not compared: %v", err)
	}

	stdin, err := json.Marshal(inputs) // []byte encodes as base64
	if err != nil {
		t.Fatal(err)
	}
	// testdata/differential.js rewrites each input (base64 on stdin) with the
	// JavaScript rewriter and prints the output or the error.
	stdout := runNode(t, stdin, filepath.Join("testdata", "differential.js"))
	var got []struct {
		Output  []byte
		Changed bool
		Error   string
		Kind    string
	}
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(inputs) {
		t.Fatalf("node answered %d of %d inputs", len(got), len(inputs))
	}
	var oks, errs, mismatches int
	for i, in := range inputs {
		res, goErr := wasmrewrite.Share(in)
		js := got[i]
		fail := func(format string, args ...any) {
			if mismatches < 10 {
				t.Errorf("input %d (%d bytes, %x…): "+format, append([]any{i, len(in), in[:min(len(in), 16)]}, args...)...)
			}
			mismatches++
		}
		if goErr != nil {
			errs++
			kind := "malformed"
			if errors.Is(goErr, wasmrewrite.ErrUnsupported) {
				kind = "unsupported"
			}
			goMsg := strings.TrimPrefix(goErr.Error(), "wasmrewrite: ")
			jsMsg := strings.TrimPrefix(js.Error, "sabkitSharedHeap: ")
			if js.Error == "" {
				fail("Go fails (%v), JavaScript rewrites it", goErr)
			} else if goMsg != jsMsg || js.Kind != kind {
				fail("errors differ:\n  Go (%s): %s\n  JS (%s): %s", kind, goMsg, js.Kind, jsMsg)
			}
			continue
		}
		oks++
		switch {
		case js.Error != "":
			fail("JavaScript fails (%s), Go rewrites it", js.Error)
		case !bytes.Equal(js.Output, res.Module) || js.Changed != res.Changed:
			fail("outputs differ (changed Go %v, JS %v)", res.Changed, js.Changed)
		}
	}
	t.Logf("%d inputs: %d rewritten or unchanged, %d rejected; %d mismatches", len(inputs), oks, errs, mismatches)
	if oks == 0 || errs == 0 {
		t.Errorf("the inputs must include both modules that rewrite and modules that fail")
	}
}
