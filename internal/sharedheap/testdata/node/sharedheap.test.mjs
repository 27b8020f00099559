// node:test tests of assets/sharedheap.js (the wasm rewriter) and assets/worker.js
// (the worker protocol on worker_threads). Run by TestNodeTest (nodetest_test.go);
// the worker test needs SABKIT_PYODIDE_DIR, the folder holding pyodide.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const sh = require("../../assets/sharedheap.js");
const sw = require("../../assets/worker.js");
const workerScript = require.resolve("../../assets/worker.js");

// ---- Hand-built wasm modules ----

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s) => [s.length, ...Buffer.from(s)];
const section = (id, body) => [id, body.length, ...body]; // bodies stay under 128 bytes
const wasm = (...sections) => new Uint8Array([...HEADER, ...sections.flat()]);
const exportMemory = section(7, [1, ...name("memory"), 0x02, 0]);

// A memory of 1 page with a maximum of 2 (limits flags 0x01), exported.
const definedWithMax = wasm(section(5, [1, 0x01, 1, 2]), exportMemory);
// A memory of 1 page with no maximum (flags 0x00), exported.
const definedNoMax = wasm(section(5, [1, 0x00, 1]), exportMemory);
// An import of env.memory, 1 page, no maximum.
const importedNoMax = wasm(section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]));

const isShared = (buf) => Object.prototype.toString.call(buf) === "[object SharedArrayBuffer]";

test("shareMemory makes a defined memory shared and keeps its maximum", () => {
  const input = definedWithMax.slice();
  const out = sh.shareMemory(input, { maxPages: 16 });
  assert.deepEqual(input, definedWithMax, "the input was modified");
  assert.ok(!isShared(new WebAssembly.Instance(new WebAssembly.Module(input)).exports.memory.buffer),
    "the input's memory is already shared: the test proves nothing");
  const mem = new WebAssembly.Instance(new WebAssembly.Module(out)).exports.memory;
  assert.ok(mem.buffer instanceof SharedArrayBuffer, "the rewritten module's memory is not shared");
  assert.equal(mem.buffer.byteLength, 65536);
  mem.grow(1);
  assert.throws(() => mem.grow(1), RangeError, "grew past the module's own maximum of 2 pages");
});

test("shareMemory gives a memory with no maximum the maxPages maximum", () => {
  const r = sh.rewrite(definedNoMax, { maxPages: 4 });
  assert.equal(r.changed, true);
  assert.equal(r.memories.length, 1);
  assert.deepEqual(r.memories[0].new, { min: 1, max: 4, shared: true });
  const mem = new WebAssembly.Instance(new WebAssembly.Module(r.module)).exports.memory;
  assert.ok(mem.buffer instanceof SharedArrayBuffer);
  mem.grow(3);
  assert.throws(() => mem.grow(1), RangeError, "grew past maxPages");
});

test("shareMemory makes an imported memory link with a shared WebAssembly.Memory", () => {
  const shared = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const plain = new WebAssembly.Memory({ initial: 1 });
  const link = (bytes, memory) => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  assert.throws(() => link(importedNoMax, shared), WebAssembly.LinkError, "the input links with a shared memory");
  link(importedNoMax, plain);
  const out = sh.shareMemory(importedNoMax, { maxPages: 16 });
  link(out, shared);
  assert.throws(() => link(out, plain), WebAssembly.LinkError, "the output links with an unshared memory");
});

test("a module whose memories are shared already is returned unchanged", () => {
  const out = sh.shareMemory(definedWithMax, { maxPages: 16 });
  const r = sh.rewrite(out, { maxPages: 16 });
  assert.equal(r.changed, false);
  assert.equal(r.module, out);
});

test("truncated or garbage bytes throw a malformed ShareError", () => {
  const cases = [
    { what: "short header", bytes: new Uint8Array([0x00, 0x61, 0x73]), section: "header", offset: 0 },
    { what: "garbage", bytes: new Uint8Array(Buffer.from("not a wasm module")), section: "header", offset: 0 },
    // The memory section claims 4 bytes; the module ends after 2.
    { what: "cut inside a section", bytes: definedWithMax.slice(0, 12), section: "memory", offset: 8 },
    // The section is whole, but its limits say a maximum follows and none does.
    { what: "limits cut short", bytes: wasm(section(5, [1, 0x01, 1])), section: "memory", offset: 13 },
  ];
  for (const c of cases) {
    assert.equal(WebAssembly.validate(c.bytes), false, c.what + ": the engine accepts it");
    assert.throws(() => sh.shareMemory(c.bytes, { maxPages: 16 }), (e) => {
      assert.ok(e instanceof sh.ShareError, c.what + ": not a ShareError: " + e);
      assert.equal(e.name, "ShareError");
      assert.equal(e.kind, "malformed", c.what + ": " + e.message);
      assert.equal(e.section, c.section, c.what + ": " + e.message);
      assert.equal(e.offset, c.offset, c.what + ": " + e.message);
      return true;
    }, c.what);
  }
});

// ---- The worker protocol on worker_threads ----

// within bounds a wait: a lost reply fails the test instead of hanging it.
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(what + ": no answer within " + ms + " ms")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

test("worker: Python's bytes are the main thread's bytes, errors and terminate", { timeout: 120000 }, async (t) => {
  const indexURL = process.env.SABKIT_PYODIDE_DIR;
  if (!indexURL) {
    t.skip("SABKIT_PYODIDE_DIR is not set (TestNodeTest sets it outside -short)");
    return;
  }
  const waiting = new Map();
  const replies = [];
  const onReply = (id, ok, v) => {
    replies.push(id);
    const p = waiting.get(id);
    waiting.delete(id);
    if (p) (ok ? p.resolve : p.reject)(v);
  };
  const starting = sw.start({ indexURL, scriptURL: workerScript, onReply });
  let client;
  try {
    client = await within(starting, 90000, "booting Pyodide in the worker");
  } catch (e) {
    sw.discard(starting); // ends the worker should it start after all
    throw e;
  }
  const send = (op, args) => new Promise((resolve, reject) => waiting.set(client.request(op, args), { resolve, reject }));
  const run = (code) => within(send("run", [code]), 20000, "run " + JSON.stringify(code));
  try {
    assert.ok(client.memory.buffer instanceof SharedArrayBuffer, "the worker's heap is not a SharedArrayBuffer");

    const addr = await run("import array\nm = array.array('B', bytes(range(1, 65)))\nm.buffer_info()[0]");
    assert.equal(typeof addr, "number");
    const view = new Uint8Array(client.memory.buffer, addr, 64);
    assert.deepEqual(Array.from(view), Array.from({ length: 64 }, (_, i) => i + 1),
      "the main thread does not see Python's bytes at their address");
    view.fill(201);
    assert.deepEqual(await run("list(m)"), new Array(64).fill(201),
      "Python does not see the main thread's writes");

    await assert.rejects(run("1/0"), (e) => {
      assert.equal(e.name, "ZeroDivisionError");
      assert.equal(e.pythonType, "ZeroDivisionError");
      assert.match(e.traceback, /ZeroDivisionError/);
      return true;
    });

    // A request still running when terminate() comes fails with
    // WorkerClosedError (it runs long enough not to be answered at once).
    const pending = run("sum(range(20_000_000))");
    client.terminate();
    await assert.rejects(pending, { name: "WorkerClosedError" });
    assert.equal(client.dead(), true);
    // terminate() detaches the callbacks (they may be Go functions released
    // by then): a later request is accepted but never answered.
    const later = client.request("run", ["1"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(!replies.includes(later), "onReply was called after terminate()");
  } finally {
    client.terminate();
  }
});
