package wasmrewrite

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
)

// A tiny WebAssembly encoder for hand-built test modules.

var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func leb(v uint32) []byte { return appendLEB(nil, v) }

// lebPad encodes v in exactly width bytes.
func lebPad(v uint32, width int) []byte {
	b := make([]byte, width)
	for i := range b {
		b[i] = byte(v&0x7f) | 0x80
		v >>= 7
	}
	b[width-1] &^= 0x80
	return b
}

func str(s string) []byte { return cat(leb(uint32(len(s))), []byte(s)) }

// vec encodes a count followed by the items.
func vec(items ...[]byte) []byte { return cat(leb(uint32(len(items))), cat(items...)) }

// sec encodes a section with a minimal size.
func sec(id byte, body ...[]byte) []byte {
	b := cat(body...)
	return cat([]byte{id}, leb(uint32(len(b))), b)
}

// secPad encodes a section with its size padded to width bytes.
func secPad(id byte, width int, body ...[]byte) []byte {
	b := cat(body...)
	return cat([]byte{id}, lebPad(uint32(len(b)), width), b)
}

func mod(sections ...[]byte) []byte { return cat(header, cat(sections...)) }

func lim(flags byte, vals ...uint32) []byte {
	b := []byte{flags}
	for _, v := range vals {
		b = append(b, leb(v)...)
	}
	return b
}

func imp(module, name string, kind byte, desc ...[]byte) []byte {
	return cat(str(module), str(name), []byte{kind}, cat(desc...))
}

func memImp(module, name string, l []byte) []byte { return imp(module, name, importMemory, l) }

func custom(name string, payload ...byte) []byte { return sec(secCustom, str(name), payload) }

const (
	tI32     = 0x7f
	tI64     = 0x7e
	tFuncref = 0x70
	tExtern  = 0x6f
)

// typeSec declares one function type () -> ().
var typeSec = sec(1, vec([]byte{0x60, 0x00, 0x00}))

// padName returns a name of n bytes.
func padName(n int) string { return string(bytes.Repeat([]byte{'x'}, n)) }

// Independent decoder used by the fuzz oracle and the tests: it splits
// sections and import entries without using the package's parser.

type rawSection struct {
	id   byte
	body []byte
	raw  []byte // id, size and body
}

type rawImport struct {
	module, name string
	kind         byte
	desc         []byte // raw descriptor bytes, limits included
	limits       *Limits
}

type dec struct {
	b   []byte
	off int
}

func (d *dec) next() byte {
	if d.off >= len(d.b) {
		panic(fmt.Errorf("decode: out of bytes at %d", d.off))
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *dec) uleb(maxBytes int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := d.next()
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v
		}
	}
	panic(fmt.Errorf("decode: LEB128 too long at %d", d.off))
}

func (d *dec) bytes(n int) []byte {
	if n < 0 || d.off+n > len(d.b) {
		panic(fmt.Errorf("decode: %d bytes past end at %d", n, d.off))
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	return b
}

// decodeSections splits a module into sections; it panics on bad input.
func decodeSections(m []byte) (secs []rawSection, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if !bytes.Equal(m[:min(8, len(m))], header) {
		return nil, fmt.Errorf("bad header")
	}
	d := &dec{b: m, off: 8}
	for d.off < len(m) {
		start := d.off
		id := d.next()
		n := d.uleb(5)
		body := d.bytes(int(n))
		secs = append(secs, rawSection{id, body, m[start:d.off]})
	}
	return secs, nil
}

func (d *dec) valType() {
	c := d.next()
	if c == 0x63 || c == 0x64 {
		// heap type: s33, a single byte when negative
		for d.next() >= 0x80 {
		}
	}
}

func (d *dec) limits(wide bool) Limits {
	f := d.next()
	width := 5
	if wide {
		width = 10
	}
	l := Limits{Min: uint32(d.uleb(width)), HasMax: f&1 != 0, Shared: f&2 != 0}
	if l.HasMax {
		l.Max = uint32(d.uleb(width))
	}
	return l
}

// decodeImports splits an import section body into entries.
func decodeImports(body []byte) (imps []rawImport, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	d := &dec{b: body}
	n := d.uleb(5)
	for range n {
		var im rawImport
		im.module = string(d.bytes(int(d.uleb(5))))
		im.name = string(d.bytes(int(d.uleb(5))))
		im.kind = d.next()
		start := d.off
		switch im.kind {
		case 0:
			d.uleb(5)
		case 1:
			d.valType()
			f := d.b[d.off]
			d.limits(f&4 != 0)
		case 2:
			l := d.limits(false)
			im.limits = &l
		case 3:
			d.valType()
			d.next()
		case 4:
			d.next()
			d.uleb(5)
		default:
			panic(fmt.Errorf("import kind %d", im.kind))
		}
		im.desc = body[start:d.off]
		imps = append(imps, im)
	}
	if d.off != len(body) {
		return nil, fmt.Errorf("%d trailing bytes in import section", len(body)-d.off)
	}
	return imps, nil
}

// decodeMemories decodes a memory section body.
func decodeMemories(body []byte) (ls []Limits, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	d := &dec{b: body}
	n := d.uleb(5)
	for range n {
		ls = append(ls, d.limits(false))
	}
	if d.off != len(body) {
		return nil, fmt.Errorf("%d trailing bytes in memory section", len(body)-d.off)
	}
	return ls, nil
}

// Assertion helpers. Tests use the standard library only: testify's yaml
// dependency is not in this module's go.sum.

func equal[T any](t testing.TB, got, want T, format string, args ...any) bool {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return true
	}
	if gb, ok := any(got).([]byte); ok {
		t.Errorf("%s:\n got % x\nwant % x", fmt.Sprintf(format, args...), gb, any(want).([]byte))
	} else {
		t.Errorf("%s:\n got %+v\nwant %+v", fmt.Sprintf(format, args...), got, want)
	}
	return false
}

func noErr(t testing.TB, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
