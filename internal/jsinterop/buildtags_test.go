//go:build !js

// The guard that keeps sabkit's build constraints honest: every Go file that
// touches JavaScript is built only for js/wasm, so `go build ./...`,
// `go vet ./...` and the host-side test harness keep working on the host.
package jsinterop_test

import (
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/browsertest"
)

// jsOnlyImports are packages that exist (or work) only under js/wasm.
var jsOnlyImports = map[string]bool{
	"syscall/js":                   true,
	"github.com/chromedp/chromedp": false, // host only; checked separately
}

// TestWasmBuildTags checks every .go file in the module, tests included:
// a file importing syscall/js must carry `//go:build js && wasm`,
// and a file importing chromedp must exclude js.
func TestWasmBuildTags(t *testing.T) {
	root := browsertest.ModuleRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		var expr constraint.Expr
		for _, cg := range f.Comments {
			if cg.Pos() > f.Package {
				break
			}
			for _, c := range cg.List {
				if constraint.IsGoBuild(c.Text) {
					expr, _ = constraint.Parse(c.Text)
				}
			}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			jsOnly, known := jsOnlyImports[p]
			switch {
			case known && jsOnly && !isJSWasm(expr):
				t.Errorf("%s imports %s but lacks `//go:build js && wasm`", rel, p)
			case known && !jsOnly && (expr == nil || allowsJS(expr)):
				t.Errorf("%s imports %s (host only) but does not exclude js: add `//go:build !js`", rel, p)
			}
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d files under %s; is the walk looking at the module?", checked, root)
	}
	t.Logf("checked %d Go files", checked)
}

// isJSWasm reports whether expr is exactly `js && wasm` (either order).
func isJSWasm(expr constraint.Expr) bool {
	and, ok := expr.(*constraint.AndExpr)
	if !ok {
		return false
	}
	x, y := and.X.String(), and.Y.String()
	return (x == "js" && y == "wasm") || (x == "wasm" && y == "js")
}

// allowsJS reports whether the constraint can be satisfied for GOOS=js.
func allowsJS(expr constraint.Expr) bool {
	return expr.Eval(func(tag string) bool { return tag == "js" || tag == "wasm" })
}

func TestConstraintHelpers(t *testing.T) {
	tests := []struct {
		line           string
		jsWasm, allows bool
	}{
		{"//go:build js && wasm", true, true},
		{"//go:build wasm && js", true, true},
		{"//go:build js", false, true},
		{"//go:build !js", false, false},
		{"//go:build linux", false, false},
		{"//go:build js || linux", false, true},
	}
	for _, tt := range tests {
		expr, err := constraint.Parse(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		if got := isJSWasm(expr); got != tt.jsWasm {
			t.Errorf("isJSWasm(%q) = %v", tt.line, got)
		}
		if got := allowsJS(expr); got != tt.allows {
			t.Errorf("allowsJS(%q) = %v", tt.line, got)
		}
	}
}
