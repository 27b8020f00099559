package atomicsx

import (
	"embed"
	"io/fs"
)

//go:embed assets/sabkit-atomics.js assets/sabkit-atomics.mjs
var jsFiles embed.FS

// JSModule is the JavaScript implementation of the protocols, for a page's
// own JavaScript to read and write the regions Go and Python share:
// sabkit-atomics.mjs (an ES module exporting Mutex, Seqlock, FrameWriter,
// FrameReader, Ring and the word-count helpers) and sabkit-atomics.js (the
// same API as a classic script defining globalThis.AtomicsX, which the ES
// module imports, so serve both side by side). `sabkit serve` serves them
// under /sabkit/ (JSPrefix). It builds on every platform so that a host
// server can embed it.
var JSModule fs.FS = mustSub(jsFiles, "assets")

// JSPrefix is the URL path `sabkit serve` serves JSModule under.
const JSPrefix = "/sabkit/"

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a literal that go:embed has checked
	}
	return sub
}
