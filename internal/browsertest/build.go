//go:build !js

package browsertest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sabkit/sabkit/internal/devserver"
)

// buildTestBinary compiles the js/wasm test binary of the package in dir
// into outDir and returns its path.
func buildTestBinary(dir, outDir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(outDir, filepath.Base(abs)+".test.wasm")
	cmd := exec.Command(devserver.GoCommand(), "test", "-c", "-o", path, ".")
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("browsertest: GOOS=js GOARCH=wasm go test -c in %s: %v\n%s", abs, err, out.String())
	}
	if !fileExists(path) {
		return "", fmt.Errorf("browsertest: the package in %s has no test files for js/wasm", abs)
	}
	recordInputs(abs)
	return path, nil
}

// recordInputs stats every non-standard-library source file the wasm binary
// was built from. go test caches a passing host test by the files the test
// process itself opened or stat'ed; the build ran in a child process, so
// without this an edit to the wasm code would replay a stale "ok".
func recordInputs(dir string) {
	const format = `{{if not .Standard}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}{{range .TestGoFiles}}|{{.}}{{end}}` +
		`{{range .XTestGoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}{{end}}`
	cmd := exec.Command(devserver.GoCommand(), "list", "-deps", "-test", "-f", format, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		return // the build succeeded, so the cache is the only loss
	}
	for _, line := range strings.Split(string(out), "\n") {
		parts := strings.Split(line, "|")
		for _, f := range parts[1:] {
			os.Stat(filepath.Join(parts[0], f))
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
