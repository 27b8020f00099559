// A stand-in for a Pyodide boot whose heap the browser refuses to create (as
// WebKit does once too many WebAssembly memories are alive): the memory it
// asks for is larger than any engine grants, so WebAssembly.Memory throws a
// RangeError. Like Emscripten, it reports the failure on the console and
// never settles the promise loadPyodide returned.
function loadPyodide() {
  try {
    new WebAssembly.Memory({ initial: 65537, maximum: 65537 });
  } catch (e) {
    console.error("wasm instantiation failed!", e);
  }
  return new Promise(() => {});
}

if (typeof module === "object" && module.exports) module.exports.loadPyodide = loadPyodide;
else globalThis.loadPyodide = loadPyodide;
