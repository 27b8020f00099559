//go:build !js

// Package browsertest runs a package's js/wasm tests inside headless Chromium
// from an ordinary host-side `go test`.
//
// A host test file in the js/wasm package, built with `//go:build !js`, calls
// Run. Run compiles the package's test binary with GOOS=js GOARCH=wasm,
// serves it with Go's wasm_exec.js and a small page from an httptest server on
// 127.0.0.1 that sends the cross-origin-isolation headers (COOP same-origin,
// COEP require-corp, CORP same-origin), opens the page in /usr/bin/chromium
// through chromedp (with --enable-unsafe-webgpu, so WebGPU runs on
// SwiftShader), streams the program's output into the host test's output and
// fails the host test when the wasm tests fail, crash or time out.
//
// Options select a DedicatedWorker instead of the page, serving without the
// isolation headers (to test what users see when they are missing), extra
// directories to serve (such as the Pyodide npm package) and the -test.run /
// -test.bench flags passed to the wasm binary. The host's own -test.bench,
// -test.benchtime, -test.benchmem, -test.count, -test.short and -test.v are
// forwarded, so
//
//	go test ./sabview -run Browser -bench Copy
//
// runs sabview's wasm benchmarks in Chromium, in the first variant only. The
// environment variable
// SABKIT_WASM_RUN, when set, becomes the wasm binary's -test.run.
//
// The wasm program sees SABKIT_BROWSER, SABKIT_MODE and SABKIT_ISOLATED in
// its environment (see internal/jsenv).
package browsertest
