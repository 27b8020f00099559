// sabkit-atomics.mjs: the atomicsx protocols (Mutex, Seqlock, Frames, Ring)
// for JavaScript as an ES module. The implementation is sabkit-atomics.js,
// which this module loads for its definitions; see that file for which calls
// block.
//
//   import { FrameReader } from "/sabkit/sabkit-atomics.mjs"; // as sabkit serve serves it
//   const frames = new FrameReader(region); // region: the Int32Array Go or Python shares
//   const f = frames.take();                // null, or {number, len, dropped, bytes}
import "./sabkit-atomics.js";

const api = globalThis.AtomicsX;
export const { canBlock, Mutex, Seqlock, FrameWriter, FrameReader, Ring, seqlockWords, framesWords, ringWords } = api;
export default api;
