// waits.js: Atomics.wait and Atomics.waitAsync for atomicsx's Go code,
// evaluated as a function body with the AtomicsX API of sabkit-atomics.js
// (the one canBlock). The helpers catch exceptions here, where catching is
// cheap, instead of letting them unwind into syscall/js as panics.
"use strict";
return {
  wait: (ta, i, v, t) => { try { return Atomics.wait(ta, i, v, t); } catch (e) { return e; } },
  waitAsync: (ta, i, v, t) => { try { return Atomics.waitAsync(ta, i, v, t).value; } catch (e) { return e; } },
  hasWaitAsync: typeof Atomics.waitAsync === "function",
  canBlock: AtomicsX.canBlock,
};
