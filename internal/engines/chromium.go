//go:build !js

package engines

import (
	"os/exec"

	"github.com/sabkit/sabkit/internal/chromium"
)

var chromiumEngine = &Engine{
	Name:    Chromium,
	Install: chromium.InstallHint,
	Env:     chromium.EnvChromium,
	find:    func() (string, error) { return haveCommand(chromium.Candidates...) },
	launch: func(bin string, o LaunchOptions) (*exec.Cmd, error) {
		args := append([]string{}, chromium.Flags...)
		args = append(args, o.ChromiumFlags...)
		args = append(args, "--user-data-dir="+o.Dir, o.URL)
		return exec.Command(bin, args...), nil
	},
}
