//go:build !js

package browsertest

import _ "embed"

var (
	//go:embed assets/index.html
	indexHTML []byte
	//go:embed assets/runner.js
	runnerJS []byte
	//go:embed assets/memfs.js
	memfsJS []byte
)
