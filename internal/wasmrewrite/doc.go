// Package wasmrewrite rewrites a WebAssembly binary module so that its linear
// memory is shared.
//
// Pyodide's heap is the linear memory that pyodide.asm.wasm defines. When that
// memory is shared, its buffer is a SharedArrayBuffer: other threads (workers,
// WebGPU uploads, Atomics) can read and write Python's buffers in place instead
// of copying them. A stock Pyodide build declares its memory unshared, so the
// module has to be rewritten before it is compiled. Every module that later
// links against that memory (wheel side modules, Pyodide's call trampoline)
// imports it and must import it as shared too, or instantiation fails with a
// shared-state mismatch.
//
// What is rewritten:
//
//   - Memory section (id 5): each defined memory's limits become shared
//     (flags 0x03). A memory without a maximum gets one (Options.MaxPages,
//     65536 pages by default); an existing maximum is kept.
//   - Import section (id 2): each memory import's limits become shared the
//     same way.
//
// Adding a maximum lengthens the section, so that section's size is encoded
// again; the other bytes of both sections, and every other section, are copied
// byte for byte. A section size keeps its original encoded width when the new
// value fits, so changing only flags (Pyodide: 0x01 to 0x03) keeps every offset
// in the file. A module whose memories are all shared already is returned as
// is.
//
// The rewrite is not a validator: it decodes the module header, the section
// framing, the import section and the memory section, and copies the rest. A
// module it cannot decode fully, or one using encodings it does not know
// (memory64, custom page sizes, compact imports, unknown sections), is
// rejected with a *FormatError rather than rewritten partially.
//
// Whether a rewritten import links against a given memory is a separate
// question with host-specific numbers (Pyodide's memory has min 480, max 65536
// pages); CheckLink answers it for a given pair of limits.
package wasmrewrite
