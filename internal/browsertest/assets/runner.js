// Runs a Go js/wasm test binary in a browser page or DedicatedWorker and
// reports its output and exit code to the harness. In the page, reports go to
// the CDP binding the harness installed; in a worker they are posted to the
// page, which forwards them.
"use strict";
(() => {
  const inWorker = typeof document === "undefined";

  const toHarness = (msg) => {
    if (inWorker) {
      postMessage({ sabkit: msg });
    } else if (typeof globalThis.__sabkitReport === "function") {
      globalThis.__sabkitReport(JSON.stringify(msg));
    } else {
      console.log("sabkit:", JSON.stringify(msg));
    }
  };

  const describeError = (e) => (e && e.stack) ? String(e.stack) : String(e);

  async function runGo(cfg) {
    if (inWorker) importScripts("/__sabkit/wasm_exec.js");
    // Go writes stdout/stderr through fs.writeSync; forward it unbuffered.
    const decoder = new TextDecoder("utf-8");
    globalThis.fs.writeSync = function (fd, buf) {
      toHarness({ t: "out", fd, s: decoder.decode(buf, { stream: true }) });
      return buf.length;
    };
    const go = new Go();
    go.argv = ["test.wasm", ...cfg.args];
    go.env = cfg.env;
    let exited = false;
    go.exit = (code) => {
      exited = true;
      toHarness({ t: "exit", code });
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

  async function main() {
    const cfg = await (await fetch("/__sabkit/config.json")).json();
    if (cfg.mode === "worker" && !inWorker) {
      const w = new Worker("/__sabkit/runner.js");
      w.onmessage = (e) => { if (e.data && e.data.sabkit) toHarness(e.data.sabkit); };
      w.onerror = (e) => toHarness({ t: "error", s: "worker error: " + (e.message || e) });
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
