package wasmrewrite

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var errText = regexp.MustCompile(`^wasmrewrite: .* at offset 0x[0-9a-f]+: `)

func TestShare(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Options{MaxPages: tc.maxPages}.Share(tc.in)
			if tc.err != nil {
				if err == nil {
					t.Fatalf("Share succeeded, want error %q", tc.errSub)
				}
				var fe *FormatError
				if !errors.Is(err, tc.err) || !errors.As(err, &fe) {
					t.Fatalf("error %v (%T) is not a *FormatError wrapping %v", err, err, tc.err)
				}
				if !strings.Contains(err.Error(), tc.errSub) || !errText.MatchString(err.Error()) {
					t.Errorf("error %q: want it to contain %q and match %v", err, tc.errSub, errText)
				}
				if fe.Offset < 0 || fe.Offset > len(tc.in) {
					t.Errorf("offset %d outside the %d-byte input", fe.Offset, len(tc.in))
				}
				if res.Module != nil || res.Changed {
					t.Errorf("failed Share returned a module")
				}
				return
			}
			noErr(t, err, "Share")
			equal(t, res.Module, tc.want, "output")
			equal(t, res.Changed, !bytes.Equal(tc.in, tc.want), "Changed")
			var idx []uint32
			for _, c := range res.Memories {
				idx = append(idx, c.Memory.Index)
				if !c.New.Shared || !c.New.HasMax || c.New.Min != c.Memory.Limits.Min {
					t.Errorf("memory %d: %v -> %v", c.Memory.Index, c.Memory.Limits, c.New)
				}
				equal(t, tc.in[c.Memory.Offset], c.Memory.Limits.Flags(), "byte at Offset of memory %d", c.Memory.Index)
			}
			equal(t, idx, tc.changed, "changed memories")
			if !res.Changed && len(tc.in) > 0 && &tc.in[0] != &res.Module[0] {
				t.Errorf("unchanged input was copied, want it returned as is")
			}

			mems, err := Inspect(res.Module)
			noErr(t, err, "Inspect(output)")
			for _, m := range mems {
				if !m.Limits.Shared || !m.Limits.HasMax || res.Module[m.Offset] != 0x03 {
					t.Errorf("output memory %d: %v, flags byte %#x", m.Index, m.Limits, res.Module[m.Offset])
				}
			}

			again, err := Options{MaxPages: tc.maxPages}.Share(res.Module)
			noErr(t, err, "second Share")
			if again.Changed || len(again.Memories) != 0 {
				t.Errorf("second Share changed %v", again.Memories)
			}
		})
	}
}

func TestShareReportsChanges(t *testing.T) {
	in := mod(sec(2, vec(
		imp("env", "f", importFunc, leb(0)),
		memImp("env", "memory", lim(0, 17)),
		memImp("js", "mem2", lim(3, 1, 2)),
	)), sec(5, vec(lim(1, 480, 65536))))
	res, err := Share(in)
	noErr(t, err, "Share")
	// The first memory's flags byte follows the header (8), the section id
	// and size (2), the count (1), env.f (4+2+1+1) and env.memory's names and
	// kind (4+7+1).
	want := []MemoryChange{
		{Memory: Memory{Index: 0, Imported: true, Module: "env", Name: "memory", Offset: 31, Limits: Limits{Min: 17}},
			New: Limits{Min: 17, Max: 65536, HasMax: true, Shared: true}},
		// Memory 2 ends the module: flags, min (2 bytes), max (3 bytes).
		{Memory: Memory{Index: 2, Offset: len(in) - 6, Limits: Limits{Min: 480, Max: 65536, HasMax: true}},
			New: Limits{Min: 480, Max: 65536, HasMax: true, Shared: true}},
	}
	equal(t, res.Memories, want, "Memories")
	equal(t, in[31], 0x00, "flags of memory 0")
	equal(t, in[len(in)-6], 0x01, "flags of memory 2")
	equal(t, want[1].New.Flags(), 0x03, "new flags")
}

