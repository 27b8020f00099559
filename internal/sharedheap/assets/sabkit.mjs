// sabkit.mjs: Python in a worker on a shared heap, for a page's own
// JavaScript, with no Go on the page. It drives the same worker protocol
// (worker.js, sharedheap.js) and the same Python helper (sabkit_bridge.py)
// that Go's pyodidebridge.LoadWorker drives; serve this folder as
// `sabkit serve` does under /sabkit/, and import it from there:
//
//   import { startWorker } from "/sabkit/sabkit.mjs";
//   const py = await startWorker({ indexURL: "/pyodide/" });
//   const a = await py.alloc("x", "float32", [480, 640]); // a Float32Array over Python's bytes
//   await py.run("x[0, 0] = 1.5");                        // a[0] is 1.5: nothing was copied
//   await py.call("step", a, 0.1);                        // a typed array over the heap arrives as an array over the same bytes
//   await py.close();
//
// What aliases and what copies:
//
//   alloc(name, dtype, shape)   aliases: Python's array (NumPy, or a memoryview without it) and the typed array share bytes
//   view(name)                  aliases: a typed array over the buffer Python bound to name (pinned until free)
//   call(name, ...args)         a typed array over the heap aliases; numbers, strings, booleans and null are values
//   run(code)                   the result is a copy (JSON-able value, or repr)
//   allocFrames, allocSeqlock,  aliases: an Int32Array region in the heap, bound in Python to a
//   allocRing, allocMutex       sabkit_atomics protocol object; read or write it with sabkit-atomics.mjs
//
// The heap is a SharedArrayBuffer, so the page must be cross-origin
// isolated (COOP same-origin, COEP require-corp). Every call takes an
// AbortSignal ({signal}): aborting skips a request the worker has not
// started and interrupts Python (KeyboardInterrupt) in run and call. A
// worker that dies (a trap in C code, close() from Python) fails every
// pending and later call with WorkerDeadError.
//
// A page that boots Pyodide on its own thread gets the same API over that
// Pyodide's heap with attach(pyodide); no isolation is needed for it.
import "./sharedheap.js";
import "./worker.js";
import { framesWords, seqlockWords, ringWords } from "./sabkit-atomics.mjs";

const SH = globalThis.sabkitSharedHeap;
const W = globalThis.sabkitWorker;

// The errors a call rejects with. A Python exception is a PythonError whose
// pythonType names the exception class.
export class SabkitError extends Error {
  constructor(name, message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }
}
export class CanceledError extends SabkitError { constructor(m, c) { super("CanceledError", m, c); } }
export class WorkerDeadError extends SabkitError { constructor(m, c) { super("WorkerDeadError", m, c); } }
export class ClosedError extends SabkitError { constructor(m, c) { super("ClosedError", m, c); } }
export class NotIsolatedError extends SabkitError { constructor(m, c) { super("NotIsolatedError", m, c); } }
// VersionError: the Pyodide at indexURL lacks what the shared heap needs (a
// heap view, or a module that links with shared memory).
export class VersionError extends SabkitError { constructor(m, c) { super("VersionError", m, c); } }
export class PythonError extends SabkitError {
  constructor(type, message, traceback) {
    super("PythonError", type + (message ? ": " + message : ""));
    this.pythonType = type;
    this.traceback = traceback || "";
  }
}

// The element types: typed-array constructor and Python struct format, by
// the NumPy-style name alloc takes.
const DTYPES = {
  int8: [Int8Array, "b"], uint8: [Uint8Array, "B"], int16: [Int16Array, "h"], uint16: [Uint16Array, "H"],
  int32: [Int32Array, "i"], uint32: [Uint32Array, "I"], float32: [Float32Array, "f"], float64: [Float64Array, "d"],
  int64: [BigInt64Array, "q"], uint64: [BigUint64Array, "Q"],
};
const byFormat = Object.fromEntries(Object.values(DTYPES).map(([T, f]) => [f, T]));

// INTERRUPT_GRACE_MS bounds how long an aborted run or call waits for
// Python to stop at KeyboardInterrupt.
const INTERRUPT_GRACE_MS = 1000;

const HELPERS = { dir: "/sabkit", main: "sabkit_bridge", names: ["sabkit_bridge", "sabkit_atomics"] };

