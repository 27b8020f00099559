// Atomics.wait in helper workers, for engines without Atomics.waitAsync
// (Firefox ESR 140 and older). Each pending wait occupies one worker, which
// blocks in Atomics.wait and posts the result back; idle workers are reused.
// Evaluated as a function body: it returns
//   wait(ta, index, value, timeoutMs) → { promise, cancel }
// where promise settles with "ok", "not-equal", "timed-out" or "cancelled",
// and cancel() hands the helper back early: it returns a Promise that settles
// once the helper has stopped waiting (or, if the helper does not answer,
// has been terminated), so no waiter is left registered on the element.
// stats() counts workers and how cancelled waits ended.
"use strict";
// Every helper owns a one-word control cell: 0 while the wait is on its way,
// 2 once the helper is about to block, 1 once the caller cancelled. A cancel
// that finds 0 needs nothing more (the helper will not block); one that finds
// 2 notifies the element, which wakes the helper (and, like any Notify, every
// other waiter on the element).
const source = `"use strict";
onmessage = (e) => {
  const { buffer, byteOffset, length, index, value, timeout, ctrl } = e.data;
  let result;
  try {
    if (Atomics.compareExchange(ctrl, 0, 0, 2) !== 0) {
      result = "cancelled";
    } else {
      result = Atomics.wait(new Int32Array(buffer, byteOffset, length), index, value, timeout);
      if (Atomics.load(ctrl, 0) === 1) result = result === "ok" ? "cancelled-waiting" : "cancelled";
    }
  } catch (err) {
    result = { error: String(err) };
  }
  postMessage(result);
};`;
// How often a cancel notifies again while the helper has not answered: the
// first notify misses a helper that marked its cell just before the cancel
// but had not blocked yet.
const renotifyMs = 5;
// How long a cancel waits for the helper's answer before it terminates it.
const answerMs = 2000;
let url = null;
const idle = [];
const counts = { workers: 0, started: 0, cancelled: 0, cancelledWaiting: 0, terminated: 0 };

function helper(ta) {
  let h = idle.pop();
  if (h) return h;
  if (url === null) {
    url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  }
  // The control cell lives in the same kind of buffer as the element, so it
  // can be shared with the worker wherever the element can.
  h = { worker: new Worker(url), ctrl: new Int32Array(new ta.buffer.constructor(4)) };
  counts.workers++;
  return h;
}

function wait(ta, index, value, timeout) {
  const h = helper(ta);
  Atomics.store(h.ctrl, 0, 0);
  counts.started++;
  // over: the helper has answered, and may already serve another wait.
  let answered, settle, over = false, cancelled = null;
  const answer = new Promise((resolve) => { answered = resolve; });
  const promise = new Promise((resolve, reject) => {
    settle = resolve;
    h.worker.onmessage = (e) => {
      h.worker.onmessage = h.worker.onerror = null;
      over = true;
      idle.push(h);
      answered();
      const r = e.data;
      if (r === "cancelled-waiting") {
        counts.cancelledWaiting++;
        resolve("cancelled");
      } else if (typeof r === "string") {
        if (r === "cancelled") counts.cancelled++;
        resolve(r);
      } else {
        reject(new Error("Atomics.wait in the helper worker threw " + r.error));
      }
    };
    h.worker.onerror = (e) => {
      e.preventDefault();
      h.worker.onmessage = h.worker.onerror = null;
      h.worker.terminate();
      counts.workers--;
      over = true;
      answered();
      reject(new Error("the Atomics.wait helper worker failed: " + (e.message || "it could not start")));
    };
  });
  h.worker.postMessage({
    buffer: ta.buffer, byteOffset: ta.byteOffset, length: ta.length, index, value, timeout, ctrl: h.ctrl,
  });
  const cancel = () => {
    if (cancelled) return cancelled;
    if (over) return (cancelled = Promise.resolve());
    const blocking = Atomics.exchange(h.ctrl, 0, 1) === 2;
    if (blocking) Atomics.notify(ta, index);
    cancelled = new Promise((resolve) => {
      const again = blocking ? setInterval(() => Atomics.notify(ta, index), renotifyMs) : 0;
      const giveUp = setTimeout(() => {
        // A helper that cannot answer is stopped, so it never counts
        // towards a later Notify, and never returns to the pool.
        h.worker.onmessage = h.worker.onerror = null;
        h.worker.terminate();
        counts.workers--;
        counts.terminated++;
        over = true;
        answered();
        settle("cancelled");
      }, answerMs);
      answer.then(() => { clearInterval(again); clearTimeout(giveUp); resolve(); });
    });
    return cancelled;
  };
  return { promise, cancel };
}

wait.stats = () => ({ ...counts, idle: idle.length });
return wait;
