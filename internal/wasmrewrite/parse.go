package wasmrewrite

import (
	"fmt"
	"unicode/utf8"
)

// Section ids, and the order in which non-custom sections must appear.
const (
	secCustom = 0
	secImport = 2
	secMemory = 5
)

var sectionNames = [...]string{
	0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
	6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
	12: "data count", 13: "tag",
}

// sectionRank is the position a non-custom section must take in the module;
// the tag (13) and data count (12) sections sit between lower ids.
var sectionRank = [...]int{
	1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13,
}

// Memory limits flags from the threads proposal.
const (
	limitsHasMax = 0x01
	limitsShared = 0x02
	limits64     = 0x04 // memory64: u64 values
	limitsPage   = 0x08 // custom-page-sizes: a page size exponent follows
)

// maxPages32 is the most 64 KiB pages a 32-bit memory can declare.
const maxPages32 = 65536

// Limits are a memory's limits in 64 KiB pages.
type Limits struct {
	Min    uint32
	Max    uint32 // meaningful only when HasMax
	HasMax bool
	Shared bool
}

// Flags returns the limits flags byte that encodes l.
func (l Limits) Flags() byte {
	var f byte
	if l.HasMax {
		f |= limitsHasMax
	}
	if l.Shared {
		f |= limitsShared
	}
	return f
}

func (l Limits) String() string {
	s := fmt.Sprintf("min %d", l.Min)
	if l.HasMax {
		s += fmt.Sprintf(" max %d", l.Max)
	}
	if l.Shared {
		s += " shared"
	}
	return s
}

// Memory is one memory declaration: an import of kind memory, or an entry of
// the memory section.
type Memory struct {
	// Index is the memory's index; imported memories come first.
	Index uint32
	// Imported is true for an import, false for a memory the module defines.
	Imported bool
	// Module and Name are the import's names; empty for defined memories.
	Module, Name string
	// Offset is the byte offset of the limits' flags byte in the module.
	Offset int
	Limits Limits
}

// memDecl is a Memory plus where its limits' fields lie in the module.
type memDecl struct {
	Memory
	minEnd int // min's bytes are [Offset+1, minEnd)
	end    int // max's bytes, if any, are [minEnd, end)
	sec    int // index into module.secs
}

// span is one section's framing.
type span struct {
	id      byte
	start   int // offset of the id byte
	sizeLen int // encoded length of the size field
	body    int // offset of the contents
	end     int // offset past the contents
}

type module struct {
	secs []span // the import and memory sections, when present
	mems []memDecl
}

// reader decodes b[pos:end] for one part of the module.
type reader struct {
	b       []byte
	pos     int
	end     int
	section string
	entry   int // 1 + index of the import being decoded; 0 outside imports
}

func (r *reader) errAt(kind error, off int, format string, args ...any) error {
	reason := fmt.Sprintf(format, args...)
	if r.entry > 0 {
		reason += fmt.Sprintf(" in import %d", r.entry-1)
	}
	return &FormatError{Offset: off, Section: r.section, Reason: reason, Kind: kind}
}

