// A stand-in for a Pyodide build whose main module cannot link with a shared
// memory: like Emscripten, it reports the failed instantiation on the console
// and never settles the promise loadPyodide returned. The module imports a
// memory; the one it is given has no maximum, so it stays unshared while the
// shared-heap hooks make the import shared.
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1]);

function loadPyodide() {
  WebAssembly.instantiate(bytes, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } })
    .catch((e) => console.error("wasm instantiation failed!", e));
  return new Promise(() => {});
}

if (typeof module === "object" && module.exports) module.exports.loadPyodide = loadPyodide;
else globalThis.loadPyodide = loadPyodide;
