//go:build !js

package browsertest

import "time"

// Options configures Run.
type Options struct {
	// Dir is the directory of the package whose js/wasm tests run; "" means
	// the current directory, which is the package under test.
	Dir string

	// Variants lists the ways to run the binary, each as a subtest of the
	// host test. Empty means one variant: DefaultVariant.
	Variants []Variant

	// Serve maps URL path prefixes (like "/pyodide/") to directories served
	// under them, with the same headers as the test page.
	Serve map[string]string

	// Args are extra arguments for the wasm test binary.
	Args []string

	// Timeout bounds one variant, from browser start to the program's exit.
	// Zero means 5 minutes, or less when the host test's deadline is nearer.
	Timeout time.Duration

	// ChromiumFlags are added to chromium.Flags when the engine is Chromium.
	ChromiumFlags []string
}

// Variant is one way of running the wasm test binary.
type Variant struct {
	// Name names the subtest; "" derives one from the other fields.
	Name string
	// Worker runs the binary in a DedicatedWorker started by the page,
	// instead of in the page itself.
	Worker bool
	// NoIsolation serves everything without COOP/COEP/CORP, so the page is
	// not cross-origin isolated and SharedArrayBuffer is undefined.
	NoIsolation bool
	// Run is the wasm binary's -test.run; "" runs every test (or, when the
	// host runs benchmarks, none: benchmarks only).
	Run string
	// Bench is the wasm binary's -test.bench; "" forwards the host's -bench.
	Bench string
	// Env adds variables to the wasm program's environment.
	Env map[string]string
	// Engines limits the variant to these engines (engines.Chromium, …);
	// empty means every selected engine.
	Engines []string
	// ExpectNoTests accepts a run in which -test.run matched no test.
	// Without it such a variant fails: a pattern that matches nothing
	// proves nothing.
	ExpectNoTests bool
	// ExpectSkips accepts a run in which every test skipped.
	ExpectSkips bool
}

// DefaultVariant runs every test in a cross-origin-isolated page.
var DefaultVariant = Variant{Name: "page"}

func (v Variant) name() string {
	if v.Name != "" {
		return v.Name
	}
	n := "page"
	if v.Worker {
		n = "worker"
	}
	if v.NoIsolation {
		n += "-not-isolated"
	}
	return n
}
