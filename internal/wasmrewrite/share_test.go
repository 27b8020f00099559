package wasmrewrite

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShare(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Options{MaxPages: tc.maxPages}.Share(tc.in)
			if tc.err != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.err)
				var fe *FormatError
				require.ErrorAs(t, err, &fe)
				assert.Contains(t, err.Error(), tc.errSub)
				assert.Regexp(t, `^wasmrewrite: .* at offset 0x[0-9a-f]+: `, err.Error())
				assert.GreaterOrEqual(t, fe.Offset, 0)
				assert.LessOrEqual(t, fe.Offset, len(tc.in))
				assert.Empty(t, res.Module)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Module)
			assert.Equal(t, !bytes.Equal(tc.in, tc.want), res.Changed)
			var idx []uint32
			for _, c := range res.Memories {
				idx = append(idx, c.Memory.Index)
				assert.True(t, c.New.Shared && c.New.HasMax, "memory %d: %v", c.Memory.Index, c.New)
				assert.Equal(t, c.Memory.Limits.Min, c.New.Min)
				assert.Equal(t, tc.in[c.Memory.Offset], c.Memory.Limits.Flags(), "Offset points at the flags byte")
			}
			assert.Equal(t, tc.changed, idx)
			if !res.Changed && len(tc.in) > 0 {
				assert.Same(t, &tc.in[0], &res.Module[0], "unchanged input is returned as is")
			}

			mems, err := Inspect(res.Module)
			require.NoError(t, err)
			for _, m := range mems {
				assert.True(t, m.Limits.Shared && m.Limits.HasMax, "output memory %d: %v", m.Index, m.Limits)
				assert.Equal(t, byte(0x03), res.Module[m.Offset])
			}

			again, err := Options{MaxPages: tc.maxPages}.Share(res.Module)
			require.NoError(t, err)
			assert.False(t, again.Changed, "second rewrite changes nothing")
			assert.Empty(t, again.Memories)
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
	require.NoError(t, err)
	// The first memory's flags byte follows count, two imports' names and
	// kinds: 8 header + 2 section header + 1 count + 4+2+1+1 func import +
	// 4+7+1 memory import names and kind.
	want := []MemoryChange{
		{Memory: Memory{Index: 0, Imported: true, Module: "env", Name: "memory", Offset: 31, Limits: Limits{Min: 17}},
			New: Limits{Min: 17, Max: 65536, HasMax: true, Shared: true}},
		{Memory: Memory{Index: 2, Offset: len(in) - 4, Limits: Limits{Min: 480, Max: 65536, HasMax: true}},
			New: Limits{Min: 480, Max: 65536, HasMax: true, Shared: true}},
	}
	assert.Equal(t, want, res.Memories)
	assert.Equal(t, byte(0x00), in[31])
	assert.Equal(t, byte(0x01), in[len(in)-4])
	assert.Equal(t, byte(0x01), want[0].Memory.Limits.Flags()|1)
	assert.Equal(t, byte(0x03), want[0].New.Flags())
}

func TestInspect(t *testing.T) {
	in := mod(sec(2, vec(memImp("a", "m", lim(0, 1)), imp("x", "f", importFunc, leb(0)), memImp("b", "n", lim(3, 1, 2)))),
		sec(5, vec(lim(1, 1, 2), lim(0, 0))))
	mems, err := Inspect(in)
	require.NoError(t, err)
	want := []Memory{
		{Index: 0, Imported: true, Module: "a", Name: "m", Offset: 16, Limits: Limits{Min: 1}},
		{Index: 1, Imported: true, Module: "b", Name: "n", Offset: 30, Limits: Limits{Min: 1, Max: 2, HasMax: true, Shared: true}},
		{Index: 2, Offset: 37, Limits: Limits{Min: 1, Max: 2, HasMax: true}},
		{Index: 3, Offset: 40, Limits: Limits{}},
	}
	assert.Equal(t, want, mems)
	for _, m := range mems {
		assert.Equal(t, m.Limits.Flags(), in[m.Offset])
	}

	mems, err = Inspect(mod(typeSec))
	require.NoError(t, err)
	assert.Empty(t, mems)

	for _, tc := range cases() {
		if tc.err == nil {
			continue
		}
		_, err := Inspect(tc.in)
		if tc.name == "min-above-maxpages" {
			assert.NoError(t, err, "only Share needs room for a maximum")
			continue
		}
		assert.ErrorIs(t, err, tc.err, tc.name)
	}
}

func TestErrorText(t *testing.T) {
	// kind byte: 8 header + id + size + count + "env" (4) + "" (1) = offset 16
	in := mod(sec(2, leb(1), str("env"), str(""), []byte{0x7f}, vec(cat(str("memory"), []byte{importMemory}, lim(0, 1)))))
	_, err := Share(in)
	assert.EqualError(t, err, "wasmrewrite: import section at offset 0x10: unsupported import kind 0x7f (compact import encoding) in import 0")
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, FormatError{Offset: 16, Section: "import", Reason: "unsupported import kind 0x7f (compact import encoding) in import 0", Kind: ErrUnsupported}, *fe)
	assert.False(t, errors.Is(err, ErrMalformed))

	_, err = Share([]byte("\x00asm"))
	assert.EqualError(t, err, "wasmrewrite: module header at offset 0x0: truncated header: 4 bytes, want 8")
}

func TestOptions(t *testing.T) {
	in := mod(sec(5, vec(lim(0, 1))))
	def, err := Share(in)
	require.NoError(t, err)
	explicit, err := Options{MaxPages: 65536}.Share(in)
	require.NoError(t, err)
	assert.Equal(t, def, explicit)

	small, err := Options{MaxPages: 2}.Share(in)
	require.NoError(t, err)
	assert.Equal(t, mod(sec(5, vec(lim(3, 1, 2)))), small.Module)

	_, err = Options{MaxPages: 65537}.Share(in)
	assert.ErrorContains(t, err, "MaxPages 65537 exceeds 65536")
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
		assert.Equal(t, tc.want, appendSize(nil, tc.v, tc.width), "%d in %d bytes", tc.v, tc.width)
	}
}

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
		assert.Equal(t, tc.ok, err == nil, "%v: %v", tc.imported, err)
	}
	assert.NoError(t, CheckLink(Limits{Min: 1}, Limits{Min: 2}))
	assert.Error(t, CheckLink(Limits{Min: 1, Max: 3, HasMax: true}, Limits{Min: 2}))
}
