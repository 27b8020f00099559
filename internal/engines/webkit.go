//go:build !js

package engines

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// EnvWebKit overrides the path of WebKitGTK's MiniBrowser.
const EnvWebKit = "SABKIT_WEBKIT"

func findMiniBrowser() (string, error) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		return "", err
	}
	matches, _ := filepath.Glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser")
	return haveCommand(append(matches, "MiniBrowser")...)
}

var webkitEngine = &Engine{
	Name:    WebKit,
	Install: "apt-get update && apt-get install -y webkit2gtk-driver xvfb",
	Env:     EnvWebKit,
	find:    findMiniBrowser,
	launch: func(bin string, o LaunchOptions) (*exec.Cmd, error) {
		env := os.Environ()
		for _, d := range []string{"home", "cache", "config", "data", "runtime", "tmp"} {
			if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o700); err != nil {
				return nil, err
			}
		}
		env = append(env,
			"HOME="+filepath.Join(o.Dir, "home"),
			"XDG_CACHE_HOME="+filepath.Join(o.Dir, "cache"),
			"XDG_CONFIG_HOME="+filepath.Join(o.Dir, "config"),
			"XDG_DATA_HOME="+filepath.Join(o.Dir, "data"),
			"XDG_RUNTIME_DIR="+filepath.Join(o.Dir, "runtime"),
			// xvfb-run keeps its auth file under TMPDIR.
			"TMPDIR="+filepath.Join(o.Dir, "tmp"),
		)
		if o.Isolated {
			env = append(env, "JSC_useSharedArrayBuffer=1")
		}
		// -a alone starts its search for a free display at 99, so runs in
		// parallel race for the same one; a random start makes that rare.
		start := strconv.Itoa(100 + rand.IntN(30000))
		cmd := exec.Command("xvfb-run", "-a", "-n", start, bin, "--enable-write-console-messages-to-stdout=true", o.URL)
		cmd.Env = env
		return cmd, nil
	},
}
