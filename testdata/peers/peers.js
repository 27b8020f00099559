// The page's side of sabkit's peer benchmark: starts comlink's,
// coincident's and sabkit.mjs's Pyodide workers and times them from the
// page's own event loop (a JS user's loop, no Go in between), and checks
// arrays and frames for every peer, sabkit's Go side included.
import * as Comlink from "./node_modules/comlink/dist/esm/comlink.mjs";
import coincident from "./node_modules/coincident/dist/main.js";

const PERIOD = 1 << 16; // peers.py's fill period

const now = () => performance.now();

// started waits for the worker's ready message, or its failure.
function started(worker, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no ready message in ${timeoutMs} ms`)), timeoutMs);
    const done = (f, v) => {
      clearTimeout(timer);
      worker.removeEventListener("message", onMessage);
      f(v);
    };
    const onMessage = (e) => {
      if (e.data?.sabkitPeer === "ready") done(resolve);
      else if (e.data?.sabkitPeer === "failed") done(reject, new Error(`${what}: ${e.data.error}`));
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", (e) => done(reject, new Error(`${what}: ${e.message || "worker error"}`)));
  });
}

// checkArray tells whether a holds peers.py's fill(_, seed) pattern, at a
// few indices spread over the array, and has n elements.
export function checkArray(a, n, seed) {
  if (a.length !== n) return false;
  for (const i of [0, 1, PERIOD - 1, PERIOD, n >> 1, (n >> 1) + 7, n - 1]) {
    if (i < n && a[i] !== seed + (i % PERIOD)) return false;
  }
  return true;
}

// checkFrame tells whether frame bytes u8 (a Uint8Array, n bytes) are whole:
// first and last elements both carry seq.
export function checkFrame(u8, n, seq) {
  const d = new DataView(u8.buffer, u8.byteOffset, n);
  return d.getFloat32(0, true) === seq && d.getFloat32(n - 4, true) === seq;
}

const checkFloats = (a, seq) => a[0] === seq && a[a.length - 1] === seq;

// timed runs n awaited calls of f and returns their durations in µs.
async function timed(n, f) {
  const us = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = now();
    await f();
    us[i] = 1000 * (now() - t);
  }
  return us;
}

// obtain runs n hand-offs: Python fills the array (untimed), then the page
// obtains it with take (timed) and checks it.
async function obtain(api, take, n, nbytes) {
  const us = new Float64Array(n);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const seed = 1 + (i % 1000) * 3;
    await api.compute(nbytes, seed);
    const t = now();
    const a = await take();
    us[i] = 1000 * (now() - t);
    if (!checkArray(a, nbytes / 4, seed)) bad++;
  }
  return { us, bad };
}

// pull asks for frames one after another for ms milliseconds.
async function pull(get, nbytes, ms) {
  let frames = 0, torn = 0;
  const t = now(), end = t + ms;
  while (now() < end) {
    const a = await get(nbytes, frames + 1);
    if (!checkFloats(a, ++frames)) torn++;
  }
  return { frames, torn, seconds: (now() - t) / 1000 };
}

export async function startComlink(pyodideURL, timeoutMs) {
  const worker = new Worker(new URL(`./comlink-worker.js?pyodide=${encodeURIComponent(pyodideURL)}`, import.meta.url), { type: "module" });
  try {
    await started(worker, "comlink worker", timeoutMs);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  const api = Comlink.wrap(worker);
  return {
    noop: (n) => timed(n, () => api.noop()),
    obtain: (n, nbytes, transfer) => obtain(api, transfer ? () => api.takeTransfer() : () => api.take(), n, nbytes),
    frames: (nbytes, ms, transfer) => pull(transfer ? api.frameTransfer : api.frame, nbytes, ms),
    close: () => worker.terminate(),
  };
}

export async function startCoincident(pyodideURL, timeoutMs) {
  const { Worker: CoincidentWorker, native } = coincident();
  if (!native) throw new Error("coincident needs SharedArrayBuffer: serve the page cross-origin isolated");
  const worker = new CoincidentWorker(new URL(`./coincident-worker.js?pyodide=${encodeURIComponent(pyodideURL)}`, import.meta.url));
  try {
    await started(worker, "coincident worker", timeoutMs);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  const api = worker.proxy;
  return {
    noop: (n) => timed(n, () => api.noop()),
    obtain: (n, nbytes) => obtain(api, () => api.take(), n, nbytes),
    async frames(nbytes, ms) {
      let frames = 0, torn = 0;
      api.onFrame = (a, seq) => {
        frames++;
        if (!checkFloats(a, seq)) torn++;
      };
      const t = now();
      await api.stream(nbytes, ms);
      return { frames, torn, seconds: (now() - t) / 1000 };
    },
    close: () => worker.terminate(),
  };
}

// startSabkit drives sabkit.mjs (served at sabkitURL): Python in a worker on
// a shared heap, from the page's JavaScript with no Go in the loop.
export async function startSabkit(pyodideURL, timeoutMs, sabkitURL) {
  const base = new URL(sabkitURL, location.href);
  const { startWorker } = await import(new URL("sabkit.mjs", base).href);
  const { FrameReader } = await import(new URL("sabkit-atomics.mjs", base).href);
  const py = await startWorker({ indexURL: pyodideURL, signal: AbortSignal.timeout(timeoutMs) });
  const source = await fetch(new URL("./peers.py", import.meta.url));
  await py.run(await source.text());
  let arr = null;
  return {
    noop: (n) => timed(n, () => py.call("noop")),
    // The array Python fills is the page's typed array already: taking it
    // is taking the reference.
    async obtain(n, nbytes) {
      if (arr) await py.free(arr);
      arr = await py.alloc("peer_js_arr", "float32", [nbytes / 4]);
      const us = new Float64Array(n);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const seed = 1 + (i % 1000) * 3;
        await py.call("fill", arr, seed);
        const t = now();
        const a = arr;
        us[i] = 1000 * (now() - t);
        if (!checkArray(a, nbytes / 4, seed)) bad++;
      }
      return { us, bad };
    },
    // Python publishes frames into a triple buffer in its heap; the page
    // takes each in place with sabkit-atomics.mjs's FrameReader.
    async frames(nbytes, ms) {
      const region = await py.allocFrames("peer_js_frames", nbytes);
      const reader = new FrameReader(region);
      let frames = 0, torn = 0, finished = false;
      const t = now();
      const streaming = py.run(`stream(peer_js_frames, ${nbytes}, ${ms / 1000})`).finally(() => { finished = true; });
      while (!finished) {
        const f = reader.take();
        if (f) {
          frames++;
          if (!checkFrame(f.bytes, f.len, f.number)) torn++;
          continue;
        }
        const seen = Atomics.load(region, 0);
        if (typeof Atomics.waitAsync === "function") {
          const w = Atomics.waitAsync(region, 0, seen, 5);
          if (w.async) await w.value;
        } else {
          await new Promise((r) => setTimeout(r, 0));
        }
      }
      await streaming;
      const seconds = (now() - t) / 1000;
      await py.free(region);
      await py.run("del peer_js_frames");
      return { frames, torn, seconds };
    },
    close: () => py.close(),
  };
}
