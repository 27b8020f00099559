// Run by node_test.go: node testdata/node_crossthread.js <pyodide dir>
// Boots shared-heap Pyodide on Node's main thread (loadPyodide) and in a
// worker_threads Worker (sabkitWorker.start with assets/worker.js), writes on
// one side and reads on the other in both directions, and prints what each
// side saw as JSON for the Go test to judge.
"use strict";
const path = require("path");
const sh = require(path.join(__dirname, "..", "assets", "sharedheap.js"));
const sw = require(path.join(__dirname, "..", "assets", "worker.js"));
const indexURL = process.argv[2];
const tag = (x) => Object.prototype.toString.call(x);

async function mainThread() {
  const { pyodide, memory, memoryProperty } = await sh.loadPyodide({ indexURL });
  const addr = pyodide.runPython("import array\nm = array.array('B', bytes(range(1, 65)))\nm.buffer_info()[0]");
  const seenHere = Array.from(new Uint8Array(memory.buffer, addr, 64));
  new Uint8Array(memory.buffer, addr, 64).fill(201);
  const seenByPython = pyodide.runPython("list(m)").toJs();
  return {
    heap: tag(pyodide._module.HEAPU8.buffer), memoryProperty, version: pyodide.version,
    memoryIsHeap: memory.buffer === pyodide._module.HEAPU8.buffer, seenHere, seenByPython: Array.from(seenByPython),
    stats: sh.stats(),
  };
}

async function workerThread() {
  // Replies arrive through onReply(id, ok, value); run wraps one in a promise.
  const waiting = new Map();
  const onReply = (id, ok, v) => {
    const p = waiting.get(id);
    waiting.delete(id);
    if (ok) p.resolve(v); else p.reject(v);
  };
  const w = await sw.start({ indexURL, scriptURL: path.join(__dirname, "..", "assets", "worker.js"), onReply });
  const request = (op, args) => new Promise((resolve, reject) => waiting.set(w.request(op, args), { resolve, reject }));
  const run = (code) => request("run", [code]);
  try {
    // A zeroed array; the memoryview pins its bytes (an array with an
    // exported buffer cannot be resized).
    const address = await run("import array\nbuf = array.array('B', [0]) * 64\nbuf_pin = memoryview(buf)\nbuf.buffer_info()[0]");
    await run("for i in range(64):\n    buf[i] = 255 - i");
    const seenHere = Array.from(new Uint8Array(w.memory.buffer, address, 64));
    new Uint8Array(w.memory.buffer, address, 64).fill(77);
    const seenByPython = await run("list(buf)");
    const before = w.memory.buffer.byteLength;
    await run("grow = bytearray(256 << 20)"); // grows the heap
    const after = w.memory.buffer.byteLength;
    const afterGrowth = Array.from(new Uint8Array(w.memory.buffer, address, 4));
    let pyError = null;
    try {
      await run("1/0");
    } catch (e) {
      pyError = { name: e.name, pythonType: e.pythonType, message: e.message };
    }
    const info = await request("info", []);
    return {
      memory: tag(w.memory), heap: tag(w.memory.buffer), version: w.version, memoryProperty: w.memoryProperty,
      seenHere, seenByPython, before, after, afterGrowth, pyError, stats: info.stats,
    };
  } finally {
    w.terminate();
  }
}

Promise.all([mainThread(), workerThread()]).then(([main, worker]) => {
  process.stdout.write(JSON.stringify({ main, worker }));
}, (e) => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(1);
});
