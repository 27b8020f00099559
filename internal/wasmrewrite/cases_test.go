package wasmrewrite

// tcase is one hand-built module and what Share must do with it. The same
// list feeds the table tests, the Node checks, the committed vectors and the
// fuzz seed corpus.
type tcase struct {
	name     string
	in       []byte
	maxPages uint32 // Options.MaxPages; 0 for the default
	want     []byte // expected output; nil when an error is expected
	changed  []uint32
	err      error  // ErrMalformed or ErrUnsupported
	errSub   string // expected substring of the error message
	node     bool   // the output must compile and instantiate in Node 20
}

func okCase(name string, in, want []byte, changed ...uint32) tcase {
	return tcase{name: name, in: in, want: want, changed: changed, node: true}
}

func errCase(name string, in []byte, kind error, sub string) tcase {
	return tcase{name: name, in: in, err: kind, errSub: sub}
}

// code declares function 0 with an empty body; data writes "hi" at 0 of
// memory 0.
var (
	funcSec  = sec(3, vec(leb(0)))
	codeSec  = sec(10, vec(cat(leb(2), []byte{0x00, 0x0b})))
	dataCnt  = sec(12, leb(1))
	dataSec  = sec(11, vec(cat([]byte{0x00, 0x41, 0x00, 0x0b}, str("hi"))))
	exportFM = sec(7, vec(cat(str("f"), []byte{0x00}, leb(0)), cat(str("mem"), []byte{0x02}, leb(0))))
)

func mixedImports(memLimits []byte) []byte {
	return sec(2, vec(
		imp("env", "f", importFunc, leb(0)),
		imp("env", "table", importTable, []byte{tFuncref}, lim(0, 1)),
		imp("env", "g", importGlobal, []byte{tI32, 0}),
		imp("env", "mg", importGlobal, []byte{tI64, 1}),
		memImp("env", "memory", memLimits),
		imp("env", "ext", importTable, []byte{tExtern}, lim(1, 0, 10)),
		imp("env", "tag", importTag, []byte{0}, leb(0)),
	))
}

