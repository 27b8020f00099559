package wasmrewrite

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. Every *FormatError wraps exactly one of them.
var (
	// ErrMalformed reports bytes that are not a valid WebAssembly module.
	ErrMalformed = errors.New("wasmrewrite: malformed module")
	// ErrUnsupported reports a well-formed encoding this package does not
	// rewrite, such as memory64 limits or the compact import encoding.
	ErrUnsupported = errors.New("wasmrewrite: unsupported module")
)

// FormatError describes why a module could not be decoded or rewritten.
type FormatError struct {
	// Offset is the byte offset in the module where the problem was found.
	Offset int
	// Section names where it was found: "header" for the module header,
	// otherwise a section name such as "import", "memory" or "code".
	Section string
	// Reason says what was wrong.
	Reason string
	// Kind is ErrMalformed or ErrUnsupported.
	Kind error
}

func (e *FormatError) Error() string {
	where := e.Section + " section"
	if e.Section == "header" {
		where = "module header"
	}
	return fmt.Sprintf("wasmrewrite: %s at offset %#x: %s", where, e.Offset, e.Reason)
}

// Unwrap returns Kind, so errors.Is(err, ErrMalformed) and
// errors.Is(err, ErrUnsupported) work.
func (e *FormatError) Unwrap() error { return e.Kind }