function convertError(e) {
  if (!e || typeof e !== "object") return new SabkitError("Error", String(e));
  if (e instanceof SabkitError) return e;
  switch (e.name) {
    case "CanceledError": return new CanceledError(e.message, e);
    case "WorkerDeadError": return new WorkerDeadError(e.message, e);
    case "WorkerClosedError": return new ClosedError(e.message, e);
    case "NotIsolatedError": return new NotIsolatedError(e.message, e);
    case "SharedHeapLinkError":
    case "SharedHeapMemoryError":
    case "PyodideFeatureError":
      return new VersionError(e.message + " (use a Pyodide release sabkit is tested with: `sabkit doctor` lists them)", e);
  }
  if (e.interrupted) return new CanceledError("canceled: Python was interrupted (" + e.message + ")", e);
  if (e.pythonType) return new PythonError(e.pythonType, e.message, e.traceback);
  return e;
}

// startWorker boots Pyodide from indexURL in a worker on a shared heap and
// resolves to a Python once it is ready. Options: indexURL (required),
// signal, onOutput(stream, text) for Python's stdout and stderr.
export async function startWorker(options = {}) {
  const { indexURL, signal, onOutput } = options;
  if (typeof indexURL !== "string" || indexURL === "") {
    throw new TypeError("sabkit.startWorker: set indexURL to the folder that serves Pyodide (pyodide.mjs, pyodide.asm.wasm)");
  }
  try {
    SH.checkIsolation();
  } catch (e) {
    throw new NotIsolatedError(e.message, e);
  }
  const here = new URL(".", import.meta.url);
  const modules = await helperSources("startWorker", signal);
  const py = new Python();
  const started = W.start({
    indexURL: new URL(indexURL, location.href).href,
    scriptURL: new URL("worker.js", here).href,
    helpers: { dir: HELPERS.dir, main: HELPERS.main, modules },
    onReply: (id, ok, value) => py._settle(id, ok, value),
    onDeath: (err) => py._die(convertError(err)),
    onOutput: typeof onOutput === "function" ? onOutput : undefined,
  });
  const aborted = new Promise((_, reject) => {
    if (!signal) return;
    const stop = () => reject(new CanceledError("sabkit.startWorker: canceled while Pyodide booted"));
    if (signal.aborted) stop(); else signal.addEventListener("abort", stop, { once: true });
  });
  try {
    py._client = await Promise.race([started, aborted]);
  } catch (e) {
    W.discard(started);
    throw convertError(e);
  }
  py.memory = py._client.memory;
  py.version = py._client.version;
  return py;
}

// helperSources fetches the Python helper modules from next to this file.
async function helperSources(fn, signal) {
  const modules = {};
  for (const name of HELPERS.names) {
    const url = new URL(name + ".py", import.meta.url);
    const r = await fetch(url, { signal });
    if (!r.ok) throw new SabkitError("LoadError", "sabkit." + fn + ": " + url + ": HTTP " + r.status + " (serve sabkit's folder, as `sabkit serve` does under /sabkit/)");
    modules[name] = await r.text();
  }
  return modules;
}

// attach serves the same API from a Pyodide the page booted on its own
// thread (loadPyodide from pyodide.mjs): the typed arrays are over that
// Pyodide's heap. Python runs on the page's thread, so an abort skips a
// request that has not started but cannot stop one that runs, and close()
// detaches without ending Pyodide. On a heap that is not shared (a stock
// Pyodide), growing the heap detaches the typed arrays made before: view
// a name again after Python allocated a lot.
export async function attach(pyodide, { signal } = {}) {
  if (!pyodide || typeof pyodide.runPython !== "function" || !pyodide.FS) {
    throw new TypeError("sabkit.attach: pass the Pyodide that loadPyodide resolved to");
  }
  if (!pyodide._module || !(pyodide._module.HEAPU8 instanceof Uint8Array)) {
    throw new VersionError("sabkit.attach: Pyodide " + pyodide.version + " lacks pyodide._module.HEAPU8 (a Uint8Array), the view of its heap");
  }
  const modules = await helperSources("attach", signal);
  const py = new Python();
  py._client = W.attach(pyodide, {
    helpers: { dir: HELPERS.dir, main: HELPERS.main, modules },
    onReply: (id, ok, value) => py._settle(id, ok, value),
  });
  py.memory = py._client.memory;
  py.version = py._client.version;
  return py;
}

// Python is Pyodide in a worker (startWorker) or on the page (attach).
class Python {
  constructor() {
    this._client = null;
    this._pending = new Map(); // id -> {resolve, reject}
    this._dead = null;
    this._arrays = new WeakMap(); // typed array -> handle
    this._buffers = new WeakSet(); // the heap's buffers seen
  }

  _settle(id, ok, value) {
    const p = this._pending.get(id);
    if (!p) return;
    this._pending.delete(id);
    if (ok) p.resolve(value); else p.reject(convertError(value));
  }

