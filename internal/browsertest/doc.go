//go:build !js

// Package browsertest runs a package's js/wasm tests inside real browsers
// from an ordinary host-side `go test`: headless Chromium, headless Firefox
// ESR and WebKitGTK (see internal/engines).
//
// A host test file in the js/wasm package, built with `//go:build !js`, calls
// Run. Run compiles the package's test binary with GOOS=js GOARCH=wasm,
// serves it with Go's wasm_exec.js and a small page from an httptest server on
// 127.0.0.1 that sends the cross-origin-isolation headers (COOP same-origin,
// COEP require-corp, CORP same-origin), and opens the page in each selected
// engine, each in a fresh profile and its own process group. The page POSTs
// the program's output and exit code back to the server (no driver protocol,
// so every engine works the same way); Run streams the output into the host
// test's output as subtests engine/variant (TestBrowser/firefox/page) and
// fails the host test when the wasm tests fail, crash, time out, or run no
// test at all without the variant saying it expects that.
//
// SABKIT_BROWSER picks the engines: chromium, firefox, webkit, a comma list,
// or all. Unset, every installed engine runs and the missing ones are logged;
// an engine that is named but missing fails with its apt install command.
//
// Options select a DedicatedWorker instead of the page, serving without the
// isolation headers (to test what users see when they are missing), extra
// directories to serve (such as the Pyodide npm package), the engines a
// variant runs in, and the -test.run / -test.bench flags passed to the wasm
// binary. The host's own -test.bench, -test.benchtime, -test.benchmem,
// -test.count, -test.short and -test.v are forwarded, so
//
//	go test ./sabview -run Browser -bench Copy
//
// runs sabview's wasm benchmarks in the first engine's first variant only.
// The environment variable SABKIT_WASM_RUN, when set, becomes the wasm
// binary's -test.run.
//
// The wasm program sees SABKIT_BROWSER (the engine's name), SABKIT_MODE and
// SABKIT_ISOLATED in its environment (see internal/jsenv).
//
// Program is the one run underneath: server, bootstrap, report protocol,
// launch, bounds. Run drives it for sabkit's own packages; `sabkit exec`
// drives it for a user's `go test -exec`, with the binary go test built.
package browsertest
