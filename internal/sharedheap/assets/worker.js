// worker.js: boots Pyodide in a worker and serves a small RPC over
// postMessage. Runs as a classic DedicatedWorker script (next to
// sharedheap.js, or with sharedheap.js prepended in one Blob) and as a Node
// worker_threads script (file or eval).
//
// Start: the parent posts {op: "init", indexURL, shared = true, lockName,
// control, calls}. The worker first takes the Web Lock lockName and holds it until
// it ends, so the parent learns of its death by being granted the lock;
// then it posts {type: "alive"}. With shared, Pyodide boots on a shared heap
// (sabkitSharedHeap.loadPyodide); without, stock Pyodide boots (for
// comparisons). control is an Int32Array over a SharedArrayBuffer: slot 0
// becomes Pyodide's interrupt buffer (the parent stores 2 there to raise
// KeyboardInterrupt in the running code), slot 1 holds the id of the
// request being served, slot 2 is a spin lock held around changing slot 1
// and clearing slot 0 here and around checking slot 1 and setting slot 0 in
// the parent, and slot 3 + id % 1024 holds id when the parent cancelled that
// request before it started (the worker then skips it and answers {id, ok:
// false, skipped: true}). calls, when set, is the call channel that
// sharedheap.js describes: after each "call" the worker listens on it for
// a while, and requests and replies that arrive there are the same objects
// as the messages below. The worker answers
//   {type: "ready", memory, version, shared, memoryProperty, stats}
// where memory is the heap's WebAssembly.Memory (null when not shared: a
// non-shared Memory cannot be posted), or
//   {type: "error", error: {type, message}}
// and it forwards Python output as {type: "stdout" | "stderr", text}.
// When Pyodide suffers a fatal error (a wasm trap, for one) the worker posts
// {type: "fatal", error} and ends, since that Pyodide cannot run again.
//
// Requests {id, op, ...} are served one at a time, in order; each gets
// {id, ok: true, result} or {id, ok: false, error: {type, message, traceback}}:
//   {op: "run", code, stdin?}   runPython(code), or runPythonAsync(code) when
//                               it mentions await; result is the value
//                               converted to JSON-able JS (dicts become
//                               objects), or its repr() when it has no such
//                               form. stdin text is queued first.
//   {op: "alloc", name, dtype, shape}
//                               a zeroed array.array kept alive (and pinned
//                               by a memoryview, so its address is stable)
//                               under name; result {address, nbytes,
//                               itemsize, dtype, shape}. dtype: int8 uint8
//                               int16 uint16 int32 uint32 int64 uint64
//                               float32 float64.
//   {op: "free", name}          drops it; its bytes may be reused.
//   {op: "read", name}          a copy of its bytes as a transferred
//                               ArrayBuffer: the postMessage path, for
//                               threads that cannot share the heap.
//   {op: "call", fn, args}      calls the Python callable at the dotted
//                               path fn ("module.attr", resolved once and
//                               kept) with args as Pyodide converts them
//                               (numbers, strings, booleans, null, typed
//                               arrays as JsProxies); no source is parsed.
//                               A str result is returned as is, a typed
//                               array's buffer is transferred; like run, it
//                               can be interrupted.
//   {op: "stdin", text}         queues text for input() and sys.stdin; an
//                               empty queue reads as end of file.
//   {op: "info"}                {heapBytes, shared, stats}
//   {op: "close"}               answers, then ends the worker.
// Only this worker grows the heap; other threads re-derive their views when
// memory.buffer.byteLength changes.
"use strict";
(function () {
  const isNode = typeof process === "object" && process !== null && !!process.versions && typeof process.versions.node === "string" &&
    typeof require === "function";
  let port; // {post(msg), onMessage(fn), close()}
  if (isNode) {
    const wt = require("worker_threads");
    if (!globalThis.sabkitSharedHeap) {
      const path = require("path");
      require(path.join(typeof __dirname === "string" ? __dirname : ".", "sharedheap.js"));
    }
    port = {
      post: (m, transfer) => wt.parentPort.postMessage(m, transfer),
      onMessage: (fn) => wt.parentPort.on("message", fn),
      close: () => process.exit(0),
    };
  } else {
    if (!globalThis.sabkitSharedHeap) importScripts(new URL("sharedheap.js", self.location.href).href);
    port = {
      post: (m, transfer) => self.postMessage(m, transfer || []),
      onMessage: (fn) => self.addEventListener("message", (e) => fn(e.data)),
      close: () => self.close(),
    };
  }
  const SH = globalThis.sabkitSharedHeap;

  const DTYPES = {
    int8: "b", uint8: "B", int16: "h", uint16: "H", int32: "i", uint32: "I",
    int64: "q", uint64: "Q", float32: "f", float64: "d",
  };

  // Python side of alloc/free: arrays live in a dict, each pinned by a
  // memoryview so Python cannot move or resize it while it is exported.
  const PY_HELPERS = `
import array as _array
_sabkit_arrays = {}
def _sabkit_alloc(name, typecode, count):
    if name in _sabkit_arrays:
        raise KeyError(f"{name!r} is already allocated; free it first")
    a = _array.array(typecode, [0]) * count
    _sabkit_arrays[name] = (a, memoryview(a))
    return [a.buffer_info()[0], count * a.itemsize, a.itemsize]
def _sabkit_region(name):
    if name not in _sabkit_arrays:
        raise KeyError(f"no array named {name!r}")
    a = _sabkit_arrays[name][0]
    return [a.buffer_info()[0], len(a) * a.itemsize]
def _sabkit_free(name):
    if name not in _sabkit_arrays:
        raise KeyError(f"no array named {name!r}")
    a, view = _sabkit_arrays.pop(name)
    view.release()
`;

  let pyodide = null;
  let shared = false;
  let memory = null;
  const stdinQueue = [];

  function describe(e) {
    if (e && e.type !== undefined && typeof e.message === "string" && e.constructor && e.constructor.name === "PythonError") {
      const lines = e.message.trimEnd().split("\n");
      const type = String(e.type);
      let message = lines[lines.length - 1];
      if (message.startsWith(type + ": ")) message = message.slice(type.length + 2);
      return { type, message, traceback: e.message };
    }
    return { type: (e && e.name) || "Error", message: (e && e.message) || String(e), traceback: (e && e.stack) || "" };
  }

  function convert(v) {
    if (v === undefined || v === null) return null;
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (typeof v !== "object" && typeof v !== "function") return v;
    if (v && typeof v.toJs === "function" && typeof v.destroy === "function") { // a PyProxy
      try {
        const js = v.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
        JSON.stringify(js, (k, x) => (typeof x === "bigint" ? x.toString() : x)); // JSON-able, or throws
        return jsonable(js);
      } catch (e) {
        return pyodide.globals.get("repr")(v);
      } finally {
        v.destroy();
      }
    }
    return jsonable(v);
  }

  function jsonable(v) {
    return JSON.parse(JSON.stringify(v, (k, x) => {
      if (typeof x === "bigint") return Number.isSafeInteger(Number(x)) ? Number(x) : x.toString();
      if (ArrayBuffer.isView(x)) return Array.from(x, (y) => (typeof y === "bigint" ? y.toString() : y));
      if (x instanceof Map) return Object.fromEntries(x);
      if (x instanceof Set) return Array.from(x);
      return x;
    }));
  }

  async function init(msg) {
    const indexURL = msg.indexURL;
    shared = msg.shared !== false;
    if (shared) {
      const r = await SH.loadPyodide({ indexURL });
      pyodide = r.pyodide;
      memory = r.memory;
      return r.memoryProperty;
    }
    // Stock Pyodide, same loader path minus the hooks.
    if (isNode) {
      pyodide = await require(indexURL.replace(/\/?$/, "/") + "pyodide.js").loadPyodide({ indexURL });
    } else {
      const saved = globalThis.importScripts;
      globalThis.importScripts = () => { throw new TypeError("hidden"); };
      try {
        const mod = await new Function("u", "return import(u)")(new URL(indexURL.replace(/\/?$/, "/") + "pyodide.mjs", self.location.href).href);
        pyodide = await mod.loadPyodide({ indexURL: new URL(indexURL, self.location.href).href });
      } finally {
        globalThis.importScripts = saved;
      }
    }
    return "";
  }

  async function serve(msg) {
    switch (msg.op) {
      case "run":
        if (typeof msg.stdin === "string") stdinQueue.push(...splitLines(msg.stdin));
        // Code without top-level await runs synchronously: a KeyboardInterrupt
        // then unwinds plain frames, never the event-loop machinery of
        // runPythonAsync, which an interrupt can leave unsettled.
        return convert(/\bawait\b/.test(String(msg.code)) ? await pyodide.runPythonAsync(String(msg.code)) : pyodide.runPython(String(msg.code)));
      case "alloc": {
        const tc = DTYPES[msg.dtype];
        if (!tc) throw new TypeError("unknown dtype " + JSON.stringify(msg.dtype) + "; use one of " + Object.keys(DTYPES).join(", "));
        const shape = Array.isArray(msg.shape) ? msg.shape : [msg.shape];
        let count = 1;
        for (const n of shape) {
          if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("shape " + JSON.stringify(msg.shape) + " must hold non-negative integers");
          count *= n;
        }
        if (typeof msg.name !== "string" || msg.name === "") throw new TypeError("alloc needs a non-empty name");
        const r = pyodide.globals.get("_sabkit_alloc")(msg.name, tc, count);
        const [address, nbytes, itemsize] = r.toJs();
        r.destroy();
        return { address, nbytes, itemsize, dtype: msg.dtype, shape };
      }
      case "free":
        pyodide.globals.get("_sabkit_free")(String(msg.name));
        return null;
      case "read": {
        const r = pyodide.globals.get("_sabkit_region")(String(msg.name));
        const [address, nbytes] = r.toJs();
        r.destroy();
        return new Transfer(pyodide._module.HEAPU8.slice(address, address + nbytes).buffer);
      }
      case "call":
        return callOp(msg);
      case "stdin":
        stdinQueue.push(...splitLines(String(msg.text)));
        return stdinQueue.length;
      case "info":
        return { heapBytes: pyodide._module.HEAPU8.buffer.byteLength, shared, stats: SH.stats() };
      default:
        throw new TypeError("unknown op " + JSON.stringify(msg.op) + "; use run, call, alloc, free, read, stdin, info or close");
    }
  }

  function callOp(msg) {
    const r = callable(String(msg.fn))(...(Array.isArray(msg.args) ? msg.args : []));
    if (ArrayBuffer.isView(r)) return new Transfer(r.buffer.byteLength === r.byteLength ? r.buffer : r.slice().buffer);
    return convert(r);
  }

  // callables maps a dotted path to its PyProxy, looked up on first use.
  const callables = new Map();
  function callable(path) {
    let fn = callables.get(path);
    if (fn) return fn;
    const dot = path.lastIndexOf(".");
    if (dot <= 0) throw new TypeError("call needs a dotted path module.function, got " + JSON.stringify(path));
    const mod = pyodide.pyimport(path.slice(0, dot));
    const attr = mod[path.slice(dot + 1)];
    // The attribute is borrowed from mod: keep a copy that outlives it.
    fn = attr && typeof attr.copy === "function" ? attr.copy() : attr;
    mod.destroy();
    if (typeof fn !== "function") throw new TypeError(path + " is not a Python callable");
    callables.set(path, fn);
    return fn;
  }

  // Pyodide's stdin callback returns one line at a time; keep the newlines.
  function splitLines(text) {
    const parts = text.match(/[^\n]*\n|[^\n]+$/g);
    return parts || [];
  }

  // Transfer marks a result whose ArrayBuffer moves to the parent instead of
  // being cloned a second time.
  class Transfer {
    constructor(buffer) { this.buffer = buffer; }
  }

  const CTL_INTERRUPT = 0, CTL_SERVING = 1, CTL_LOCK = 2, CTL_CANCEL = 3, CTL_SLOTS = 1024;
  let ctl = null;

  // holdLock takes the Web Lock named name for the worker's whole life.
  function holdLock(name) {
    if (!name || typeof navigator !== "object" || !navigator || !navigator.locks) return Promise.resolve();
    return new Promise((granted) => {
      navigator.locks.request(name, () => {
        granted();
        return new Promise(() => {});
      }).catch(() => {});
    });
  }

  // begin marks msg as the request being served (so an interrupt reaches
  // it and nothing else) and reports whether it was cancelled before it
  // started.
  function begin(msg) {
    if (!ctl) return false;
    while (Atomics.compareExchange(ctl, CTL_LOCK, 0, 1) !== 0);
    Atomics.store(ctl, CTL_SERVING, msg.id);
    Atomics.store(ctl, CTL_INTERRUPT, 0);
    Atomics.store(ctl, CTL_LOCK, 0);
    return Atomics.load(ctl, CTL_CANCEL + msg.id % CTL_SLOTS) === msg.id;
  }

  // reply posts the answer to request id.
  function reply(id, result) {
    if (result instanceof Transfer) port.post({ id, ok: true, result: result.buffer }, [result.buffer]);
    else port.post({ id, ok: true, result });
  }

  // listen serves calls from the call channel until none came for
  // LISTEN_MS or a message is on its way (received and not served yet, or
  // posted and not received). It blocks this worker's event loop meanwhile,
  // which is why the client counts and signals every message it posts.
  let calls = null;
  let fatal = false; // Pyodide reported a fatal error: the worker is ending
  let received = 0; // requests received by message
  let queued = 0; // of which not yet started
  const quiet = () => queued === 0 && Atomics.load(calls, SH.channel.POSTED) === received;
  // open marks the channel as listened to before the reply goes out, so
  // the client's next call, sent as soon as it has the reply, finds it open.
  function open() {
    if (quiet()) Atomics.store(calls, SH.channel.STATE, SH.channel.LISTENING);
  }
  function listen() {
    const C = SH.channel;
    let until = performance.now() + C.LISTEN_MS;
    let spinUntil = performance.now() + C.SPIN_MS;
    if (Atomics.load(calls, C.STATE) === C.IDLE) return;
    for (;;) {
      while (Atomics.load(calls, C.STATE) === C.LISTENING && performance.now() < spinUntil);
      const left = until - performance.now();
      if (left > 0 && quiet()) Atomics.wait(calls, C.STATE, C.LISTENING, left);
      if (fatal) return;
      if (Atomics.load(calls, C.STATE) === C.REQUEST) {
        Atomics.store(calls, C.STATE, C.BUSY);
        serveChannel(C);
        until = performance.now() + C.LISTEN_MS;
        spinUntil = performance.now() + C.SPIN_MS;
      } else if ((!quiet() || performance.now() >= until) &&
          Atomics.compareExchange(calls, C.STATE, C.LISTENING, C.IDLE) === C.LISTENING) {
        return; // else a request came in just now: serve it first
      }
    }
  }

  function serveChannel(C) {
    let msg = null, answer;
    try {
      msg = C.read(calls);
      if (begin(msg)) answer = { id: msg.id, ok: false, skipped: true };
      else {
        const result = callOp(msg);
        answer = result instanceof Transfer ? null : { id: msg.id, ok: true, result };
        if (!answer) reply(msg.id, result);
      }
    } catch (e) {
      answer = { id: msg ? msg.id : 0, ok: false, error: describe(e) };
    }
    // After a fatal error the client must hear "fatal" (posted) first.
    if (fatal) return;
    if (!answer || !C.write(calls, answer)) {
      if (answer) port.post(answer);
      Atomics.store(calls, C.LEN, -1);
    }
    Atomics.store(calls, C.STATE, C.LISTENING); // before the reply: see open
    Atomics.store(calls, C.REPLY, msg ? msg.id : 0);
    Atomics.notify(calls, C.REPLY);
  }

  let chain = Promise.resolve();
  let booted = null;
  port.onMessage((msg) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.op === "init") {
      if (booted) return;
      if (msg.control instanceof Int32Array) ctl = msg.control;
      if (msg.calls instanceof Int32Array) calls = msg.calls;
      booted = holdLock(msg.lockName).then(() => {
        port.post({ type: "alive" });
        return init(msg);
      }).then((memoryProperty) => {
        if (pyodide._api) {
          pyodide._api.on_fatal = (e) => {
            fatal = true;
            port.post({ type: "fatal", error: describe(e) });
            port.close();
          };
        }
        if (ctl) pyodide.setInterruptBuffer(new Int32Array(ctl.buffer, 0, 1));
        pyodide.setStdin({ stdin: () => (stdinQueue.length ? stdinQueue.shift() : undefined), autoEOF: true });
        pyodide.setStdout({ batched: (text) => port.post({ type: "stdout", text }) });
        pyodide.setStderr({ batched: (text) => port.post({ type: "stderr", text }) });
        pyodide.runPython(PY_HELPERS);
        port.post({ type: "ready", memory, version: pyodide.version, shared, memoryProperty, stats: SH.stats() });
      }, (e) => {
        port.post({ type: "error", error: describe(e) });
      });
      return;
    }
    if (msg.id === undefined) return;
    received++;
    queued++;
    chain = chain.then(async () => {
      queued--;
      if (!booted) throw new Error("the worker has not been sent {op: \"init\"}");
      await booted;
      if (!pyodide) throw new Error("Pyodide did not boot in this worker");
      if (begin(msg)) {
        port.post({ id: msg.id, ok: false, skipped: true });
        return;
      }
      if (msg.op === "close") {
        port.post({ id: msg.id, ok: true, result: null });
        port.close();
        return;
      }
      const isCall = msg.op === "call" && calls !== null;
      try {
        const result = await serve(msg);
        if (isCall) open();
        reply(msg.id, result);
      } catch (e) {
        if (isCall) open();
        port.post({ id: msg.id, ok: false, error: describe(e) });
      }
      if (isCall) listen();
    }).catch((e) => port.post({ id: msg.id, ok: false, error: describe(e) }));
  });
})();
