package wasmrewrite

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzShare checks Share against an independent decoder: no panic; on
// success the output decodes, every memory is shared with a maximum, and the
// output differs from the input only in memory limits.
func FuzzShare(f *testing.F) {
	for _, tc := range cases() {
		f.Add(tc.in, uint16(tc.maxPages))
	}
	f.Fuzz(func(t *testing.T, in []byte, mp uint16) {
		opts := Options{MaxPages: uint32(mp)}
		maxPages := opts.MaxPages
		if maxPages == 0 {
			maxPages = 65536
		}
		orig := bytes.Clone(in)
		res, err := opts.Share(in)
		if !bytes.Equal(in, orig) {
			t.Fatal("Share modified its input")
		}
		inMems, inErr := Inspect(in)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || !(errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnsupported)) {
				t.Fatalf("error %v (%T) is not a *FormatError wrapping a sentinel", err, err)
			}
			if fe.Offset < 0 || fe.Offset > len(in) {
				t.Fatalf("error offset %d outside the %d-byte input", fe.Offset, len(in))
			}
			// The one failure Inspect cannot see: no room for a maximum.
			if inErr == nil && !(errors.Is(err, ErrUnsupported) && strings.Contains(err.Error(), "that would be added")) {
				t.Fatalf("Share failed (%v) on a module Inspect accepts", err)
			}
			return
		}
		if inErr != nil {
			t.Fatalf("Share succeeded on a module Inspect rejects: %v", inErr)
		}
		out := res.Module
		if res.Changed == bytes.Equal(in, out) {
			t.Fatalf("Changed=%t, but output equal to input: %t", res.Changed, bytes.Equal(in, out))
		}
		if !res.Changed && len(in) > 0 && &in[0] != &out[0] {
			t.Fatal("unchanged input was copied")
		}

		outMems, err := Inspect(out)
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		if len(outMems) != len(inMems) {
			t.Fatalf("%d memories in, %d out", len(inMems), len(outMems))
		}
		nChanged := 0
		for i, o := range inMems {
			want := sharedLimits(o.Limits, maxPages)
			if want != o.Limits {
				nChanged++
			}
			n := outMems[i]
			if n.Limits != want || n.Imported != o.Imported || n.Module != o.Module || n.Name != o.Name {
				t.Fatalf("memory %d: %+v became %+v, want limits %v", i, o, n, want)
			}
		}
		if nChanged != len(res.Memories) {
			t.Fatalf("%d memories needed a change, Result lists %d", nChanged, len(res.Memories))
		}

		// Independent comparison of the sections.
		inSecs, err := decodeSections(in)
		if err != nil {
			t.Fatalf("test decoder rejects the input: %v", err)
		}
		outSecs, err := decodeSections(out)
		if err != nil {
			t.Fatalf("test decoder rejects the output: %v", err)
		}
		if len(inSecs) != len(outSecs) {
			t.Fatalf("%d sections in, %d out", len(inSecs), len(outSecs))
		}
		for i, is := range inSecs {
			outSec := outSecs[i]
			if is.id != outSec.id {
				t.Fatalf("section %d: id %d became %d", i, is.id, outSec.id)
			}
			switch is.id {
			case secImport:
				ii, err1 := decodeImports(is.body)
				oi, err2 := decodeImports(outSec.body)
				if err1 != nil || err2 != nil {
					t.Fatalf("test decoder: imports in: %v, out: %v", err1, err2)
				}
				if len(ii) != len(oi) {
					t.Fatalf("%d imports in, %d out", len(ii), len(oi))
				}
				for j := range ii {
					a, b := ii[j], oi[j]
					if a.module != b.module || a.name != b.name || a.kind != b.kind {
						t.Fatalf("import %d: %q.%q kind %d became %q.%q kind %d", j, a.module, a.name, a.kind, b.module, b.name, b.kind)
					}
					if a.kind != importMemory {
						if !bytes.Equal(a.desc, b.desc) {
							t.Fatalf("import %d: descriptor % x became % x", j, a.desc, b.desc)
						}
					} else if *b.limits != sharedLimits(*a.limits, maxPages) {
						t.Fatalf("memory import %d: %v became %v", j, *a.limits, *b.limits)
					}
				}
			case secMemory:
				il, err1 := decodeMemories(is.body)
				ol, err2 := decodeMemories(outSec.body)
				if err1 != nil || err2 != nil || len(il) != len(ol) {
					t.Fatalf("test decoder: memories in: %v %v, out: %v %v", il, err1, ol, err2)
				}
				for j := range il {
					if ol[j] != sharedLimits(il[j], maxPages) {
						t.Fatalf("memory %d: %v became %v", j, il[j], ol[j])
					}
				}
			default:
				if !bytes.Equal(is.raw, outSec.raw) {
					t.Fatalf("section %d (id %d) changed", i, is.id)
				}
			}
		}
	})
}

// sharedLimits is what Share must turn l into.
func sharedLimits(l Limits, maxPages uint32) Limits {
	if !l.HasMax {
		l.HasMax, l.Max = true, maxPages
	}
	l.Shared = true
	return l
}
