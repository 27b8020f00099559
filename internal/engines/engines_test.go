//go:build !js

package engines

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	tests := []struct {
		name, spec string
		env        map[string]string
		want       []string // substrings of the error; nil: no error
	}{
		{"unknown", "chromium,netscape", nil, []string{`unknown engine "netscape"`, "chromium, firefox, webkit"}},
		{"bad override", "firefox", map[string]string{EnvFirefox: "/nonexistent/firefox"},
			[]string{EnvFirefox, "/nonexistent/firefox", "apt-get install -y firefox-esr"}},
		{"bad override, default set", "", map[string]string{EnvWebKit: "/nonexistent/MiniBrowser"},
			[]string{EnvWebKit, "apt-get install -y webkit2gtk-driver xvfb"}},
		{"named engine not installed", "webkit", map[string]string{"PATH": t.TempDir()}, []string{"webkit: not installed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Select(tt.spec)
			if err == nil {
				t.Fatalf("Select(%q) succeeded, want an error", tt.spec)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestSelectDefaultSkipsMissing: with SABKIT_BROWSER unset, an engine that
// is not installed is skipped with its install command, not an error.
func TestSelectDefaultSkipsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no xvfb-run, so no WebKit
	if _, err := chromiumEngine.Find(); err != nil {
		t.Skipf("needs Chromium at /usr/bin/chromium, so one engine remains: %v", err)
	}
	sel, err := Select("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sel.Engines {
		if e.Name == WebKit {
			t.Fatal("WebKit selected without xvfb-run on PATH")
		}
	}
	if !strings.Contains(strings.Join(sel.Skipped, "\n"), "apt-get install -y webkit2gtk-driver xvfb") {
		t.Fatalf("skipped list %q does not say how to install WebKit", sel.Skipped)
	}
}

func TestUserJS(t *testing.T) {
	js := userJS()
	for _, want := range []string{
		`user_pref("dom.webgpu.enabled", true);`,
		`user_pref("gfx.webgpu.ignore-blocklist", true);`,
		`user_pref("dom.webgpu.workers.enabled", true);`,
		`user_pref("devtools.console.stdout.content", true);`,
		`user_pref("dom.ipc.processCount", 2);`,
		`user_pref("services.settings.server", "http://127.0.0.1:9/");`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("user.js lacks %s:\n%s", want, js)
		}
	}
}