func TestInspect(t *testing.T) {
	in := mod(sec(2, vec(memImp("a", "m", lim(0, 1)), imp("x", "f", importFunc, leb(0)), memImp("b", "n", lim(3, 1, 2)))),
		sec(5, vec(lim(1, 1, 2), lim(0, 0))))
	mems, err := Inspect(in)
	noErr(t, err, "Inspect")
	want := []Memory{
		{Index: 0, Imported: true, Module: "a", Name: "m", Offset: 16, Limits: Limits{Min: 1}},
		{Index: 1, Imported: true, Module: "b", Name: "n", Offset: 29, Limits: Limits{Min: 1, Max: 2, HasMax: true, Shared: true}},
		{Index: 2, Offset: 35, Limits: Limits{Min: 1, Max: 2, HasMax: true}},
		{Index: 3, Offset: 38, Limits: Limits{}},
	}
	equal(t, mems, want, "memories")
	for _, m := range mems {
		equal(t, in[m.Offset], m.Limits.Flags(), "flags byte of memory %d", m.Index)
	}

	mems, err = Inspect(mod(typeSec))
	noErr(t, err, "Inspect")
	equal(t, len(mems), 0, "memories of a module without any")

	for _, tc := range cases() {
		if tc.err == nil {
			continue
		}
		_, err := Inspect(tc.in)
		if tc.name == "min-above-maxpages" {
			noErr(t, err, "Inspect needs no room for a maximum")
			continue
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: Inspect error %v, want %v", tc.name, err, tc.err)
		}
	}
}

func TestErrorText(t *testing.T) {
	// The kind byte follows the header (8), id, size, count, "env" (4) and
	// "" (1): offset 16.
	in := mod(sec(2, leb(1), str("env"), str(""), []byte{0x7f}, vec(cat(str("memory"), []byte{importMemory}, lim(0, 1)))))
	_, err := Share(in)
	equal(t, err.Error(), "wasmrewrite: import section at offset 0x10: unsupported import kind 0x7f (compact import encoding) in import 0", "error text")
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("%T is not a *FormatError", err)
	}
	equal(t, *fe, FormatError{Offset: 16, Section: "import", Reason: "unsupported import kind 0x7f (compact import encoding) in import 0", Kind: ErrUnsupported}, "FormatError")
	if errors.Is(err, ErrMalformed) {
		t.Errorf("unsupported error also matches ErrMalformed")
	}

	_, err = Share([]byte("\x00asm"))
	equal(t, err.Error(), "wasmrewrite: module header at offset 0x0: truncated header: 4 bytes, want 8", "error text")
}

func TestOptions(t *testing.T) {
	in := mod(sec(5, vec(lim(0, 1))))
	def, err := Share(in)
	noErr(t, err, "Share")
	explicit, err := Options{MaxPages: 65536}.Share(in)
	noErr(t, err, "Share")
	equal(t, explicit, def, "MaxPages 65536 is the default")

	small, err := Options{MaxPages: 2}.Share(in)
	noErr(t, err, "Share")
	equal(t, small.Module, mod(sec(5, vec(lim(3, 1, 2)))), "MaxPages 2")

	_, err = Options{MaxPages: 65537}.Share(in)
	if err == nil || !strings.Contains(err.Error(), "MaxPages 65537 exceeds 65536") {
		t.Errorf("MaxPages 65537: error %v", err)
	}
}

func TestAppendSize(t *testing.T) {
	for _, tc := range []struct {
		v     uint32
		width int
		want  []byte
	}{
		{0, 1, []byte{0x00}},
		{127, 1, []byte{0x7f}},
		{128, 1, []byte{0x80, 0x01}},
		{128, 2, []byte{0x80, 0x01}},
		{3, 5, []byte{0x83, 0x80, 0x80, 0x80, 0x00}},
		{1 << 14, 2, []byte{0x80, 0x80, 0x01}},
		{0xffffffff, 1, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		equal(t, appendSize(nil, tc.v, tc.width), tc.want, "%d in %d bytes", tc.v, tc.width)
	}
}

// pyodideHeap is the limits of Pyodide 314's heap once shared.
var pyodideHeap = Limits{Min: 480, Max: 65536, HasMax: true, Shared: true}

func TestCheckLink(t *testing.T) {
	for _, tc := range []struct {
		imported Limits
		ok       bool
	}{
		{Limits{Min: 1, Max: 65536, HasMax: true, Shared: true}, true},
		{Limits{Min: 480, Max: 65536, HasMax: true, Shared: true}, true},
		{Limits{Min: 481, Max: 65536, HasMax: true, Shared: true}, false},
		{Limits{Min: 1, Max: 65535, HasMax: true, Shared: true}, false},
		{Limits{Min: 1, Max: 65536, HasMax: true}, false},
		{Limits{Min: 1}, false},
	} {
		err := CheckLink(tc.imported, pyodideHeap)
		equal(t, err == nil, tc.ok, "CheckLink(%v, Pyodide): %v", tc.imported, err)
	}
	equal(t, CheckLink(Limits{Min: 1}, Limits{Min: 2}), nil, "unshared import without max")
	if CheckLink(Limits{Min: 1, Max: 3, HasMax: true}, Limits{Min: 2}) == nil {
		t.Errorf("import with max linked against memory without one")
	}
}