func (r *reader) byte(what string) (byte, error) {
	if r.pos >= r.end {
		return 0, r.errAt(ErrMalformed, r.pos, "truncated %s", what)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// u32 decodes an unsigned LEB128 value of at most 32 bits (at most 5 bytes;
// non-minimal encodings within that length are valid).
func (r *reader) u32(what string) (uint32, error) {
	start := r.pos
	var v uint32
	for i := 0; ; i++ {
		if r.pos >= r.end {
			return 0, r.errAt(ErrMalformed, start, "truncated %s: LEB128 runs past end", what)
		}
		c := r.b[r.pos]
		r.pos++
		if i == 4 {
			if c&0x80 != 0 {
				return 0, r.errAt(ErrMalformed, start, "%s: LEB128 longer than 5 bytes", what)
			}
			if c&0x70 != 0 {
				return 0, r.errAt(ErrMalformed, start, "%s: LEB128 value overflows 32 bits", what)
			}
			return v | uint32(c)<<28, nil
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

// skipU64 skips an unsigned LEB128 value of at most 64 bits.
func (r *reader) skipU64(what string) error {
	start := r.pos
	for i := 0; ; i++ {
		if r.pos >= r.end {
			return r.errAt(ErrMalformed, start, "truncated %s: LEB128 runs past end", what)
		}
		c := r.b[r.pos]
		r.pos++
		if i == 9 {
			if c&0x80 != 0 {
				return r.errAt(ErrMalformed, start, "%s: LEB128 longer than 10 bytes", what)
			}
			if c&0x7e != 0 {
				return r.errAt(ErrMalformed, start, "%s: LEB128 value overflows 64 bits", what)
			}
			return nil
		}
		if c&0x80 == 0 {
			return nil
		}
	}
}

// s33 decodes a signed LEB128 value of at most 33 bits (heap types).
func (r *reader) s33(what string) (int64, error) {
	start := r.pos
	var v int64
	for i := 0; ; i++ {
		if r.pos >= r.end {
			return 0, r.errAt(ErrMalformed, start, "truncated %s: LEB128 runs past end", what)
		}
		c := r.b[r.pos]
		r.pos++
		if i == 4 {
			if c&0x80 != 0 {
				return 0, r.errAt(ErrMalformed, start, "%s: LEB128 longer than 5 bytes", what)
			}
			// Bits 4..6 hold bit 32 (the sign) and its extension.
			if hi := c & 0x70; hi != 0 && hi != 0x70 {
				return 0, r.errAt(ErrMalformed, start, "%s: LEB128 value overflows 33 bits", what)
			}
			v |= int64(c&0x7f) << 28
			return v << (64 - 35) >> (64 - 35), nil
		}
		v |= int64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			shift := 7 * (i + 1)
			return v << (64 - shift) >> (64 - shift), nil
		}
	}
}

// name decodes a UTF-8 name; lengthWhat names its length field in errors.
func (r *reader) name(what, lengthWhat string) ([]byte, error) {
	start := r.pos
	n, err := r.u32(lengthWhat)
	if err != nil {
		return nil, err
	}
	if uint64(n) > uint64(r.end-r.pos) {
		return nil, r.errAt(ErrMalformed, start, "%s length %d runs past end of section (%d bytes left)", what, n, r.end-r.pos)
	}
	s := r.b[r.pos : r.pos+int(n)]
	if !utf8.Valid(s) {
		return nil, r.errAt(ErrMalformed, r.pos, "%s is not valid UTF-8", what)
	}
	r.pos += int(n)
	return s, nil
}

// heapTypeShort reports whether c is a one-byte (negative) heap type: exn,
// array, struct, i31, eq, any, extern, func, none, noextern, nofunc, noexn.
func heapTypeShort(c byte) bool { return c >= 0x69 && c <= 0x74 }

// refType skips a reference type; the encodings are those of the reference
// types, function references, GC and exception handling proposals.
func (r *reader) refType(what string) error {
	off := r.pos
	c, err := r.byte(what)
	if err != nil {
		return err
	}
	switch {
	case heapTypeShort(c):
		return nil
	case c == 0x63 || c == 0x64: // (ref null ht), (ref ht)
		hoff := r.pos
		if r.pos < r.end && r.b[r.pos]&0xc0 == 0x40 {
			if !heapTypeShort(r.b[r.pos]) {
				return r.errAt(ErrUnsupported, hoff, "unsupported heap type 0x%02x in %s", r.b[r.pos], what)
			}
			r.pos++
			return nil
		}
		v, err := r.s33(what + " heap type")
		if err != nil {
			return err
		}
		if v < 0 {
			return r.errAt(ErrUnsupported, hoff, "unsupported heap type %d in %s", v, what)
		}
		return nil
	default:
		return r.errAt(ErrUnsupported, off, "unsupported %s 0x%02x", what, c)
	}
}

func (r *reader) valType(what string) error {
	if r.pos < r.end && r.b[r.pos] >= 0x7b && r.b[r.pos] <= 0x7f { // i32 i64 f32 f64 v128
		r.pos++
		return nil
	}
	return r.refType(what)
}

// tableLimits skips a table's limits, which may be 64-bit (table64).
func (r *reader) tableLimits() error {
	off := r.pos
	flags, err := r.byte("table limits")
	if err != nil {
		return err
	}
	if flags&^(limitsHasMax|limits64) != 0 {
		return r.errAt(ErrUnsupported, off, "unsupported table limits flags 0x%02x", flags)
	}
	skip := func(what string) error {
		if flags&limits64 != 0 {
			return r.skipU64(what)
		}
		_, err := r.u32(what)
		return err
	}
	if err := skip("table min"); err != nil {
		return err
	}
	if flags&limitsHasMax != 0 {
		return skip("table max")
	}
	return nil
}

// memLimits decodes a memory's limits into d.
func (r *reader) memLimits(d *memDecl) error {
	d.Offset = r.pos
	flags, err := r.byte("memory limits")
	if err != nil {
		return err
	}
	switch {
	case flags&limits64 != 0:
		return r.errAt(ErrUnsupported, d.Offset, "unsupported memory64 limits (flags 0x%02x)", flags)
	case flags&limitsPage != 0:
		return r.errAt(ErrUnsupported, d.Offset, "unsupported custom page size limits (flags 0x%02x)", flags)
	case flags > limitsHasMax|limitsShared:
		return r.errAt(ErrUnsupported, d.Offset, "unsupported memory limits flags 0x%02x", flags)
	}
	l := &d.Limits
	l.HasMax = flags&limitsHasMax != 0
	l.Shared = flags&limitsShared != 0
	if l.Min, err = r.u32("memory min"); err != nil {
		return err
	}
	d.minEnd = r.pos
	if l.HasMax {
		if l.Max, err = r.u32("memory max"); err != nil {
			return err
		}
	}
	d.end = r.pos
	switch {
	case l.Min > maxPages32:
		return r.errAt(ErrMalformed, d.Offset, "memory min %d pages exceeds %d", l.Min, maxPages32)
	case l.HasMax && l.Max > maxPages32:
		return r.errAt(ErrMalformed, d.Offset, "memory max %d pages exceeds %d", l.Max, maxPages32)
	case l.HasMax && l.Min > l.Max:
		return r.errAt(ErrMalformed, d.Offset, "memory min %d pages exceeds its max %d", l.Min, l.Max)
	}
	return nil
}

// Import kinds.
const (
	importFunc   = 0x00
	importTable  = 0x01
	importMemory = 0x02
	importGlobal = 0x03
	importTag    = 0x04
)

func (m *module) imports(r *reader, sec int) error {
	count, err := r.u32("import count")
	if err != nil {
		return err
	}
	for i := uint32(0); i < count; i++ {
		r.entry = int(i) + 1
		mod, err := r.name("module name", "module name length")
		if err != nil {
			return err
		}
		name, err := r.name("field name", "field name length")
		if err != nil {
			return err
		}
		off := r.pos
		kind, err := r.byte("import kind")
		if err != nil {
			return err
		}
		switch kind {
		case importFunc:
			_, err = r.u32("function import type index")
		case importTable:
			if err = r.refType("table element type"); err == nil {
				err = r.tableLimits()
			}
		case importMemory:
			d := memDecl{sec: sec}
			d.Index = uint32(len(m.mems))
			d.Imported, d.Module, d.Name = true, string(mod), string(name)
			if err = r.memLimits(&d); err == nil {
				m.mems = append(m.mems, d)
			}
		case importGlobal:
			if err = r.valType("global type"); err == nil {
				var mut byte
				moff := r.pos
				if mut, err = r.byte("global mutability"); err == nil && mut > 1 {
					err = r.errAt(ErrUnsupported, moff, "unsupported global mutability 0x%02x", mut)
				}
			}
		case importTag:
			var attr byte
			if attr, err = r.byte("tag attribute"); err == nil {
				if attr != 0 {
					err = r.errAt(ErrUnsupported, r.pos-1, "unsupported tag attribute 0x%02x", attr)
				} else {
					_, err = r.u32("tag type index")
				}
			}
		case 0x7e, 0x7f:
			err = r.errAt(ErrUnsupported, off, "unsupported import kind 0x%02x (compact import encoding)", kind)
		default:
			err = r.errAt(ErrUnsupported, off, "unknown import kind 0x%02x", kind)
		}
		if err != nil {
			return err
		}
	}
	r.entry = 0
	return r.done(count, "imports")
}

func (m *module) memories(r *reader, sec int) error {
	count, err := r.u32("memory count")
	if err != nil {
		return err
	}
	for i := uint32(0); i < count; i++ {
		d := memDecl{sec: sec}
		d.Index = uint32(len(m.mems))
		if err := r.memLimits(&d); err != nil {
			return err
		}
		m.mems = append(m.mems, d)
	}
	return r.done(count, "memories")
}

func (r *reader) done(count uint32, what string) error {
	if r.pos != r.end {
		return r.errAt(ErrMalformed, r.pos, "%d bytes left over after %d %s", r.end-r.pos, count, what)
	}
	return nil
}

var magic = [4]byte{0x00, 'a', 's', 'm'}

// parse decodes the header, the section framing, the import section and the
// memory section of b, and checks section order.
func parse(b []byte) (*module, error) {
	h := &reader{b: b, end: len(b), section: "header"}
	if len(b) < 8 {
		return nil, h.errAt(ErrMalformed, 0, "truncated header: %d bytes, want 8", len(b))
	}
	if [4]byte(b[:4]) != magic {
		return nil, h.errAt(ErrMalformed, 0, "bad magic % x, want 00 61 73 6d", b[:4])
	}
	if v := [4]byte(b[4:8]); v != [4]byte{1, 0, 0, 0} {
		if v[2] != 0 || v[3] != 0 {
			return nil, h.errAt(ErrUnsupported, 4, "unsupported version/layer % x (a component, not a core module?)", b[4:8])
		}
		return nil, h.errAt(ErrUnsupported, 4, "unsupported version %d", uint16(v[0])|uint16(v[1])<<8)
	}
	m := &module{}
	lastRank := 0
	for pos := 8; pos < len(b); {
		start := pos
		id := b[pos]
		if int(id) >= len(sectionNames) {
			h.section = fmt.Sprintf("unknown (id %d)", id)
			return nil, h.errAt(ErrUnsupported, start, "unknown section id %d", id)
		}
		r := &reader{b: b, pos: pos + 1, end: len(b), section: sectionNames[id]}
		size, err := r.u32("section size")
		if err != nil {
			return nil, err
		}
		s := span{id: id, start: start, sizeLen: r.pos - start - 1, body: r.pos}
		if uint64(size) > uint64(len(b)-s.body) {
			return nil, r.errAt(ErrMalformed, start, "section size %d runs past end of module (%d bytes left)", size, len(b)-s.body)
		}
		s.end = s.body + int(size)
		r.end = s.end
		if id != secCustom {
			rank := sectionRank[id]
			if rank <= lastRank {
				return nil, r.errAt(ErrMalformed, start, "%s section duplicated or out of order", sectionNames[id])
			}
			lastRank = rank
		}
		switch id {
		case secCustom:
			_, err = r.name("custom section name", "custom section name length")
		case secImport:
			m.secs = append(m.secs, s)
			err = m.imports(r, len(m.secs)-1)
		case secMemory:
			m.secs = append(m.secs, s)
			err = m.memories(r, len(m.secs)-1)
		}
		if err != nil {
			return nil, err
		}
		pos = s.end
	}
	return m, nil
}

// Inspect decodes module's memory declarations, imports first, in index
// order. It fails on the same inputs Share fails on, except for limits Share
// cannot give a maximum (see Options).
func Inspect(module []byte) ([]Memory, error) {
	m, err := parse(module)
	if err != nil {
		return nil, err
	}
	mems := make([]Memory, len(m.mems))
	for i, d := range m.mems {
		mems[i] = d.Memory
	}
	return mems, nil
}
