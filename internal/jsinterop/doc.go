//go:build js && wasm

// Package jsinterop is sabkit's one place for the plumbing every package needs
// at the boundary between Go and JavaScript:
//
//   - [Try] calls into JavaScript and returns a thrown exception as a
//     [*Thrown] error, while Go programming errors (nil dereferences, index
//     errors) keep panicking so they are never disguised as JavaScript errors;
//   - [TypeOf], [Tag] and [Describe] name a JavaScript value in error text;
//   - [InNode], [InBrowser], [InWorker], [MainThread], [CrossOriginIsolated]
//     and [HasSharedArrayBuffer] detect the environment by feature, and
//     [Where] names it;
//   - [IsolationFix] is the one text that says how to make a page
//     cross-origin isolated;
//   - [Import] is dynamic import() as a call.
//
// Nothing here copies or aliases memory; it only calls and describes.
package jsinterop
