// Package sidemodule builds the test library in testdata/native into a
// Pyodide side module and a wheel that carries it, with Debian's clang and
// lld and nothing else: no Emscripten, no network.
//
// A side module is a WebAssembly module with a dylink.0 section that
// imports the interpreter's memory (env.memory) and table instead of
// defining its own; Pyodide links it into its heap when ctypes.CDLL opens
// it, or when a wheel that holds it is installed. On a shared heap the
// module must import that memory as shared, which the shared heap's hooks
// arrange as it is compiled. The tests that load it prove that C code
// reads and writes the same bytes as Python, Go and the page.
//
// The .so and the wheel are build outputs, made in a temporary folder by
// each test run, never committed.
package sidemodule