// proposalImports uses encodings Node 20 does not enable by default: typed
// references, table64.
func proposalImports(memLimits []byte) []byte {
	return sec(2, vec(
		imp("env", "t1", importTable, []byte{0x64, 0x70}, lim(0, 1)),
		imp("env", "t2", importTable, []byte{0x63, 0x00}, lim(0, 1)),
		imp("env", "t3", importTable, []byte{0x63, 0x80, 0x00}, lim(0, 1)), // non-minimal type index
		imp("env", "g1", importGlobal, []byte{0x63, 0x00, 0x00}),
		imp("env", "g2", importGlobal, []byte{0x6e, 0x01}),
		imp("env", "t64", importTable, []byte{tFuncref, 0x05}, leb(1), []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
		memImp("env", "memory", memLimits),
	))
}

func cases() []tcase {
	big := padName(116) // import section body of 125 bytes with lim(0, 1)
	big2 := padName(118)
	cs := []tcase{
		okCase("defined-flags0",
			mod(typeSec, funcSec, sec(5, vec(lim(0, 1))), exportFM, dataCnt, codeSec, dataSec),
			mod(typeSec, funcSec, sec(5, vec(lim(3, 1, 65536))), exportFM, dataCnt, codeSec, dataSec), 0),
		okCase("defined-flags1",
			mod(typeSec, funcSec, sec(5, vec(lim(1, 2, 100))), exportFM, codeSec, custom("name", 1, 2, 3)),
			mod(typeSec, funcSec, sec(5, vec(lim(3, 2, 100))), exportFM, codeSec, custom("name", 1, 2, 3)), 0),
		okCase("defined-flags2",
			mod(sec(5, vec(lim(2, 5)))),
			mod(sec(5, vec(lim(3, 5, 65536)))), 0),
		okCase("defined-shared",
			mod(typeSec, funcSec, sec(5, vec(lim(3, 1, 10))), exportFM, codeSec),
			mod(typeSec, funcSec, sec(5, vec(lim(3, 1, 10))), exportFM, codeSec)),
		okCase("defined-padded-size",
			mod(custom("a"), secPad(5, 5, vec(lim(1, 480, 65536))), custom("b", 9)),
			mod(custom("a"), secPad(5, 5, vec(lim(3, 480, 65536))), custom("b", 9)), 0),
		okCase("defined-padded-size-grows",
			mod(secPad(5, 3, vec(lim(0, 480)))),
			mod(secPad(5, 3, vec(lim(3, 480, 65536)))), 0),
		okCase("defined-nonminimal-min",
			mod(sec(5, leb(1), []byte{0x01, 0x81, 0x80, 0x00, 0x82, 0x00})),
			mod(sec(5, leb(1), []byte{0x03, 0x81, 0x80, 0x00, 0x82, 0x00})), 0),
		okCase("import-no-max",
			mod(sec(2, vec(memImp("env", "memory", lim(0, 1))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 1, 65536))))), 0),
		okCase("import-with-max",
			mod(sec(2, vec(memImp("env", "memory", lim(1, 256, 65536))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 256, 65536))))), 0),
		okCase("import-with-smaller-max",
			mod(sec(2, vec(memImp("env", "memory", lim(1, 1, 1000))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 1, 1000))))), 0),
		okCase("import-shared-no-max",
			mod(sec(2, vec(memImp("env", "memory", lim(2, 1))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 1, 65536))))), 0),
		okCase("import-shared",
			mod(sec(2, vec(memImp("env", "memory", lim(3, 480, 65536))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 480, 65536)))))),
		okCase("import-shared-min-481",
			mod(sec(2, vec(memImp("env", "memory", lim(3, 481, 65536))))),
			mod(sec(2, vec(memImp("env", "memory", lim(3, 481, 65536)))))),
		okCase("import-size-125-to-128",
			mod(typeSec, sec(2, vec(memImp("env", big, lim(0, 1)))), custom("after")),
			mod(typeSec, sec(2, vec(memImp("env", big, lim(3, 1, 65536)))), custom("after")), 0),
		{name: "import-size-127-to-128", maxPages: 100, node: true, changed: []uint32{0},
			in:   mod(typeSec, sec(2, vec(memImp("env", big2, lim(0, 1)))), custom("after")),
			want: mod(typeSec, sec(2, vec(memImp("env", big2, lim(3, 1, 100)))), custom("after"))},
		okCase("import-padded-size-grows",
			mod(secPad(2, 2, vec(memImp("env", "memory", lim(0, 1))))),
			mod(secPad(2, 2, vec(memImp("env", "memory", lim(3, 1, 65536))))), 0),
		okCase("imports-mixed",
			mod(typeSec, mixedImports(lim(0, 1)), funcSec, exportF, dataCnt, codeSec, dataSec, custom("name")),
			mod(typeSec, mixedImports(lim(3, 1, 65536)), funcSec, exportF, dataCnt, codeSec, dataSec, custom("name")), 0),
		{name: "imports-proposals", changed: []uint32{0},
			in:   mod(typeSec, proposalImports(lim(1, 0, 2))),
			want: mod(typeSec, proposalImports(lim(3, 0, 2)))},
		{name: "multi-memory", changed: []uint32{0, 2, 3},
			in: mod(sec(2, vec(memImp("a", "m", lim(0, 1)), memImp("b", "m", lim(3, 1, 2)))),
				sec(5, vec(lim(1, 1, 2), lim(0, 0), lim(3, 0, 1)))),
			want: mod(sec(2, vec(memImp("a", "m", lim(3, 1, 65536)), memImp("b", "m", lim(3, 1, 2)))),
				sec(5, vec(lim(3, 1, 2), lim(3, 0, 65536), lim(3, 0, 1))))},
		okCase("no-memory",
			mod(typeSec, sec(2, vec(imp("env", "f", importFunc, leb(0)))), funcSec, codeSec),
			mod(typeSec, sec(2, vec(imp("env", "f", importFunc, leb(0)))), funcSec, codeSec)),
		okCase("header-only", mod(), mod()),

		errCase("empty", nil, ErrMalformed, "truncated header"),
		errCase("bad-magic", []byte("\x00asn\x01\x00\x00\x00"), ErrMalformed, "bad magic"),
		errCase("bad-version", []byte("\x00asm\x02\x00\x00\x00"), ErrUnsupported, "unsupported version 2"),
		errCase("component", []byte("\x00asm\x0d\x00\x01\x00"), ErrUnsupported, "component"),
		errCase("truncated-section-header", cat(header, []byte{5}), ErrMalformed, "truncated section size"),
		errCase("section-past-end", cat(header, []byte{5, 10, 1, 0}), ErrMalformed, "section size 10 runs past end of module"),
		errCase("truncated-code-section", mod(typeSec, funcSec, codeSec[:len(codeSec)-1]), ErrMalformed, "code section at offset"),
		errCase("leb-overlong", cat(header, []byte{5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), ErrMalformed, "longer than 5 bytes"),
		errCase("leb-overflow", cat(header, []byte{5, 0xff, 0xff, 0xff, 0xff, 0x7f}), ErrMalformed, "overflows 32 bits"),
		errCase("memory-min-leb-overflow", mod(sec(5, leb(1), []byte{0x00, 0xff, 0xff, 0xff, 0xff, 0x1f})), ErrMalformed, "memory min: LEB128 value overflows 32 bits"),
		errCase("import-truncated", mod(sec(2, leb(2), memImp("env", "memory", lim(0, 1)))), ErrMalformed, "truncated module name length: LEB128 runs past end in import 1"),
		errCase("import-truncated-limits", mod(sec(2, leb(1), str("env"), str("memory"), []byte{importMemory, 0x01, 0x01})), ErrMalformed, "truncated memory max: LEB128 runs past end in import 0"),
		errCase("import-name-past-end", mod(sec(2, leb(1), leb(50), []byte("env"))), ErrMalformed, "module name length 50 runs past end of section (3 bytes left) in import 0"),
		errCase("import-bad-utf8", mod(sec(2, vec(imp("\xff", "f", importFunc, leb(0))))), ErrMalformed, "not valid UTF-8"),
		errCase("import-unknown-kind", mod(sec(2, vec(imp("env", "x", 0x05, leb(0))))), ErrUnsupported, "unknown import kind 0x05 in import 0"),
		errCase("import-compact-7f", mod(sec(2, leb(1), str("env"), str(""), []byte{0x7f}, vec(cat(str("memory"), []byte{importMemory}, lim(0, 1))))),
			ErrUnsupported, "compact import encoding"),
		errCase("import-compact-7e", mod(sec(2, leb(1), str("env"), str(""), []byte{0x7e, importMemory}, lim(0, 1), vec(str("a"), str("b")))),
			ErrUnsupported, "compact import encoding"),
		errCase("import-table-bad-reftype", mod(sec(2, vec(imp("env", "t", importTable, []byte{tI32}, lim(0, 1))))), ErrUnsupported, "unsupported table element type 0x7f"),
		errCase("import-global-bad-mut", mod(sec(2, vec(imp("env", "g", importGlobal, []byte{tI32, 2})))), ErrUnsupported, "unsupported global mutability 0x02"),
		errCase("import-trailing", mod(sec(2, vec(imp("env", "f", importFunc, leb(0))), []byte{0})), ErrMalformed, "1 bytes left over after 1 imports"),
		errCase("import-memory64", mod(sec(2, vec(memImp("env", "memory", lim(0x05, 1, 2))))), ErrUnsupported, "memory64"),
		errCase("memory64", mod(sec(5, vec(lim(0x04, 1)))), ErrUnsupported, "memory64"),
		errCase("memory-page-size", mod(sec(5, vec(lim(0x08, 1), []byte{0}))), ErrUnsupported, "custom page size"),
		errCase("memory-flags-0x10", mod(sec(5, vec(lim(0x10, 1)))), ErrUnsupported, "unsupported memory limits flags 0x10"),
		errCase("memory-trailing", mod(sec(5, vec(lim(0, 1)), []byte{0})), ErrMalformed, "1 bytes left over after 1 memories"),
		errCase("memory-truncated", mod(sec(5, leb(1), []byte{0x01, 0x01})), ErrMalformed, "truncated memory max"),
		errCase("memory-min-gt-max", mod(sec(5, vec(lim(1, 10, 5)))), ErrMalformed, "min 10 pages exceeds its max 5"),
		errCase("memory-min-too-big", mod(sec(5, vec(lim(0, 65537)))), ErrMalformed, "min 65537 pages exceeds 65536"),
		errCase("memory-max-too-big", mod(sec(5, vec(lim(1, 1, 65537)))), ErrMalformed, "max 65537 pages exceeds 65536"),
		{name: "min-above-maxpages", maxPages: 10, in: mod(sec(5, vec(lim(0, 20)))), err: ErrUnsupported, errSub: "min 20 pages exceeds the max 10 that would be added"},
		errCase("memory-duplicate", mod(sec(5, vec(lim(0, 1))), sec(5, vec(lim(0, 1)))), ErrMalformed, "memory section duplicated or out of order"),
		errCase("memory-before-import", mod(sec(5, vec(lim(0, 1))), sec(2, vec(memImp("env", "m", lim(0, 1))))), ErrMalformed, "import section duplicated or out of order"),
		errCase("tag-after-global", mod(sec(6, vec()), sec(13, vec())), ErrMalformed, "tag section duplicated or out of order"),
		errCase("unknown-section", mod(sec(14, nil)), ErrUnsupported, "unknown section id 14"),
		errCase("custom-empty", mod(sec(0, nil)), ErrMalformed, "truncated custom section name length"),
		errCase("custom-name-past-end", mod(sec(0, leb(10), []byte("ab"))), ErrMalformed, "custom section name length 10 runs past end of section"),
	}
	return cs
}

var exportF = sec(7, vec(cat(str("f"), []byte{0x00}, leb(1))))
