//go:build js && wasm

package pyodidebridge

import (
	"fmt"
	"strings"
	"unicode"
)

// checkName accepts the Python global names the bridge may bind or read:
// identifiers that are not keywords, not dunder names (__builtins__,
// __import__, __name__: rebinding them breaks every later call and user
// code), and not the bridge's own _sabkit prefix.
func checkName(op, name string) error {
	const fix = "use a Python identifier: letters, digits and underscores, not starting with a digit, not a keyword"
	if name == "" {
		return errorf(op, ErrName, fix, "empty name")
	}
	if msg := identifierProblem(name); msg != "" {
		return errorf(op, ErrName, fix, "%q %s", name, msg)
	}
	if len(name) > 4 && strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__") {
		return errorf(op, ErrName, "pick a name without leading and trailing double underscores",
			"%q is a dunder name, reserved by Python (rebinding __builtins__ or __import__ breaks every later call)", name)
	}
	if strings.HasPrefix(name, "_sabkit") {
		return errorf(op, ErrName, "pick a name that does not start with _sabkit", "%q is reserved for the bridge's helpers", name)
	}
	return nil
}

// identifierProblem says why name is not a Python identifier that is not a
// keyword, or returns "".
func identifierProblem(name string) string {
	if name == "" {
		return "has an empty part"
	}
	for i, r := range name {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r)) {
			continue
		}
		return fmt.Sprintf("is not a Python identifier (character %q)", r)
	}
	if pythonKeywords[name] {
		return "is a Python keyword"
	}
	return ""
}

var pythonKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`False None True and as assert async await break class continue def del elif
		else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield`) {
		m[k] = true
	}
	return m
}()
