//go:build js && wasm

package pyodidebridge

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/sabview"
)

// TestElementTableJS: sabkit.mjs's DTYPES, the element table a page without
// Go uses, has exactly sabview's rows (name, typed array, Python format).
func TestElementTableJS(t *testing.T) {
	src, err := fs.ReadFile(sharedheap.Assets(), "sabkit.mjs")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)const DTYPES = \{(.*?)\};`).FindSubmatch(src)
	if table == nil {
		t.Fatal("sabkit.mjs has no `const DTYPES = {...};`")
	}
	rows := regexp.MustCompile(`(\w+): \[(\w+), "(\w)"\]`).FindAllSubmatch(table[1], -1)
	got := map[string][2]string{}
	for _, r := range rows {
		got[string(r[1])] = [2]string{string(r[2]), string(r[3])}
	}
	want := sabview.ElementTypes()
	if len(got) != len(want) {
		t.Errorf("sabkit.mjs DTYPES has %d rows, sabview %d: %q", len(got), len(want), got)
	}
	for _, e := range want {
		if g, ok := got[e.Go]; !ok || g != [2]string{e.ArrayType, e.Format} {
			t.Errorf("sabkit.mjs DTYPES[%s] = %q, sabview says [%s %s]", e.Go, g, e.ArrayType, e.Format)
		}
	}
}
