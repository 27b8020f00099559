// The module form of pyodide.js, which (outside CommonJS) defines
// globalThis.loadPyodide.
import "./pyodide.js";

export const loadPyodide = globalThis.loadPyodide;
