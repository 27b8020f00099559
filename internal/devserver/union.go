//go:build !js

package devserver

import (
	"errors"
	"io/fs"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/internal/sharedheap"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// Union is one file system made of several: a name opens in the first that
// has it. Directories are not merged: it serves files by exact name.
func Union(fss ...fs.FS) fs.FS { return union(fss) }

type union []fs.FS

func (u union) Open(name string) (fs.File, error) {
	for _, f := range u {
		file, err := f.Open(name)
		if err == nil {
			return file, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// SabkitFiles is what sabkit serves under /sabkit/ (atomicsx.JSPrefix):
// sabkit.mjs and the scripts and Python modules it loads from next to
// itself, and the protocols in JavaScript.
func SabkitFiles() fs.FS {
	return Union(sharedheap.Assets(), pyodidebridge.PythonFiles, atomicsx.JSModule)
}

// SabkitFileNames lists the files of SabkitFiles, for copying them (a
// Union lists no directories). With package.json the folder is an npm
// package: its "files" list the others.
var SabkitFileNames = []string{"sabkit.mjs", "sabkit.d.ts", "sharedheap.js", "worker.js", "sabkit_bridge.py", "sabkit_atomics.py",
	"sabkit-atomics.mjs", "sabkit-atomics.js", "package.json"}
