// pingpong.mjs: the platform's floor for a request and its reply between
// this thread and a worker, with no Go, no Pyodide and no encoding: the
// worker waits with Atomics.waitAsync and spins as sabkit's worker does,
// this thread writes a number, notifies, spins, then waits with
// Atomics.waitAsync. TestRequestTimings measures it with the same pauses as
// the bridge's calls.

const SPIN_MS = 0.2, WORKER_SPIN_MS = 2;

const workerSource = `
const SPIN_MS = ${WORKER_SPIN_MS};
onmessage = (e) => {
  const s = e.data;
  const serve = () => {
    for (;;) {
      const v = Atomics.load(s, 0);
      if (v === Atomics.load(s, 1)) break;
      Atomics.store(s, 1, v);
      Atomics.notify(s, 1);
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(s, 0) === v && performance.now() < until);
    }
    // A timer backs waitAsync up: an engine that loses its wake-ups
    // (WebKit) must not stall the measurement.
    let woken = false;
    const wake = () => { if (!woken) { woken = true; serve(); } };
    const r = Atomics.waitAsync(s, 0, Atomics.load(s, 1), 100);
    if (r.async) r.value.then(wake); else Promise.resolve().then(wake);
    setTimeout(wake, 100);
  };
  serve();
  postMessage("ready");
};
`;

// start returns a function that times one round trip (µs), and close.
export async function start() {
  const w = new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
  const s = new Int32Array(new SharedArrayBuffer(8));
  await new Promise((resolve) => { w.onmessage = resolve; w.postMessage(s); });
  let n = 0;
  const now = () => performance.timeOrigin + performance.now();
  const roundTrip = () => new Promise((resolve) => {
    const t0 = now();
    const id = ++n;
    Atomics.store(s, 0, id);
    Atomics.notify(s, 0);
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(s, 1) !== id && performance.now() < until);
    const check = () => {
      if (Atomics.load(s, 1) === id) return resolve(1000 * (now() - t0));
      let woken = false;
      const wake = () => { if (!woken) { woken = true; check(); } };
      const r = Atomics.waitAsync(s, 1, Atomics.load(s, 1), 100);
      if (r.async) r.value.then(wake); else Promise.resolve().then(wake);
      setTimeout(wake, 100);
    };
    check();
  });
  return { roundTrip, close: () => w.terminate() };
}
