//go:build !js

package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// EnvChromium names an environment variable that overrides the browser path.
const EnvChromium = "SABKIT_CHROMIUM"

// InstallHint is the command that installs the browser the harness expects.
const InstallHint = "apt-get update && apt-get install -y chromium"

// FindChromium returns the path of a Chromium binary: $SABKIT_CHROMIUM,
// /usr/bin/chromium, or chromium / chromium-browser / google-chrome on PATH.
// The error says how to install one.
func FindChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("browsertest: %s=%q: %w; point it at a Chromium binary or unset it and run `%s`",
				EnvChromium, p, err, InstallHint)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("browsertest: Chromium not found at /usr/bin/chromium or on PATH; install it with `" +
		InstallHint + "` or set " + EnvChromium + " to a Chromium or Chrome binary")
}

// ChromiumFlags are the command-line switches the harness starts Chromium
// with. The background-networking switches keep it from trying to reach the
// internet, which matters on machines with no network; --enable-unsafe-webgpu
// gives a SwiftShader WebGPU adapter without a GPU.
var ChromiumFlags = []string{
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
