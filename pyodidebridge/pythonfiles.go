package pyodidebridge

import (
	"embed"
	"io/fs"
)

//go:embed assets/sabkit_bridge.py assets/sabkit_atomics.py
var pythonFiles embed.FS

// PythonFiles holds the Python half of the bridge (sabkit_bridge.py and
// sabkit_atomics.py) for sabkit.mjs, the JavaScript client of the same
// worker, which fetches them from next to itself: `sabkit serve` and
// `sabkit build` put them under /sabkit/. It builds on every platform so
// that a host server can embed it.
var PythonFiles fs.FS = func() fs.FS {
	sub, err := fs.Sub(pythonFiles, "assets")
	if err != nil {
		panic(err) // go:embed checked the folder
	}
	return sub
}()