  _die(err) {
    this._dead = err;
    for (const [, p] of this._pending) p.reject(err);
    this._pending.clear();
  }

  // _request sends op and settles with its reply. Aborting signal cancels
  // it: a request the worker has not started is skipped; run and call,
  // while Python runs them, get KeyboardInterrupt; any other request runs
  // to its end and settles with its result.
  _request(op, args, signal) {
    if (this._dead) return Promise.reject(this._dead);
    if (signal && signal.aborted) return Promise.reject(new CanceledError("sabkit: " + op + ": the signal was aborted before the request was sent"));
    return new Promise((resolve, reject) => {
      const id = this._client.request(op, args);
      if (!signal) {
        this._pending.set(id, { resolve, reject });
        return;
      }
      let again = 0, grace = 0;
      const abort = () => {
        if (this._client.cancel(id) !== "interrupted") return; // skipped settled already; the rest reply
        // Python reads the interrupt flag and clears it in two steps, so a
        // store can land between them and be lost: store it again until
        // the reply comes. Code blocked outside the interpreter never
        // reads it, so stop waiting after INTERRUPT_GRACE_MS.
        again = setInterval(() => this._client.cancel(id), 20);
        grace = setTimeout(() => {
          this._settle(id, false, new CanceledError("sabkit: " + op + ": Python did not stop at KeyboardInterrupt within " +
            INTERRUPT_GRACE_MS + " ms (it may be blocked outside the interpreter); it keeps running in the worker"));
          this._client.abandon(id);
        }, INTERRUPT_GRACE_MS);
      };
      const done = () => {
        signal.removeEventListener("abort", abort);
        clearInterval(again);
        clearTimeout(grace);
      };
      this._pending.set(id, { resolve: (v) => { done(); resolve(v); }, reject: (e) => { done(); reject(e); } });
      signal.addEventListener("abort", abort, { once: true });
    });
  }

  // heap returns the typed array T over count elements at address.
  _over(T, address, count) {
    const buf = this.memory.buffer;
    this._buffers.add(buf);
    return new T(buf, address, count);
  }

  // run runs Python source (the user's own) and resolves to its value
  // (JSON-able values as themselves, other objects as their repr).
  run(code, { signal } = {}) {
    return this._request("run", [String(code)], signal);
  }

