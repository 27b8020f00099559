//go:build !js

// Package chromium finds the headless Chromium that sabkit's tests and host
// tools drive, and starts it through chromedp with the switches that work on
// a machine without a GPU or a network.
package chromium

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/chromedp/chromedp"
)

// EnvChromium names an environment variable that overrides the browser path.
const EnvChromium = "SABKIT_CHROMIUM"

// InstallHint is the command that installs the browser the harness expects.
const InstallHint = "apt-get update && apt-get install -y chromium"

// Candidates are the names Find looks for, in order; an absolute path is
// checked as is (exec.LookPath accepts it), a bare name on PATH.
var Candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Find returns the path of a Chromium binary: $SABKIT_CHROMIUM,
// /usr/bin/chromium, or chromium / chromium-browser / google-chrome on PATH.
// The error says how to install one.
func Find() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("chromium: %s=%q: %w; point it at a Chromium binary or unset it and run `%s`",
				EnvChromium, p, err, InstallHint)
		}
		return p, nil
	}
	for _, name := range Candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium: Chromium not found at /usr/bin/chromium or on PATH; install it with `" +
		InstallHint + "` or set " + EnvChromium + " to a Chromium or Chrome binary")
}

// Flags are the command-line switches the harness starts Chromium
// with. The background-networking switches keep it from trying to reach the
// internet, which matters on machines with no network; --enable-unsafe-webgpu
// gives a SwiftShader WebGPU adapter without a GPU.
var Flags = []string{
	"--headless=new",
	"--no-sandbox",
	"--disable-gpu-sandbox",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-default-apps",
	"--disable-extensions",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-quic",
	"--mute-audio",
	"--enable-unsafe-webgpu",
}

// AllocatorOptions returns chromedp options that start the binary at path
// with Flags plus extra, using userDataDir as a fresh profile ("" lets
// chromedp make a temporary one and remove it afterwards).
func AllocatorOptions(path, userDataDir string, extra ...string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}
	if userDataDir != "" {
		opts = append(opts, chromedp.UserDataDir(userDataDir))
	}
	for _, f := range append(append([]string{}, Flags...), extra...) {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasVal {
			opts = append(opts, chromedp.Flag(name, val))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	return opts
}
