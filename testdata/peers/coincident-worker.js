// A module worker that serves peers.py's functions through coincident's
// worker proxy. stream() pushes frames to the page with coincident's
// synchronous worker-to-page call (SharedArrayBuffer + Atomics.wait): each
// call returns once the page's onFrame has run.
import coincident from "./node_modules/coincident/dist/worker.js";
import { boot, ready, failed } from "./pyworker.js";

try {
  const { proxy, transfer, native } = await coincident();
  if (!native) throw new Error("coincident found no SharedArrayBuffer: serve the page cross-origin isolated");
  const py = await boot(new URL(location.href).searchParams.get("pyodide"));
  proxy.noop = py.noop;
  proxy.compute = py.compute;
  proxy.take = py.take;
  proxy.stream = (nbytes, ms) => {
    const end = performance.now() + ms;
    let seq = 0;
    while (performance.now() < end) {
      const a = py.frame(nbytes, ++seq);
      proxy.onFrame(a, seq, transfer(a.buffer));
    }
    return seq;
  };
  ready();
} catch (e) {
  failed(e);
}