  // alloc allocates an array of dtype and shape in Python's heap, binds it
  // to name in __main__ and resolves to a typed array over the same bytes.
  async alloc(name, dtype, shape, { signal } = {}) {
    const t = DTYPES[dtype];
    if (!t) throw new TypeError("sabkit: alloc: dtype " + JSON.stringify(dtype) + " is not one of " + Object.keys(DTYPES).join(", "));
    const dims = Array.isArray(shape) ? shape : [shape];
    if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new RangeError("sabkit: alloc: shape " + JSON.stringify(shape) + " needs one or more positive integer dimensions");
    }
    const [T, fmt] = t;
    const count = dims.reduce((a, b) => a * b, 1);
    const reply = await this._request("alloc", [String(name), count * T.BYTES_PER_ELEMENT, T.BYTES_PER_ELEMENT, fmt, ...dims], signal);
    const [handle, address] = String(reply).split(" ").map(Number);
    const a = this._over(T, address, count);
    this._arrays.set(a, handle);
    return a;
  }

  // _region allocates words int32s bound to name, then makes name a
  // sabkit_atomics protocol object (class) over the same bytes.
  async _region(name, words, cls, args, signal) {
    const region = await this.alloc(name, "int32", [words], { signal });
    try {
      await this._request("region", [cls, String(name), region.byteOffset, ...args], signal);
    } catch (e) {
      await this.free(region).catch(() => {});
      throw e;
    }
    return region;
  }

  // allocFrames allocates a triple buffer for frames of up to frameBytes;
  // Python's name is a sabkit_atomics.FrameWriter (back(), publish_back(n)),
  // and the page reads the Int32Array region with sabkit-atomics.mjs's
  // FrameReader, in place.
  allocFrames(name, frameBytes, { signal } = {}) {
    return this._region(name, framesWords(frameBytes), "FrameWriter", [frameBytes], signal);
  }

  // allocSeqlock allocates a Seqlock for values of up to maxBytes
  // (sabkit_atomics.Seqlock in Python; Seqlock in sabkit-atomics.mjs).
  allocSeqlock(name, maxBytes, { signal } = {}) {
    return this._region(name, seqlockWords(maxBytes), "Seqlock", [maxBytes], signal);
  }

  // allocRing allocates a ring of capacity elements of bytesPerElement
  // (sabkit_atomics.Ring; Ring in sabkit-atomics.mjs). One side pushes, the
  // other pops.
  allocRing(name, capacity, bytesPerElement, { signal } = {}) {
    return this._region(name, ringWords(capacity, bytesPerElement), "Ring", [capacity, bytesPerElement], signal);
  }

  // allocMutex allocates an unlocked mutex word (sabkit_atomics.Mutex;
  // Mutex in sabkit-atomics.mjs, whose lock() blocks and so runs in workers).
  allocMutex(name, { signal } = {}) {
    return this._region(name, 1, "Mutex", [], signal);
  }

  // view resolves to a typed array over the buffer Python bound to name (a
  // NumPy array, array.array, memoryview...), pinned until free.
  async view(name, { signal } = {}) {
    const reply = String(await this._request("export", [String(name)], signal));
    const [status, format, , itemsize, nbytes, handle, address] = reply.split("\x1f");
    if (status !== "ok") {
      throw new SabkitError("ViewError", "sabkit: view(" + JSON.stringify(name) + "): " + status + (format ? " (" + format + ")" : ""));
    }
    const T = byFormat[format.replace(/^[@=<]/, "")];
    if (!T || T.BYTES_PER_ELEMENT !== Number(itemsize)) {
      this._request("release", [Number(handle)]).catch(() => {});
      throw new SabkitError("ViewError", "sabkit: view(" + JSON.stringify(name) + "): format " + JSON.stringify(format) + " has no typed array");
    }
    const a = this._over(T, Number(address), Number(nbytes) / T.BYTES_PER_ELEMENT);
    this._arrays.set(a, Number(handle));
    return a;
  }

  // free releases an array from alloc or view: Python may reuse its bytes.
  async free(array, { signal } = {}) {
    const handle = this._arrays.get(array);
    if (handle === undefined) throw new TypeError("sabkit: free: not an array from this worker's alloc or view, or freed already");
    this._arrays.delete(array);
    await this._request("release", [handle], signal);
  }

  // call calls a Python callable by dotted name. Typed arrays over this
  // worker's heap arrive as arrays over the same bytes; numbers, strings,
  // booleans and null as values. It resolves to the result: a number,
  // string, boolean or null.
  async call(name, ...args) {
    let signal;
    if (args.length && args[args.length - 1] && typeof args[args.length - 1] === "object" &&
        !ArrayBuffer.isView(args[args.length - 1]) && "signal" in args[args.length - 1]) {
      signal = args.pop().signal;
    }
    let tags = "";
    const flat = [];
    for (const a of args) {
      if (a === null || a === undefined) tags += "n";
      else if (typeof a === "boolean") { tags += "?"; flat.push(a); }
      else if (typeof a === "number") { tags += Number.isInteger(a) ? "i" : "g"; flat.push(a); }
      else if (typeof a === "string") { tags += "s"; flat.push(a); }
      else if (ArrayBuffer.isView(a) && this._inHeap(a.buffer)) {
        const fmt = Object.values(DTYPES).find(([T]) => a instanceof T);
        if (!fmt) throw new TypeError("sabkit: call: a " + a.constructor.name + " has no Python format");
        tags += "v";
        flat.push(0, a.byteOffset, a.byteLength, fmt[1], 1, a.length);
      } else {
        throw new TypeError("sabkit: call: argument " + flat.length + " (" + Object.prototype.toString.call(a) +
          ") is not a number, string, boolean, null or a typed array over this worker's heap");
      }
    }
    const r = String(await this._request("call", [String(name), tags, ...flat], signal));
    switch (r[0]) {
      case "n": return null;
      case "t": return true;
      case "f": return false;
      case "i": return Number(r.slice(1));
      case "d": return Number(r.slice(1));
      case "s": return r.slice(1);
      case "!": throw new SabkitError("NameError", "sabkit: call: " + r.slice(1));
    }
    throw new SabkitError("TypeError", "sabkit: call(" + JSON.stringify(name) + "): the result is a " + r.slice(1) + ", which has no JavaScript form here");
  }

  // _inHeap reports whether buf is one of the SharedArrayBuffers the heap's
  // memory.buffer has returned (a new one after each growth).
  _inHeap(buf) {
    this._buffers.add(this.memory.buffer);
    return this._buffers.has(buf);
  }

  // close ends the worker (or detaches from an attached Pyodide); pending
  // and later calls fail with ClosedError.
  async close() {
    if (!this._client) return;
    this._client.terminate();
    this._die(new ClosedError("sabkit: the worker was closed"));
  }
}
