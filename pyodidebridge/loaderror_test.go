//go:build js && wasm

package pyodidebridge

import (
	"errors"
	"strings"
	"testing"
)

// TestLoadErrorFix: a LinkError from a shared pyodide.asm.wasm under a stock
// loader names that cause and the stock path, not the missing-files advice.
func TestLoadErrorFix(t *testing.T) {
	tests := []struct {
		name, cause string
		want        []string
	}{
		{"shared module, stock loader",
			`LinkError: WebAssembly.Instance(): Import #0 "env" "memory": mismatch in shared state of memory, declared = 0, imported = 1`,
			[]string{"memory is shared", "/pyodide-shared/", "Options.SharedHeap or LoadWorker"}},
		{"missing file", "TypeError: Failed to fetch", []string{"serves pyodide.js, pyodide.asm.mjs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadError("/pyodide/", "loadPyodide failed", errors.New(tt.cause))
			for _, w := range tt.want {
				if !strings.Contains(e.Fix, w) {
					t.Errorf("Fix %q lacks %q", e.Fix, w)
				}
			}
		})
	}
}
