// worker.js: sabkit's worker protocol, both halves, in one plain script.
//
// It defines globalThis.sabkitWorker (module.exports under CommonJS):
//
//   start(options) -> Promise<client>
//       Starts this script in a DedicatedWorker (a worker_threads Worker
//       under Node), boots Pyodide there (on a shared heap unless
//       options.shared is false) and resolves once Python is ready to
//       {memory, version, shared, memoryProperty, stats, worker,
//       request(op, args[, immediate]) -> id (args: an array, or its JSON
//       text; with immediate, the reply when answered at once: a string
//       result as itself, else {id, ok, value}),
//       cancel(id), abandon(id), counts(), dead(),
//       terminate()}. Options: indexURL, scriptURL (or source: this script
//       after sharedheap.js), shared, channel (false: postMessage only),
//       helpers, onReply(id, ok, resultOrError), onDeath(error),
//       onOutput(stream, text). An error's name is the Python exception
//       type (with .pythonType and .traceback), "CanceledError",
//       "WorkerDeadError" or "WorkerClosedError"; interrupted is set on one
//       that ends a canceled request Python was running.
//   attach(pyodide, {helpers, onReply}) -> client
//       The same requests served on this thread by a Pyodide the caller
//       booted, through a client shaped like start()'s; cancel skips only
//       a request that has not started, terminate() detaches.
//   discard(promise)
//       Ends the worker of a start() nobody waits for any more.
//   REQUESTS, USER_REQUESTS
//       The vocabulary below.
//
// Run as the main script of a worker that start() created (the worker is
// named "sabkit-pyodide"; under Node it gets workerData {sabkit: "pyodide"}),
// it serves the requests instead. It needs sharedheap.js (the loader, the
// hooks and the shims): a worker imports it from next to this script unless
// sabkitSharedHeap is already defined, which is how a Blob holding both runs.
//
// ## Requests
//
// Every request is {id, op, args}, args an array of JSON values (and, for
// call, typed arrays), answered in order, one at a time, with
//   {id, ok: true, result}
//   {id, ok: false, error: {type, message, traceback}}
//   {id, ok: false, skipped: true}            canceled before it started
//   {id, ok: false, interrupted: true, error} canceled while it ran: Python
//                                             raised KeyboardInterrupt
// The ops:
//   run [code]            the user's code: runPython(code), or
//                         runPythonAsync(code) when it mentions await;
//                         result is the value converted to JSON-able JS
//                         (dicts become objects), or its repr() as a string.
//                         The only request that parses Python source.
//   call [target, tags, ...flat]
//                         the user's code: a Python callable by handle or
//                         dotted name (the helper's call); a str result
//                         arrives as is, bytes as a transferred Uint8Array.
//   loadPackage [names]   pyodide.loadPackage(names) through sharedheap.js's
//                         loadPackages: a package that did not load is a
//                         PackageLoadError.
//   stdin [text]          queues text for input() and sys.stdin, line by
//                         line; an empty queue reads as end of file.
//   info []               {heapBytes, shared, stats}.
//   close []              answers, then ends the worker.
//   any name the helper module lists in REQUESTS (alloc, export, release,
//   ...): that function of the module, called with args through the PyProxy
//   the worker took at boot. Nothing is looked up in __main__, nothing is
//   parsed.
// run, call and loadPackage run the user's code: cancel interrupts them.
// The helper's requests are the bridge's bookkeeping: once started they run
// to their end and their reply is delivered, so the caller can register or
// roll back what they did; a stale interrupt never lands in them.
//
// ## Boot
//
// The client posts {op: "init", indexURL, baseURL, shared, lockName,
// control, calls, helpers}; baseURL is the client's location, which relative
// package URLs are resolved against (the worker's own may be a blob:). The
// worker takes the Web Lock lockName for its whole life (the
// client learns of its death by being granted it), posts {type: "alive"},
// boots Pyodide, installs helpers ({dir, main, modules: {name: source}})
// into dir, imports them and answers
//   {type: "ready", memory, version, shared, memoryProperty, stats}
// (memory is null for a stock heap, which cannot be posted), or
//   {type: "error", error}. It forwards output as {type: "stdout" |
// "stderr", text}, and on a fatal Pyodide error (a wasm trap) posts
// {type: "fatal", error} and ends: that Pyodide cannot run again.
//
// ## Shared memory
//
// control (Int32 slots): CTL_INTERRUPT is Pyodide's interrupt buffer;
// CTL_SERVING the id of the request being served or last served; CTL_LOCK a
// spin lock around changing CTL_SERVING (and clearing the interrupt) in the
// worker and around "is id being served? then interrupt it" in the client,
// so an interrupt never lands in another request; CTL_CANCEL + id %
// CTL_SLOTS holds id once that request is canceled (the client marks none
// CTL_SLOTS or more ahead of the worker).
//
// calls, where both threads have Atomics.waitAsync, carries requests and
// replies without postMessage. CH_STATE: CH_LISTENING (the worker takes a
// request), CH_REQUEST (one is written), CH_BUSY (the worker took it);
// CH_LEN: length of the request, then of the reply (-1: the reply went by
// postMessage); CH_REPLY: id of the last reply; CH_POSTED: messages the
// client posted; CH_ASLEEP: the id whose reply the client stopped spinning
// for; CH_WORKER_ASLEEP: 1 while the worker waits rather than spins. The
// request or reply, JSON as UTF-16 code units, follows the header (CH_HEADER
// bytes). The worker waits on
// CH_STATE with Atomics.waitAsync, so it listens the whole time and its
// event loop still receives messages. The channel carries a request only
// while the worker spins and nothing else is pending (requests stay in
// order), and a reply only while the client spins: a thread that sleeps is
// woken by a message, which engines deliver sooner than a waitAsync
// wake-up.
"use strict";
(function (root) {
  const isNode = typeof process === "object" && process !== null && !!process.versions &&
    typeof process.versions.node === "string";
  const nodeRequire = () => (typeof require === "function" ? require : globalThis.require);

  // ---- The vocabulary ----

  const WORKER_REQUESTS = ["run", "call", "loadPackage", "stdin", "info", "close"];
  const USER_REQUESTS = ["run", "call", "loadPackage"];
  const isUser = (op) => op === "run" || op === "call" || op === "loadPackage";

  // ---- Shared memory ----

  const CTL_INTERRUPT = 0, CTL_SERVING = 1, CTL_LOCK = 2, CTL_CANCEL = 3, CTL_SLOTS = 1 << 16;
  const CH_STATE = 0, CH_LEN = 1, CH_REPLY = 2, CH_POSTED = 3, CH_ASLEEP = 4, CH_WORKER_ASLEEP = 5;
  const CH_HEADER = 32, CH_BYTES = 1 << 16;
  const CH_LISTENING = 1, CH_REQUEST = 2, CH_BUSY = 3;
  // The client spins this long for a reply before it sleeps, and the worker
  // this long for the next request: waking a sleeping thread costs more
  // than a whole small request. The client's spin holds the user interface
  // and covers a small request's round trip; the worker's is longer, as a
  // caller's next request is often a moment away.
  const CH_SPIN_MS = 0.1;
  const CH_WORKER_SPIN_MS = 2;
  // waitAsync wake-ups can be lost (WebKit): every wait re-checks this often.
  const CH_RECHECK_MS = 100;

  const lock = (ctl) => { while (Atomics.compareExchange(ctl, CTL_LOCK, 0, 1) !== 0); };
  const unlock = (ctl) => Atomics.store(ctl, CTL_LOCK, 0);
  const marked = (ctl, id) => Atomics.load(ctl, CTL_CANCEL + id % CTL_SLOTS) === id;

  // The channel carries JSON as UTF-16 code units, copied one by one: a
  // TextEncoder or TextDecoder call into the browser costs more than the
  // loop for a small request, and a JavaScript string is UTF-16 already.
  const units = (ch) => ch.units || (ch.units = new Uint16Array(ch.buffer, CH_HEADER, CH_BYTES / 2));

  // channelWrite puts msg into the channel as JSON (text, when given, is
  // that JSON already), or returns false when it does not fit.
  function channelWrite(ch, msg, text) {
    const s = text === undefined ? JSON.stringify(msg) : text;
    const u = units(ch);
    if (s.length > u.length) return false;
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    Atomics.store(ch, CH_LEN, s.length);
    return true;
  }

  function channelRead(ch) {
    const n = Atomics.load(ch, CH_LEN);
    const u = units(ch);
    // fromCharCode takes its units as arguments: a few thousand at a time
    // stays within every engine's limit on arguments.
    let s = "";
    for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, u.subarray(i, Math.min(n, i + 4096)));
    return JSON.parse(s);
  }

  // jsonArgs reports whether args survive JSON unchanged.
  function jsonArgs(args) {
    if (!Array.isArray(args)) return false;
    for (const a of args) {
      const t = typeof a;
      if (a === null || t === "string" || t === "boolean") continue;
      if (t === "number" && Number.isFinite(a) && !Object.is(a, -0)) continue;
      if (Array.isArray(a) && jsonArgs(a)) continue;
      return false;
    }
    return true;
  }

  function namedError(name, message) {
    const e = new Error(message);
    e.name = name;
    return e;
  }

  // remoteError turns a reply's {type, message, traceback} into an Error
  // named for the Python exception (pythonType is set only for one).
  function remoteError(err) {
    const e = new Error((err && err.message) || String(err));
    e.name = (err && err.type) || "Error";
    e.traceback = (err && err.traceback) || "";
    e.pythonType = e.traceback.startsWith("Traceback") ? e.name : "";
    return e;
  }

  // describe turns what a request threw into {type, message, traceback}:
  // a Python exception by its class, anything else by its name.
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

  const isPrimitive = (x) => x === null || (typeof x !== "object" && typeof x !== "function" && typeof x !== "bigint");

  // convert turns a result into something postMessage and JSON carry:
  // PyProxies become JS values (destroyed after), or their repr() in
  // pyodide.
  function convert(pyodide, v) {
    if (v === undefined || v === null) return null;
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (typeof v !== "object" && typeof v !== "function") return v;
    if (typeof v.toJs === "function" && typeof v.destroy === "function") { // a PyProxy
      try {
        const js = v.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
        if (Array.isArray(js) && js.every(isPrimitive)) return js; // tuples of the helper's answers
        JSON.stringify(js, (k, x) => (typeof x === "bigint" ? x.toString() : x)); // JSON-able, or throws
        return jsonable(js);
      } catch (e) {
        // builtins' repr: a repr bound in __main__ is the user's.
        const builtins = pyodide.pyimport("builtins");
        try {
          return builtins.repr(v);
        } finally {
          builtins.destroy();
        }
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

  // Transfer marks a result whose ArrayBuffer moves to the client.
  class Transfer {
    constructor(buffer) { this.buffer = buffer; }
  }

  const awaits = (op) => op === "run" || op === "loadPackage";

  function splitLines(text) {
    return text.match(/[^\n]*\n|[^\n]+$/g) || [];
  }

  // requestHandlers serves the requests for one Pyodide, in a worker
  // (serve) or on the caller's thread (attach): runNow those that finish
  // without awaiting, run the others (awaits says which). h: {pyodide,
  // helpers (op -> PyProxy), shared, baseURL, stdinQueue}.
  function requestHandlers(h) {
    const { pyodide, helpers, shared, baseURL, stdinQueue } = h;
    const SH = root.sabkitSharedHeap;
    return {
      runNow(msg) {
        const args = Array.isArray(msg.args) ? msg.args : [];
        switch (msg.op) {
          case "stdin":
            stdinQueue.push(...splitLines(String(args[0])));
            return stdinQueue.length;
          case "info":
            return { heapBytes: pyodide._module.HEAPU8.buffer.byteLength, shared, stats: SH.stats() };
        }
        const fn = helpers && Object.prototype.hasOwnProperty.call(helpers, msg.op) ? helpers[msg.op] : null;
        if (!fn) {
          throw new TypeError("unknown request " + JSON.stringify(msg.op) + "; the worker serves " +
            WORKER_REQUESTS.concat(helpers ? Object.keys(helpers) : []).join(", "));
        }
        const r = fn(...args);
        if (ArrayBuffer.isView(r)) return new Transfer(r.buffer.byteLength === r.byteLength ? r.buffer : r.slice().buffer);
        return convert(pyodide, r);
      },
      async run(msg) {
        const args = Array.isArray(msg.args) ? msg.args : [];
        if (msg.op === "loadPackage") {
          await SH.loadPackages(pyodide, args.map(String), baseURL);
          return null;
        }
        const code = String(args[0]);
        // Code without top-level await runs synchronously: an interrupt then
        // unwinds plain frames, never runPythonAsync's event loop.
        return convert(pyodide, /\bawait\b/.test(code) ? await pyodide.runPythonAsync(code) : pyodide.runPython(code));
      },
    };
  }

  // ---- The client ----

  let serial = 0;

  function start(options) {
    const o = Object.assign({}, options || {});
    if (typeof o.indexURL !== "string" || o.indexURL === "") {
      return Promise.reject(new TypeError("sabkitWorker.start: set options.indexURL to the folder that serves Pyodide"));
    }
    // The callbacks may be Go functions released after terminate().
    let onReply = typeof o.onReply === "function" ? o.onReply : () => {};
    let onDeath = typeof o.onDeath === "function" ? o.onDeath : () => {};
    let onOutput = typeof o.onOutput === "function" ? o.onOutput : () => {};
    const detach = () => { onReply = onDeath = onOutput = () => {}; };
    let indexURL = o.indexURL;
    let w, port;
    // The worker holds this Web Lock for its whole life; the lock manager
    // releases it when the worker ends for any reason (close(), terminate(),
    // a crash), which is how a dead worker is noticed without a request.
    const lockName = typeof navigator === "object" && navigator && navigator.locks ?
      "sabkit-worker-" + (++serial) + "-" + Math.random().toString(36).slice(2) : "";
    try {
      if (isNode) {
        const req = nodeRequire();
        indexURL = req("path").resolve(indexURL) + "/";
        const { Worker } = req("worker_threads");
        const wopts = { workerData: { sabkit: "pyodide" } };
        w = o.scriptURL ? new Worker(o.scriptURL, wopts) : new Worker(o.source, Object.assign({ eval: true }, wopts));
        port = {
          post: (m) => w.postMessage(m),
          on: (onMessage, onFailure) => {
            w.on("message", onMessage);
            w.on("error", (e) => onFailure("the worker threw: " + (e && e.message || e)));
            w.on("exit", (code) => onFailure("the worker exited (code " + code + ")"));
          },
          terminate: () => w.terminate(),
        };
      } else {
        indexURL = new URL(indexURL.endsWith("/") ? indexURL : indexURL + "/", location.href).href;
        let url = o.scriptURL;
        if (!url) url = URL.createObjectURL(new Blob([o.source], { type: "text/javascript" }));
        w = new Worker(url, { name: "sabkit-pyodide" });
        port = {
          post: (m) => w.postMessage(m),
          on: (onMessage, onFailure) => {
            w.addEventListener("message", (e) => onMessage(e.data));
            w.addEventListener("messageerror", () => onFailure("a message from the worker could not be deserialized"));
            w.addEventListener("error", (e) => {
              e.preventDefault();
              onFailure(e.message ? "the worker threw: " + e.message :
                "the worker script " + (o.scriptURL || "(blob)") + " failed to load or threw at startup");
            });
          },
          terminate: () => w.terminate(),
        };
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const ctl = typeof SharedArrayBuffer === "function" ? new Int32Array(new SharedArrayBuffer(4 * (CTL_CANCEL + CTL_SLOTS))) : null;
    // The channel needs Atomics.waitAsync: this thread must not block, and
    // the worker listens with it.
    const ch = ctl && typeof Atomics.waitAsync === "function" && o.channel !== false ?
      new Int32Array(new SharedArrayBuffer(CH_HEADER + CH_BYTES)) : null;
    const pending = new Map(); // id -> op
    let nextId = 0;
    let failed = null;
    let onChannel = 0, posted = 0;
    return new Promise((resolve, reject) => {
      let client = null;
      const settle = (id, ok, value) => {
        if (!pending.delete(id)) return;
        onReply(id, ok, value);
      };
      const end = (err, dead) => {
        if (failed) return;
        failed = err;
        port.terminate();
        for (const id of Array.from(pending.keys())) settle(id, false, err);
        if (!client) {
          detach();
          reject(err);
        } else if (dead) onDeath(err);
      };
      const fail = (why) => end(namedError("WorkerDeadError", "the worker died: " + why), true);
      const skipped = () => namedError("CanceledError", "skipped: the worker had not started it");
      // outcome turns a reply into [ok, resultOrError].
      const outcome = (m) => {
        if (m.ok) return [true, m.result];
        if (m.skipped) return [false, skipped()];
        const e = remoteError(m.error);
        if (m.interrupted) e.interrupted = true;
        return [false, e];
      };
      const settleReply = (m) => {
        const [ok, v] = outcome(m);
        settle(m.id, ok, v);
      };
      // sendOnChannel hands a request to the listening worker; false: post it.
      const sendOnChannel = (request, id) => {
        if (!ch || pending.size !== 1 || (request.text === undefined && !jsonArgs(request.args)) ||
            Atomics.load(ch, CH_STATE) !== CH_LISTENING || Atomics.load(ch, CH_WORKER_ASLEEP) === 1) return false;
        const text = request.text === undefined ? undefined :
          '{"id":' + id + ',"op":' + JSON.stringify(request.op) + ',"args":' + request.text + "}";
        if (!channelWrite(ch, { id, op: request.op, args: request.args }, text)) return false;
        if (Atomics.compareExchange(ch, CH_STATE, CH_LISTENING, CH_REQUEST) !== CH_LISTENING) return false;
        Atomics.notify(ch, CH_STATE);
        onChannel++;
        const spinUntil = performance.now() + CH_SPIN_MS;
        while (Atomics.load(ch, CH_REPLY) !== id && performance.now() < spinUntil);
        if (Atomics.load(ch, CH_REPLY) === id && Atomics.load(ch, CH_LEN) >= 0) {
          // Answered while this thread spun: the reply is request()'s value.
          pending.delete(id);
          const [ok, value] = outcome(channelRead(ch));
          return { id, ok, value };
        }
        // Otherwise the reply is settled from a later microtask or task,
        // never inside request(): its caller may hold a lock onReply takes.
        // The worker posts it (a prompter wake-up) unless it wrote it
        // already; the channel is watched too, for that case.
        Atomics.store(ch, CH_ASLEEP, id);
        const wait = () => {
          // Wait on what the slot holds now: a skipped request's late reply
          // may have changed it since, and waiting on an older value would
          // return at once, again and again.
          const seen = Atomics.load(ch, CH_REPLY);
          if (seen === id) return Promise.resolve().then(check);
          const r = Atomics.waitAsync(ch, CH_REPLY, seen, CH_RECHECK_MS);
          if (r.async) r.value.then(check); else Promise.resolve().then(check);
        };
        const check = () => {
          if (!pending.has(id) || failed) return;
          if (Atomics.load(ch, CH_REPLY) !== id) return wait();
          if (Atomics.load(ch, CH_LEN) < 0) return; // the reply comes by postMessage
          settleReply(channelRead(ch));
        };
        wait();
        return true;
      };
      port.on((m) => {
        if (!m || typeof m !== "object" || failed) return;
        if (m.type === "alive") {
          if (lockName) {
            navigator.locks.request(lockName, () => {
              fail("it closed itself (self.close() or js.close()), was terminated, or crashed");
            }).catch(() => {});
          }
        } else if (m.type === "ready") {
          client = {
            memory: m.memory, version: m.version, shared: m.shared, memoryProperty: m.memoryProperty, stats: m.stats,
            worker: w,
            // request sends {op, args} and returns its id; the reply goes
            // to options.onReply(id, ok, resultOrError), never before
            // request() returns. With immediate set, a reply that came over
            // the channel while request() waited a moment is returned
            // instead, and onReply is not called: a caller that can use it
            // skips a turn of the event loop. A string result is returned
            // as itself, any other reply as {id, ok, value}.
            request(op, args, immediate) {
              const id = ++nextId;
              if (failed) {
                Promise.resolve().then(() => onReply(id, false, failed));
                return id;
              }
              pending.set(id, String(op));
              // args is an array, or the JSON text of one (Go sends that:
              // one string crosses from Go to JavaScript in one step).
              const request = typeof args === "string" ? { op: String(op), text: args } :
                { op: String(op), args: Array.isArray(args) ? args : [] };
              const sent = sendOnChannel(request, id);
              if (sent === true) return id;
              if (sent) {
                if (immediate === true) return sent.ok && typeof sent.value === "string" ? sent.value : sent;
                Promise.resolve().then(() => onReply(id, sent.ok, sent.value));
                return id;
              }
              try {
                port.post({ id, op: request.op, args: request.text === undefined ? request.args : JSON.parse(request.text) });
              } catch (e) {
                // The worker serves ids in order: it still needs this one.
                port.post({ id, op: "none", args: [] });
                Promise.resolve().then(() => settle(id, false, e));
              }
              posted++;
              if (ch) Atomics.add(ch, CH_POSTED, 1); // ends the worker's spin
              return id;
            },
            // cancel stops request id: "skipped" (the worker had not
            // started it; settled now), "interrupted" (a user request
            // running now got KeyboardInterrupt; its reply follows),
            // "finishing" (it ran or runs to its end; its reply follows) or
            // "done" (already answered).
            cancel(id) {
              const op = pending.get(id);
              if (op === undefined) return "done";
              if (!ctl) {
                settle(id, false, namedError("CanceledError", "abandoned: this thread has no SharedArrayBuffer to cancel with"));
                return "skipped";
              }
              // A mark lives in slot id % CTL_SLOTS until a later id takes
              // it: one that far ahead of the worker cannot be marked, as
              // it would erase the mark of a request still on its way.
              // (The request being served only grows, so this reading is
              // safe.) It runs when its turn comes, like a started one.
              if (id - Atomics.load(ctl, CTL_SERVING) >= CTL_SLOTS) return "finishing";
              Atomics.store(ctl, CTL_CANCEL + id % CTL_SLOTS, id);
              lock(ctl);
              const serving = Atomics.load(ctl, CTL_SERVING);
              const interrupt = serving === id && isUser(op);
              if (interrupt) Atomics.store(ctl, CTL_INTERRUPT, 2);
              unlock(ctl);
              if (serving < id) {
                settle(id, false, skipped());
                return "skipped";
              }
              return interrupt ? "interrupted" : "finishing";
            },
            // abandon stops waiting for request id whatever it is doing.
            abandon(id) {
              settle(id, false, namedError("CanceledError", "abandoned while the worker ran it"));
            },
            // counts: requests pending, sent on the channel, posted.
            counts: () => ({ pending: pending.size, channel: onChannel, posted }),
            dead: () => failed !== null,
            // terminate ends the worker now; pending requests fail.
            terminate() {
              end(namedError("WorkerClosedError", "the worker was closed"), false);
              detach();
            },
          };
          resolve(client);
        } else if (m.type === "fatal") {
          fail("Pyodide suffered a fatal error: " + ((m.error && m.error.message) || "unknown"));
        } else if (m.type === "error") {
          end(remoteError(m.error), true);
        } else if (m.type === "stdout" || m.type === "stderr") {
          onOutput(m.type, m.text);
        } else if (m.id !== undefined && pending.has(m.id)) {
          settleReply(m);
        }
      }, fail);
      const baseURL = typeof location !== "undefined" && location ? String(location.href) : "";
      port.post({ op: "init", indexURL, baseURL, shared: o.shared !== false, lockName, control: ctl, calls: ch, helpers: o.helpers || null });
    });
  }

  // attach serves the requests on this thread, from a Pyodide the caller
  // booted, through a client shaped like start()'s. Requests run one at a
  // time in order; cancel skips one that has not started, and one that
  // has runs to its end (Python on this thread cannot be interrupted while
  // it runs). terminate() detaches: pending and later requests fail with
  // WorkerClosedError, and the Pyodide stays as it is.
  function attach(pyodide, options) {
    const o = Object.assign({}, options || {});
    const SH = root.sabkitSharedHeap;
    let onReply = typeof o.onReply === "function" ? o.onReply : () => {};
    const helpers = o.helpers ? SH.installHelpers(pyodide, o.helpers) : {};
    const waiting = new Map(); // id -> op, not started
    let nextId = 0, failed = null, chain = Promise.resolve();
    const m = pyodide._module;
    const handlers = requestHandlers({
      pyodide, helpers, shared: SH.isSharedView(m.HEAPU8), stdinQueue: [],
      baseURL: typeof location !== "undefined" && location ? String(location.href) : "",
    });
    const serveOne = async (msg) => {
      if (!waiting.delete(msg.id)) return; // skipped
      if (failed) return onReply(msg.id, false, failed);
      try {
        const r = awaits(msg.op) ? await handlers.run(msg) : handlers.runNow(msg);
        onReply(msg.id, true, r instanceof Transfer ? r.buffer : r);
      } catch (e) {
        onReply(msg.id, false, remoteError(describe(e)));
      }
    };
    const found = SH.findMemory(pyodide, []);
    // A Pyodide that keeps its Memory private: an object whose buffer is
    // always the heap's current one (Emscripten replaces HEAPU8 on growth).
    const memory = found.memory || Object.create(WebAssembly.Memory.prototype, { buffer: { get() { return m.HEAPU8.buffer; } } });
    return {
      memory, version: pyodide.version, shared: SH.isSharedView(m.HEAPU8), memoryProperty: found.property,
      request(op, args) {
        const id = ++nextId;
        const list = typeof args === "string" ? JSON.parse(args) : args;
        waiting.set(id, String(op));
        chain = chain.then(() => serveOne({ id, op: String(op), args: Array.isArray(list) ? list : [] }));
        return id;
      },
      cancel(id) {
        if (!waiting.delete(id)) return "finishing";
        Promise.resolve().then(() => onReply(id, false, namedError("CanceledError", "skipped: it had not started")));
        return "skipped";
      },
      abandon(id) { waiting.delete(id); },
      counts: () => ({ pending: waiting.size, channel: 0, posted: 0 }),
      dead: () => false,
      terminate() {
        if (failed) return;
        failed = namedError("WorkerClosedError", "detached from this Pyodide");
        for (const id of Array.from(waiting.keys())) {
          waiting.delete(id);
          onReply(id, false, failed);
        }
        onReply = () => {};
      },
    };
  }

  function discard(p) {
    Promise.resolve(p).then((c) => c.terminate(), () => {});
  }

  // ---- The server ----

  function serve(port) {
    const SH = root.sabkitSharedHeap;
    let pyodide = null, shared = false, memory = null, baseURL = "";
    let helpers = null; // op -> PyProxy of the helper module's function
    let ctl = null, calls = null;
    let fatal = false;
    let current = null; // the request being served
    let printed = 0; // output messages posted
    const stdinQueue = [];
    let handlers = null;

    async function boot(msg) {
      shared = msg.shared !== false;
      baseURL = typeof msg.baseURL === "string" ? msg.baseURL : "";
      const r = await SH.loadPyodide({ indexURL: msg.indexURL, shared });
      pyodide = r.pyodide;
      memory = r.memory;
      if (pyodide._api) {
        pyodide._api.on_fatal = (e) => {
          fatal = true;
          port.post({ type: "fatal", error: describe(e) });
          port.close();
        };
      }
      if (ctl) pyodide.setInterruptBuffer(new Int32Array(ctl.buffer, 0, 1));
      pyodide.setStdin({ stdin: () => (stdinQueue.length ? stdinQueue.shift() : undefined), autoEOF: true });
      pyodide.setStdout({ batched: (text) => { printed++; port.post({ type: "stdout", text }); } });
      pyodide.setStderr({ batched: (text) => { printed++; port.post({ type: "stderr", text }); } });
      if (msg.helpers) {
        helpers = SH.installHelpers(pyodide, msg.helpers);
        // An interrupt Python read but had not acted on when its request
        // ended would otherwise raise in the next one: only a canceled user
        // request takes KeyboardInterrupt.
        const mod = pyodide.pyimport(String(msg.helpers.main));
        if (typeof mod.guard_interrupts === "function") mod.guard_interrupts(interruptWanted);
        mod.destroy();
      }
      handlers = requestHandlers({ pyodide, helpers, shared, baseURL, stdinQueue });
      return r.memoryProperty;
    }

    function interruptWanted() {
      return current !== null && isUser(current.op) && ctl !== null && marked(ctl, current.id);
    }

    // begin makes msg the request being served (an interrupt reaches it and
    // nothing else) and reports whether it was canceled before it started.
    function begin(msg) {
      current = msg;
      if (!ctl) return false;
      lock(ctl);
      Atomics.store(ctl, CTL_SERVING, msg.id);
      Atomics.store(ctl, CTL_INTERRUPT, 0);
      unlock(ctl);
      return marked(ctl, msg.id);
    }

    function failed(msg, e) {
      const a = { id: msg.id, ok: false, error: describe(e) };
      if (a.error.type === "KeyboardInterrupt" && ctl && marked(ctl, msg.id)) a.interrupted = true;
      return a;
    }

    function answerNow(msg) {
      if (begin(msg)) return { id: msg.id, ok: false, skipped: true };
      try {
        return { id: msg.id, ok: true, result: handlers.runNow(msg) };
      } catch (e) {
        return failed(msg, e);
      } finally {
        current = null;
      }
    }

    async function answer(msg) {
      if (!awaits(msg.op)) return answerNow(msg);
      if (begin(msg)) return { id: msg.id, ok: false, skipped: true };
      try {
        return { id: msg.id, ok: true, result: await handlers.run(msg) };
      } catch (e) {
        return failed(msg, e);
      } finally {
        current = null;
      }
    }

    function post(a) {
      const r = a.result;
      if (r instanceof Transfer) port.post({ id: a.id, ok: true, result: r.buffer }, [r.buffer]);
      else port.post(a);
    }

    // reply answers a request, on the channel when it came that way.
    function reply(a, viaChannel, printedBefore) {
      if (!viaChannel) return post(a);
      // A reply after output goes the same way, so it arrives after it; a
      // client that stopped spinning is woken sooner by a message.
      if (printed !== printedBefore || a.result instanceof Transfer || Atomics.load(calls, CH_ASLEEP) === a.id ||
          !channelWrite(calls, a)) {
        post(a);
        Atomics.store(calls, CH_LEN, -1);
      }
      Atomics.store(calls, CH_STATE, CH_LISTENING); // before the reply: the next request finds it open
      Atomics.store(calls, CH_REPLY, a.id);
      // Only a client that stopped spinning waits; it says so before it
      // looks at CH_REPLY, so it sees this reply or this thread sees it.
      if (Atomics.load(calls, CH_ASLEEP) === a.id) Atomics.notify(calls, CH_REPLY);
    }

    // The queue: requests by message and by channel, served in the order
    // of their ids. A request on the channel can arrive before earlier ones
    // still on their way by message (the client settles a skipped request
    // at once, but its message still travels): it waits for them, so the
    // request being served only moves forward, which cancel relies on.
    let chain = Promise.resolve();
    let inChain = 0; // requests enqueued and not yet answered
    let expected = 1;
    const early = new Map();
    function receive(msg, viaChannel) {
      if (msg.id !== expected) {
        early.set(msg.id, viaChannel ? { msg, viaChannel } : { msg });
        return;
      }
      enqueue(msg, viaChannel);
      advance();
    }
    // advance moves past the request just queued or served, and queues the
    // ones that arrived early and are next.
    function advance() {
      for (expected++; early.has(expected); expected++) {
        const e = early.get(expected);
        early.delete(expected);
        enqueue(e.msg, !!e.viaChannel);
      }
    }
    function enqueue(msg, viaChannel) {
      inChain++;
      chain = chain.then(async () => {
        try {
          if (msg.op === "none") return; // an id whose request could not be sent
          if (msg.op === "close") {
            begin(msg);
            port.post({ id: msg.id, ok: true, result: null });
            port.close();
            return;
          }
          const before = printed;
          const a = await answer(msg);
          if (fatal) return; // the client must hear "fatal" (posted) first
          // The last one queued: this thread spins next, so say so before
          // the reply, or the caller's next request would be posted.
          if (calls && inChain === 1) Atomics.store(calls, CH_WORKER_ASLEEP, 0);
          reply(a, viaChannel, before);
        } finally {
          inChain--;
        }
        if (inChain === 0) listen();
      }).catch((e) => port.post({ id: msg.id, ok: false, error: describe(e) }));
    }

    // listen serves the channel: it spins for a while, answering requests
    // that need no await at once, in place (a burst of calls never touches
    // the event loop), then waits with Atomics.waitAsync, which leaves the
    // event loop free for messages.
    let waiting = false;
    function listen() {
      if (!calls || fatal) return;
      Atomics.store(calls, CH_WORKER_ASLEEP, 0);
      let posted = Atomics.load(calls, CH_POSTED);
      let until = performance.now() + CH_WORKER_SPIN_MS;
      while (performance.now() < until && Atomics.load(calls, CH_POSTED) === posted) {
        if (Atomics.load(calls, CH_STATE) !== CH_REQUEST) continue;
        if (!serveNow()) return;
        if (fatal) return;
        posted = Atomics.load(calls, CH_POSTED);
        until = performance.now() + CH_WORKER_SPIN_MS;
      }
      if (!waiting) wait();
      else if (Atomics.load(calls, CH_STATE) === CH_LISTENING) Atomics.store(calls, CH_WORKER_ASLEEP, 1);
    }

    // serveNow takes the request on the channel and answers it here when it
    // is next in line and needs no await; else it queues it and returns
    // false.
    function serveNow() {
      if (Atomics.compareExchange(calls, CH_STATE, CH_REQUEST, CH_BUSY) !== CH_REQUEST) return true;
      const msg = channelRead(calls);
      if (msg.id !== expected || inChain > 0 || awaits(msg.op) || msg.op === "close" || msg.op === "none") {
        receive(msg, true);
        return false;
      }
      const before = printed;
      const a = answerNow(msg);
      if (!fatal) reply(a, true, before);
      advance();
      return inChain === 0; // else the queue goes on, and listens when done
    }

    function wait() {
      waiting = false;
      if (fatal) return;
      const state = Atomics.load(calls, CH_STATE);
      if (state === CH_REQUEST) {
        if (serveNow()) listen();
        return;
      }
      // CH_BUSY: a request taken from the channel waits for earlier ones;
      // serving it ends with listen().
      if (state !== CH_LISTENING) return;
      waiting = true;
      // New requests come by message now, which wakes this thread sooner.
      Atomics.store(calls, CH_WORKER_ASLEEP, 1);
      const r = Atomics.waitAsync(calls, CH_STATE, CH_LISTENING, CH_RECHECK_MS);
      if (r.async) r.value.then(wait); else Promise.resolve().then(wait);
    }

    // holdLock takes the Web Lock name for the worker's whole life.
    function holdLock(name) {
      if (!name || typeof navigator !== "object" || !navigator || !navigator.locks) return Promise.resolve();
      return new Promise((granted) => {
        navigator.locks.request(name, () => {
          granted();
          return new Promise(() => {});
        }).catch(() => {});
      });
    }

    let booted = null;
    port.onMessage((msg) => {
      if (!msg || typeof msg !== "object") return;
      if (msg.op === "init") {
        if (booted) return;
        if (msg.control instanceof Int32Array) ctl = msg.control;
        if (msg.calls instanceof Int32Array && typeof Atomics.waitAsync === "function") {
          calls = msg.calls;
          Atomics.store(calls, CH_STATE, CH_LISTENING);
        }
        booted = holdLock(msg.lockName).then(() => {
          port.post({ type: "alive" });
          return boot(msg);
        }).then((memoryProperty) => {
          port.post({ type: "ready", memory, version: pyodide.version, shared, memoryProperty, stats: SH.stats() });
          listen();
        }, (e) => {
          port.post({ type: "error", error: describe(e) });
        });
        return;
      }
      if (msg.id === undefined) return;
      if (!booted || !pyodide) {
        port.post({ id: msg.id, ok: false, error: { type: "Error", message: "the worker has not booted Pyodide", traceback: "" } });
        return;
      }
      receive(msg, false);
    });
  }

  // ---- Entry ----

  const api = { start, attach, discard, WORKER_REQUESTS, USER_REQUESTS };
  root.sabkitWorker = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;

  if (isNode) {
    let wt = null;
    try { wt = nodeRequire()("worker_threads"); } catch (e) { wt = null; }
    if (wt && !wt.isMainThread && wt.workerData && wt.workerData.sabkit === "pyodide") {
      if (!root.sabkitSharedHeap) {
        const path = nodeRequire()("path");
        nodeRequire()(path.join(typeof __dirname === "string" ? __dirname : ".", "sharedheap.js"));
      }
      serve({
        post: (m, transfer) => wt.parentPort.postMessage(m, transfer),
        onMessage: (fn) => wt.parentPort.on("message", fn),
        close: () => process.exit(0),
      });
    }
  } else if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope && self.name === "sabkit-pyodide") {
    if (!root.sabkitSharedHeap) importScripts(new URL("sharedheap.js", self.location.href).href);
    serve({
      post: (m, transfer) => self.postMessage(m, transfer || []),
      onMessage: (fn) => self.addEventListener("message", (e) => fn(e.data)),
      close: () => self.close(),
    });
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
