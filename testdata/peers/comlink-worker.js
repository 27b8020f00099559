// A module worker that serves peers.py's functions through Comlink.expose.
import * as Comlink from "./node_modules/comlink/dist/esm/comlink.mjs";
import { boot, ready, failed } from "./pyworker.js";

try {
  const py = await boot(new URL(location.href).searchParams.get("pyodide"));
  Comlink.expose({
    noop: py.noop,
    compute: py.compute,
    take: py.take,
    takeTransfer() {
      const a = py.take();
      return Comlink.transfer(a, [a.buffer]);
    },
    frame: py.frame,
    frameTransfer(nbytes, seq) {
      const a = py.frame(nbytes, seq);
      return Comlink.transfer(a, [a.buffer]);
    },
  });
  ready();
} catch (e) {
  failed(e);
}
