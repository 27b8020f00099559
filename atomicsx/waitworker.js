// Atomics.wait in helper workers, for engines without Atomics.waitAsync
// (Firefox ESR 140 and older). Each pending wait occupies one worker, which
// blocks in Atomics.wait and posts the result back; idle workers are reused.
// Evaluated as a function body: it returns wait(ta, index, value, timeoutMs),
// which returns a Promise of "ok", "not-equal" or "timed-out".
"use strict";
const source = `"use strict";
onmessage = (e) => {
  const { buffer, byteOffset, length, index, value, timeout } = e.data;
  let result;
  try {
    result = Atomics.wait(new Int32Array(buffer, byteOffset, length), index, value, timeout);
  } catch (err) {
    result = { error: String(err) };
  }
  postMessage(result);
};`;
let url = null;
const idle = [];
return (ta, index, value, timeout) => new Promise((resolve, reject) => {
  if (url === null) {
    url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  }
  const w = idle.pop() || new Worker(url);
  w.onmessage = (e) => {
    w.onerror = null;
    idle.push(w);
    if (typeof e.data === "string") resolve(e.data);
    else reject(new Error("Atomics.wait in the helper worker threw " + e.data.error));
  };
  w.onerror = (e) => {
    e.preventDefault();
    w.terminate();
    reject(new Error("the Atomics.wait helper worker failed: " + (e.message || "it could not start")));
  };
  w.postMessage({ buffer: ta.buffer, byteOffset: ta.byteOffset, length: ta.length, index, value, timeout });
});
