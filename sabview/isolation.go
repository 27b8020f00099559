//go:build js && wasm

package sabview

import "github.com/sabkit/sabkit/internal/jsinterop"

// Available reports whether SharedArrayBuffer can be used here. It is false in
// a browser page or worker that is not cross-origin isolated.
func Available() bool { return jsinterop.HasSharedArrayBuffer() }

// CrossOriginIsolated reports globalThis.crossOriginIsolated: true in a page
// served with COOP same-origin and COEP require-corp, false in other pages
// and outside browsers (Node has SharedArrayBuffer without it).
func CrossOriginIsolated() bool { return jsinterop.CrossOriginIsolated() }
