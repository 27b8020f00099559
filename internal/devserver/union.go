//go:build !js

package devserver

import (
	"errors"
	"io/fs"
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
