//go:build !js

package engines

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// EnvFirefox overrides the Firefox binary, e.g. an older ESR unpacked
// beside the installed one.
const EnvFirefox = "SABKIT_FIREFOX"

// firefoxPrefs go into the fresh profile's user.js: nothing phones home
// (the network is closed, and retries slow everything down), console
// messages reach stdout, long-running scripts are never interrupted, and
// WebGPU is on (on Linux it needs a Vulkan driver such as Mesa's lavapipe).
var firefoxPrefs = map[string]any{
	"app.normandy.enabled":                                        false,
	"app.update.disabledForTesting":                               true,
	"app.update.auto":                                             false,
	"browser.aboutwelcome.enabled":                                false,
	"browser.safebrowsing.blockedURIs.enabled":                    false,
	"browser.safebrowsing.downloads.enabled":                      false,
	"browser.safebrowsing.malware.enabled":                        false,
	"browser.safebrowsing.phishing.enabled":                       false,
	"browser.sessionstore.resume_from_crash":                      false,
	"browser.shell.checkDefaultBrowser":                           false,
	"browser.startup.homepage_override.mstone":                    "ignore",
	"browser.startup.page":                                        0,
	"datareporting.healthreport.uploadEnabled":                    false,
	"datareporting.policy.dataSubmissionEnabled":                  false,
	"devtools.console.stdout.content":                             true,
	"dom.ipc.processCount":                                        2,
	"dom.max_script_run_time":                                     0,
	"dom.max_chrome_script_run_time":                              0,
	"dom.webgpu.enabled":                                          true,
	"dom.webgpu.workers.enabled":                                  true,
	"extensions.update.enabled":                                   false,
	"gfx.webgpu.ignore-blocklist":                                 true,
	"network.captive-portal-service.enabled":                      false,
	"network.connectivity-service.enabled":                        false,
	"services.settings.server":                                    "http://127.0.0.1:9/",
	"startup.homepage_welcome_url":                                "",
	"toolkit.telemetry.enabled":                                   false,
	"toolkit.telemetry.unified":                                   false,
	"toolkit.startup.max_resumed_crashes":                         -1,
	"browser.tabs.warnOnClose":                                    false,
	"datareporting.policy.dataSubmissionPolicyBypassNotification": true,
}

// userJS renders firefoxPrefs in a stable order.
func userJS() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(firefoxPrefs)) {
		v := firefoxPrefs[k]
		if s, ok := v.(string); ok {
			v = strconv.Quote(s)
		}
		fmt.Fprintf(&b, "user_pref(%q, %v);\n", k, v)
	}
	return b.String()
}

var firefoxEngine = &Engine{
	Name:    Firefox,
	Install: "apt-get update && apt-get install -y firefox-esr mesa-vulkan-drivers",
	Env:     EnvFirefox,
	find:    func() (string, error) { return haveCommand("/usr/bin/firefox-esr", "firefox-esr", "firefox") },
	launch: func(bin string, o LaunchOptions) (*exec.Cmd, error) {
		profile := filepath.Join(o.Dir, "profile")
		if err := os.MkdirAll(profile, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(userJS()), 0o600); err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, o.URL)
		cmd.Env = append(os.Environ(), "HOME="+o.Dir, "TMPDIR="+o.Dir, "MOZ_CRASHREPORTER_DISABLE=1")
		return cmd, nil
	},
}
