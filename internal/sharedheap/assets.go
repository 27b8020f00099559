package sharedheap

import (
	"embed"
	"io/fs"
)

//go:embed assets/sharedheap.js assets/worker.js assets/sabkit.mjs assets/sabkit.d.ts assets/package.json
var assets embed.FS

// Script is assets/sharedheap.js: the rewriter, the hooks, the shims and
// the Pyodide loader under globalThis.sabkitSharedHeap. It is a plain
// script: serve it for a <script> tag or importScripts, or evaluate it.
var Script = mustRead("assets/sharedheap.js")

// WorkerScript is assets/worker.js, the worker protocol: the client
// (globalThis.sabkitWorker) and, in a worker it started, the server. The
// worker loads sharedheap.js from next to worker.js unless sabkitSharedHeap
// is already defined, so it can be served beside it or run as Script
// followed by WorkerScript in one Blob or Node eval.
var WorkerScript = mustRead("assets/worker.js")

// Assets returns the scripts as a file system, with sharedheap.js and
// worker.js at its root, for serving under one URL prefix such as
// "/sharedheap/" (http.FileServerFS(sharedheap.Assets())).
func Assets() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded directory exists by construction
	}
	return sub
}

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}
