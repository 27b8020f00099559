// A stand-in for a Pyodide whose API has no view of its heap
// (pyodide._module.HEAPU8), which the bridge needs.
async function loadPyodide() {
  return {
    version: "0.23.4",
    _module: {},
    FS: {},
    runPythonAsync: async () => undefined,
    pyimport: () => undefined,
  };
}

if (typeof module === "object" && module.exports) module.exports.loadPyodide = loadPyodide;
else globalThis.loadPyodide = loadPyodide;
