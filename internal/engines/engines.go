//go:build !js

package engines

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// EnvBrowser names the environment variable that picks engines.
const EnvBrowser = "SABKIT_BROWSER"

// Names of the engines, in the order Select returns them.
const (
	Chromium = "chromium"
	Firefox  = "firefox"
	WebKit   = "webkit"
)

// ErrNotInstalled marks an engine whose browser is not on this machine.
var ErrNotInstalled = errors.New("not installed")

// Engine is one browser engine the tests can run in.
type Engine struct {
	// Name is chromium, firefox or webkit.
	Name string
	// Install is the command that installs the engine on Debian.
	Install string
	// Env overrides the browser's path.
	Env string

	find   func() (string, error)
	launch func(bin string, o LaunchOptions) (*exec.Cmd, error)
}

// All lists every engine.
var All = []*Engine{chromiumEngine, firefoxEngine, webkitEngine}

// ByName returns the engine called name, or nil.
func ByName(name string) *Engine {
	for _, e := range All {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Find returns the path of the engine's browser. A path given in e.Env that
// does not exist is an error; a browser that is simply absent is an error
// wrapping ErrNotInstalled. Both say how to fix it.
func (e *Engine) Find() (string, error) {
	if p := os.Getenv(e.Env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %s=%q: %w; point it at the browser binary or unset it and run `%s`",
				e.Name, e.Env, p, err, e.Install)
		}
		return p, nil
	}
	p, err := e.find()
	if err != nil {
		return "", fmt.Errorf("%s: %w: %v; install it with `%s` or set %s to its binary",
			e.Name, ErrNotInstalled, err, e.Install, e.Env)
	}
	return p, nil
}

// Selection is what Select chose.
type Selection struct {
	Engines []*Engine
	Paths   []string
	// Skipped explains each engine left out because it is not installed
	// (only when SABKIT_BROWSER is unset).
	Skipped []string
}

// Select resolves spec (the value of SABKIT_BROWSER): a comma-separated
// list of engine names, "all", or "" for every installed engine. An engine
// that is named but missing is an error with its install command; with ""
// it is skipped, unless no engine at all is installed.
func Select(spec string) (*Selection, error) {
	var names []string
	explicit := strings.TrimSpace(spec) != ""
	switch strings.TrimSpace(spec) {
	case "", "all":
		for _, e := range All {
			names = append(names, e.Name)
		}
	default:
		for _, n := range strings.Split(spec, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	sel := &Selection{}
	var missing []error
	for _, n := range names {
		e := ByName(n)
		if e == nil {
			return nil, fmt.Errorf("engines: %s=%q: unknown engine %q; use chromium, firefox, webkit, all or a comma list",
				EnvBrowser, spec, n)
		}
		p, err := e.Find()
		if err != nil {
			if explicit || !errors.Is(err, ErrNotInstalled) {
				return nil, err
			}
			sel.Skipped = append(sel.Skipped, err.Error())
			missing = append(missing, err)
			continue
		}
		sel.Engines = append(sel.Engines, e)
		sel.Paths = append(sel.Paths, p)
	}
	if len(sel.Engines) == 0 {
		return nil, fmt.Errorf("engines: no browser engine is installed: %w", errors.Join(missing...))
	}
	return sel, nil
}

// haveCommand returns the first of names that exec.LookPath finds (an
// absolute path is checked as is).
func haveCommand(names ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s found", strings.Join(names, ", "))
}
