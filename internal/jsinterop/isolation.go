//go:build js && wasm

package jsinterop

// IsolationFix says how to make a page cross-origin isolated, the only
// condition under which SharedArrayBuffer exists in a browser.
const IsolationFix = "serve the page and its worker scripts with `Cross-Origin-Opener-Policy: same-origin` and " +
	"`Cross-Origin-Embedder-Policy: require-corp`, and every subresource (Pyodide's files included) with " +
	"`Cross-Origin-Resource-Policy: same-origin` or CORS; `globalThis.crossOriginIsolated` must be true"
