//go:build !js

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sabkit/sabkit/internal/devserver"
)

// TestVendor writes the folder with sabkit vendor, installs it with npm into
// a new project (from the folder: no registry) and imports it from Node.
func TestVendor(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skipf("installing the vendored package needs npm on PATH: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "sabkit-js")
	var out bytes.Buffer
	require.Equal(t, 0, runVendorTo(&out, []string{"-o", dir}), "sabkit vendor")
	t.Log(out.String())
	for _, name := range devserver.SabkitFileNames {
		assert.FileExists(t, filepath.Join(dir, name))
	}

	// testdata/vendor/check.mjs imports the installed package under both of
	// its names and passes one frame through the protocols module.
	check, err := os.ReadFile(filepath.Join("testdata", "vendor", "check.mjs"))
	require.NoError(t, err)
	app := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(app, "package.json"), []byte(`{"name": "app", "private": true, "type": "module"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(app, "check.mjs"), check, 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--offline", "--no-audit", "--no-fund", dir)
	install.Dir = app
	b, err := install.CombinedOutput()
	require.NoError(t, err, "npm install %s: %s", dir, b)
	run := exec.CommandContext(ctx, "node", "check.mjs")
	run.Dir = app
	b, err = run.CombinedOutput()
	require.NoError(t, err, "node check.mjs: %s", b)
	got := strings.TrimSpace(string(b))
	t.Log(got)
	assert.Contains(t, got, `"startWorker"`, "sabkit exports startWorker")
	assert.Contains(t, got, `"CanceledError"`)
	assert.Contains(t, got, `"frame":[1,2,3]`, "sabkit/atomics carries a frame")

	// A second run replaces the folder; a folder of the user's is refused.
	require.Equal(t, 0, runVendorTo(&out, []string{"-o", dir}), "sabkit vendor into the folder it wrote")
	mine := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("mine"), 0o644))
	_, err = vendorJS(mine)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sabkit vendor did not write it")
	assert.FileExists(t, filepath.Join(mine, "notes.txt"))
}
