// Package coihttp serves files the way a cross-origin-isolated page needs
// them: with Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy on
// the document and Cross-Origin-Resource-Policy on every subresource, plus
// the MIME types that WebAssembly streaming compilation and module workers
// insist on. The test harness and the dev server share it.
package coihttp

import (
	"net/http"
	"path"
	"strings"
)

// The header values that make a page cross-origin isolated.
const (
	COOP = "same-origin"  // Cross-Origin-Opener-Policy
	COEP = "require-corp" // Cross-Origin-Embedder-Policy
	CORP = "same-origin"  // Cross-Origin-Resource-Policy
)

// Isolate wraps h so that every response, errors included, carries the
// isolation headers. Headers are set before h runs so that http.Error and
// http.NotFound responses get them too.
func Isolate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetHeaders(w.Header())
		h.ServeHTTP(w, r)
	})
}

// Header is a response header that every file of an isolated app carries.
type Header struct{ Name, Value string }

// headers is the one table the dev server and every generated host
// configuration take the isolation headers from.
var headers = []Header{
	{"Cross-Origin-Opener-Policy", COOP},
	{"Cross-Origin-Embedder-Policy", COEP},
	{"Cross-Origin-Resource-Policy", CORP},
}

// Headers returns the isolation headers, in the order configurations list
// them.
func Headers() []Header { return append([]Header(nil), headers...) }

// SetHeaders adds the isolation headers to hdr.
func SetHeaders(hdr http.Header) {
	for _, h := range headers {
		hdr.Set(h.Name, h.Value)
	}
}

// contentTypes lists the types browsers are strict about (application/wasm
// for instantiateStreaming, a JavaScript type for module scripts and
// workers, text/html for a page) and the rest of what an app folder holds.
var contentTypes = map[string]string{
	".wasm":  "application/wasm",
	".mjs":   "text/javascript; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".whl":   "application/zip",
	".zip":   "application/zip",
	".tar":   "application/x-tar",
	".py":    "text/x-python; charset=utf-8",
	".map":   "application/json",
	".png":   "image/png",
	".svg":   "image/svg+xml",
	".txt":   "text/plain; charset=utf-8",
	".ico":   "image/x-icon",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".woff2": "font/woff2",
}

// ContentType returns the MIME type for a file name, or "" when the standard
// library's guess is good enough.
func ContentType(name string) string {
	return contentTypes[strings.ToLower(path.Ext(name))]
}

// TypedFiles wraps h (typically http.FileServer) so that the files browsers
// are strict about get the right Content-Type.
func TypedFiles(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := ContentType(r.URL.Path); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		h.ServeHTTP(w, r)
	})
}
