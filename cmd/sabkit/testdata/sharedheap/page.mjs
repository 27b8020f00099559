// Page script for TestServeSharedHeapKeepsStock (main_test.go): loads stock
// Pyodide from /pyodide/, boots a shared-heap worker from /pyodide-shared/ and
// one from /pyodide/, runs Python in each and sets window.result to the JSON.
async function sharedWorker(prefix) {
  const waiting = new Map();
  const t = performance.now();
  const c = await sabkitWorker.start({ indexURL: prefix, scriptURL: "/sharedheap/worker.js",
    onReply(id, ok, v) { const w = waiting.get(id); if (w) { waiting.delete(id); (ok ? w.resolve : w.reject)(v); } } });
  const ms = performance.now() - t;
  const request = (op, args) => new Promise((resolve, reject) => waiting.set(c.request(op, args), { resolve, reject }));
  const answer = await request("run", ["6 * 7"]);
  const r = { answer, shared: c.memory instanceof WebAssembly.Memory && c.memory.buffer instanceof SharedArrayBuffer,
    rewritten: c.stats.rewritten, passedThrough: c.stats.passedThrough, ms };
  c.terminate();
  return r;
}
const out = {};
try {
  const { loadPyodide } = await import("/pyodide/pyodide.mjs");
  const py = await loadPyodide({ indexURL: "/pyodide/" });
  out.stock = { answer: py.runPython("6 * 7"), shared: py._module.HEAPU8.buffer instanceof SharedArrayBuffer };
  out.prepatched = await sharedWorker("/pyodide-shared/");
  out.patchedInWorker = await sharedWorker("/pyodide/");
} catch (e) {
  out.error = String(e && e.stack || e);
}
window.result = JSON.stringify(out);
