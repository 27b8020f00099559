// Boots Pyodide in this worker, runs peers.py, and returns its functions as
// plain JS functions for the comlink and coincident workers to expose. The
// Python array lives in Pyodide's heap (a bytearray); a peer that is not
// sabkit must copy it out into an ArrayBuffer of its own before it can send
// it: take() and frame() do that one copy.
export async function boot(indexURL) {
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const py = await loadPyodide({ indexURL });
  const source = await (await fetch(new URL("./peers.py", import.meta.url))).text();
  py.runPython(source);
  const noop = py.globals.get("noop");
  const fill = py.globals.get("fill");
  const frame = py.globals.get("frame");
  const bytearray = py.globals.get("__builtins__").bytearray;
  const buffers = new Map(); // nbytes -> bytearray in Pyodide's heap
  const pyBuffer = (key, nbytes) => {
    let b = buffers.get(key);
    if (!b || b.nbytes !== nbytes) {
      b?.proxy.destroy();
      b = { proxy: bytearray(nbytes), nbytes };
      buffers.set(key, b);
    }
    return b.proxy;
  };
  const copyOut = (proxy) => {
    const buf = proxy.getBuffer("f32");
    try {
      return buf.data.slice();
    } finally {
      buf.release();
    }
  };
  return {
    noop() {
      noop();
    },
    // compute fills the array Python keeps; take hands it over.
    compute(nbytes, seed) {
      return fill(pyBuffer("array", nbytes), seed);
    },
    take() {
      return copyOut(buffers.get("array").proxy);
    },
    frame(nbytes, seq) {
      const b = pyBuffer("frame", nbytes);
      frame(b, seq);
      return copyOut(b);
    },
  };
}

// ready tells the page the worker is listening; failed reports a boot error.
export const ready = () => postMessage({ sabkitPeer: "ready" });
export const failed = (e) => postMessage({ sabkitPeer: "failed", error: String(e?.stack || e) });
