package wasmrewrite

import (
	"errors"
	"fmt"
)

// Options tune Share. The zero value is the default.
type Options struct {
	// MaxPages is the maximum, in 64 KiB pages, given to a memory that has
	// none; shared memories must declare one. 0 means 65536 (4 GiB), which is
	// what a memory importing Pyodide's shared heap needs. Existing maxima
	// are kept.
	MaxPages uint32
}

// Result is the outcome of Share.
type Result struct {
	// Module is the rewritten module. When Changed is false it is the input
	// slice itself, not a copy.
	Module []byte
	// Changed reports whether any memory's limits changed.
	Changed bool
	// Memories lists the memories whose limits changed, in index order.
	Memories []MemoryChange
}

// MemoryChange is one rewritten memory declaration.
type MemoryChange struct {
	// Memory is the declaration as found in the input: its Limits are the
	// old limits and its Offset an offset in the input.
	Memory Memory
	// New are the limits written to the output.
	New Limits
}

// Share returns module with every memory, defined or imported, made shared,
// using the default Options.
func Share(module []byte) (Result, error) { return Options{}.Share(module) }

// Share returns module with every memory, defined or imported, made shared:
// limits flags become 0x03, and a memory without a maximum gets o.MaxPages.
// All other bytes are kept. Errors are *FormatError values wrapping
// ErrMalformed or ErrUnsupported, except for an invalid o.MaxPages.
func (o Options) Share(module []byte) (Result, error) {
	maxPages := o.MaxPages
	if maxPages == 0 {
		maxPages = maxPages32
	}
	if maxPages > maxPages32 {
		return Result{}, fmt.Errorf("wasmrewrite: Options.MaxPages %d exceeds %d", maxPages, maxPages32)
	}
	m, err := parse(module)
	if err != nil {
		return Result{}, err
	}

	var changes []MemoryChange
	var grow int
	for _, d := range m.mems {
		if d.Limits.Shared && d.Limits.HasMax {
			continue
		}
		nl := d.Limits
		nl.Shared = true
		if !nl.HasMax {
			if nl.Min > maxPages {
				sec := "memory"
				if d.Imported {
					sec = "import"
				}
				return Result{}, &FormatError{Offset: d.Offset, Section: sec, Kind: ErrUnsupported,
					Reason: fmt.Sprintf("memory %d min %d pages exceeds the max %d that would be added", d.Index, nl.Min, maxPages)}
			}
			nl.HasMax, nl.Max = true, maxPages
			grow += lebLen(maxPages)
		}
		changes = append(changes, MemoryChange{Memory: d.Memory, New: nl})
	}
	if len(changes) == 0 {
		return Result{Module: module}, nil
	}

	// Each section holding a change is written as id, size, contents with
	// the limits replaced; everything between is copied.
	out := make([]byte, 0, len(module)+grow+4*len(m.secs))
	pos := 0
	next := 0 // next memDecl to rewrite
	for si, s := range m.secs {
		var body []byte
		cur := s.body
		for ; next < len(m.mems) && m.mems[next].sec == si; next++ {
			d := m.mems[next]
			if d.Limits.Shared && d.Limits.HasMax {
				continue
			}
			body = append(body, module[cur:d.Offset]...)
			body = append(body, limitsHasMax|limitsShared)
			body = append(body, module[d.Offset+1:d.end]...) // min, and max when present
			if !d.Limits.HasMax {
				body = appendLEB(body, maxPages)
			}
			cur = d.end
		}
		if body == nil {
			continue
		}
		body = append(body, module[cur:s.end]...)
		if uint64(len(body)) > 0xffffffff {
			return Result{}, &FormatError{Offset: s.start, Section: sectionNames[s.id], Kind: ErrUnsupported,
				Reason: fmt.Sprintf("rewritten section size %d overflows 32 bits", len(body))}
		}
		out = append(out, module[pos:s.start+1]...)
		out = appendSize(out, uint32(len(body)), s.sizeLen)
		out = append(out, body...)
		pos = s.end
	}
	out = append(out, module[pos:]...)
	return Result{Module: out, Changed: true, Memories: changes}, nil
}

// lebLen is the length of v's minimal unsigned LEB128 encoding.
func lebLen(v uint32) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func appendLEB(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendSize encodes a section size in width bytes (padded LEB128) when it
// fits, so a rewrite that does not grow past the old width moves no offsets;
// otherwise it uses the minimal encoding.
func appendSize(b []byte, v uint32, width int) []byte {
	if width < lebLen(v) || width > 5 {
		return appendLEB(b, v)
	}
	for i := 1; i < width; i++ {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// CheckLink reports whether a module importing a memory with limits imported
// can be instantiated with a memory whose limits are provided, following the
// WebAssembly import matching rules: shared state must be equal, the provided
// minimum must be at least the imported one and, when the import declares a
// maximum, the provided maximum must exist and not exceed it. For Pyodide's
// shared heap (min 480, max 65536) that means an import min ≤ 480 and max
// 65536.
func CheckLink(imported, provided Limits) error {
	switch {
	case imported.Shared != provided.Shared:
		return fmt.Errorf("wasmrewrite: memory import is shared=%t, provided memory is shared=%t", imported.Shared, provided.Shared)
	case provided.Min < imported.Min:
		return fmt.Errorf("wasmrewrite: memory import needs min %d pages, provided memory has %d", imported.Min, provided.Min)
	case imported.HasMax && !provided.HasMax:
		return errors.New("wasmrewrite: memory import declares a max, provided memory has none")
	case imported.HasMax && provided.Max > imported.Max:
		return fmt.Errorf("wasmrewrite: memory import allows max %d pages, provided memory has max %d", imported.Max, provided.Max)
	}
	return nil
}
