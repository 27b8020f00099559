// Runs a Go js/wasm test binary in a browser page or DedicatedWorker and
// reports its output and exit code to the harness's server over HTTP POST,
// so any engine works without a driver protocol. In a worker, reports are
// posted to the page, which forwards them.
"use strict";
(() => {
  const inWorker = typeof document === "undefined";

  // Reports are batched and numbered: fetches may complete out of order, and
  // the server replays batches by number. A batch goes out at the next turn
  // of the event loop, at once when it grows large or ends the program.
  let pending = [];
  let seq = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const body = JSON.stringify({ seq: seq++, reports: pending });
    pending = [];
    send(body, 3);
  };
  // A lost batch would stall every later one, so a POST that fails to
  // reach the server is retried.
  const send = (body, tries) => {
    fetch("/__sabkit/report", { method: "POST", body }).catch(() => {
      if (tries > 1) setTimeout(() => send(body, tries - 1), 50);
    });
  };
  const toHarness = (msg) => {
    if (inWorker) {
      postMessage({ sabkit: msg });
      return;
    }
    pending.push(msg);
    if (msg.t !== "out" || pending.length >= 256) {
      flush();
    } else if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 0);
    }
  };

  const describeError = (e) => (e && e.stack) ? String(e.stack) : String(e);

  async function runGo(cfg) {
    if (inWorker) importScripts("/__sabkit/wasm_exec.js", "/__sabkit/memfs.js");
    // Go writes stdout/stderr through fs.writeSync; forward it unbuffered.
    const decoder = new TextDecoder("utf-8");
    const forward = (fd, buf) => toHarness({ t: "out", fd, s: decoder.decode(buf, { stream: true }) });
    globalThis.fs.writeSync = function (fd, buf) {
      forward(fd, buf);
      return buf.length;
    };
    globalThis.sabkitInstallMemFS(globalThis.fs, forward);
    const go = new Go();
    go.argv = ["test.wasm", ...cfg.args];
    go.env = cfg.env;
    let exited = false;
    go.exit = (code) => {
      exited = true;
      toHarness({ t: "exit", code });
      // A timer the program left behind would throw "Go program has already
      // exited" later; some engines route that to the page as an error.
      if (inWorker) close();
    };
    toHarness({
      t: "start",
      mode: inWorker ? "worker" : "page",
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      userAgent: navigator.userAgent,
    });
    let instance;
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(fetch(cfg.wasm), go.importObject));
    } catch (e) {
      toHarness({ t: "error", s: "instantiating " + cfg.wasm + ": " + describeError(e) });
      return;
    }
    try {
      await go.run(instance);
    } catch (e) {
      toHarness({ t: "error", s: "Go program crashed: " + describeError(e) });
      return;
    }
    if (!exited) toHarness({ t: "error", s: "Go program returned without calling exit" });
  }

  // Messages that reach a child worker before its Go program listens are
  // kept here; sabkitHarness.onMessage drains them.
  const inbox = [];
  let inboxListener = null;

  // The harness API that Go tests reach through js.Global(): spawn another
  // copy of the same test binary in a DedicatedWorker (the helper-process
  // pattern of os/exec tests, for cross-thread tests), and receive messages.
  function installHarnessAPI(cfg) {
    let children = 0;
    globalThis.sabkitHarness = {
      // spawn(args, env) → {worker, exited: Promise<exit code>}
      spawn(args, env) {
        const name = "child" + (++children);
        const w = new Worker("/__sabkit/runner.js?child=" + name);
        let resolveExit;
        const exited = new Promise((r) => { resolveExit = r; });
        w.addEventListener("message", (e) => {
          const m = e.data && e.data.sabkit;
          if (!m) return;
          if (m.t === "out") {
            toHarness({ t: "out", fd: m.fd, s: m.s.replace(/^(?=.)/gm, "[" + name + "] ") });
          } else if (m.t === "exit") {
            resolveExit(m.code);
          } else if (m.t === "error") {
            toHarness({ t: "warn", s: "[" + name + "] " + m.s });
            resolveExit(-1);
          } else if (m.t !== "start") {
            toHarness(m);
          }
        });
        w.addEventListener("error", (e) => {
          e.preventDefault(); // reported here, not again as a page error
          toHarness({ t: "warn", s: "[" + name + "] worker error: " + (e.message || e) });
          resolveExit(-1);
        });
        w.postMessage({ sabkitConfig: { mode: "child", wasm: cfg.wasm, args: args || [], env: Object.assign({}, cfg.env, env || {}, { SABKIT_MODE: "worker", SABKIT_CHILD: name }) } });
        return { worker: w, exited };
      },
      // onMessage(fn): deliver messages posted to this worker to fn, starting
      // with any that arrived before the call.
      onMessage(fn) {
        inboxListener = fn;
        while (inbox.length) fn(inbox.shift());
      },
    };
  }

  async function main() {
    const url = new URL(self.location.href);
    if (inWorker && url.searchParams.has("child")) {
      const cfg = await new Promise((resolve) => {
        self.addEventListener("message", function first(e) {
          if (e.data && e.data.sabkitConfig) {
            resolve(e.data.sabkitConfig);
            return;
          }
          if (inboxListener) inboxListener(e.data); else inbox.push(e.data);
        });
      });
      installHarnessAPI(cfg);
      await runGo(cfg);
      return;
    }
    const cfg = await (await fetch("/__sabkit/config.json")).json();
    installHarnessAPI(cfg);
    if (inWorker) {
      self.addEventListener("message", (e) => { if (inboxListener) inboxListener(e.data); else inbox.push(e.data); });
    }
    if (cfg.mode === "worker" && !inWorker) {
      const w = new Worker("/__sabkit/runner.js");
      w.onmessage = (e) => { if (e.data && e.data.sabkit) toHarness(e.data.sabkit); };
      w.onerror = (e) => { e.preventDefault(); toHarness({ t: "error", s: "worker error: " + (e.message || e) }); };
      return;
    }
    await runGo(cfg);
  }

  if (inWorker) {
    self.addEventListener("unhandledrejection", (e) => toHarness({ t: "warn", s: "unhandled rejection in worker: " + describeError(e.reason) }));
  } else {
    addEventListener("error", (e) => toHarness({ t: "error", s: "page error: " + (e.message || e) }));
    addEventListener("unhandledrejection", (e) => toHarness({ t: "warn", s: "unhandled rejection: " + describeError(e.reason) }));
  }
  main().catch((e) => toHarness({ t: "error", s: "runner: " + describeError(e) }));
})();
