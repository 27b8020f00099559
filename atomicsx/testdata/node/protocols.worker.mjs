// The worker side of protocols.test.mjs: workerData.role names one party of
// a protocol; the worker runs it over workerData.sab and posts its result.
// A thrown error reaches the test as the Worker's "error" event. Every wait
// here has a deadline; the blocking calls of the module itself (Mutex.lock,
// Ring.pushAll, Ring.popSome) are bounded by the test terminating the worker.
import { parentPort, workerData } from "node:worker_threads";
import { Mutex, Seqlock, FrameWriter, FrameReader, Ring } from "../../assets/sabkit-atomics.mjs";
import { fill, damage, waitGo, CTL_WORDS, GO, PROGRESS, PROGRESS2, DONE } from "./shared.mjs";

const d = workerData;
const limitMs = d.limitMs ?? 15000;
const deadline = performance.now() + limitMs;
const ctl = new Int32Array(d.sab, 0, CTL_WORDS);
// The protocol's region follows the control block, at d.offset bytes.
const region = (words) => new Int32Array(d.sab, d.offset, words);
const late = () => performance.now() > deadline;

const roles = {
  // mutexCount: d.iterations times, lock, increment the plain (non-atomic)
  // counter word, unlock. The owner word catches two threads inside at once.
  mutexCount() {
    const r = region(3), m = new Mutex(r, 0);
    const COUNTER = 1, OWNER = 2;
    waitGo(ctl, limitMs);
    let overlaps = 0;
    for (let k = 0; k < d.iterations; k++) {
      m.lock();
      Atomics.store(r, OWNER, d.id);
      r[COUNTER] = r[COUNTER] + 1;
      if (Atomics.load(r, OWNER) !== d.id) overlaps++;
      Atomics.store(r, OWNER, 0);
      m.unlock();
    }
    return { overlaps };
  },

  // mutexBlocked: tryLock fails on the mutex the main thread holds; lock()
  // then blocks until the main thread unlocks.
  mutexBlocked() {
    const r = region(2), m = new Mutex(r, 0);
    const tried = m.tryLock();
    m.lock();
    const sawMainDone = Atomics.load(r, 1);
    m.unlock();
    return { tried, sawMainDone };
  },

  // seqlockWrite writes values 1, 2, ... (value i has version i) until it
  // has written d.minWrites and each reader reports d.minReads distinct
  // versions, then stores its last number in DONE.
  seqlockWrite() {
    const s = new Seqlock(region(d.words));
    const buf = new Uint8Array(s.maxBytes);
    waitGo(ctl, limitMs);
    let i = 0;
    for (;;) {
      i++;
      const len = fill(buf, i, s.maxBytes);
      const v = s.write(buf.subarray(0, len));
      if (v !== i) throw new Error(`write ${i} returned version ${v}`);
      // Gaps of varying length between writes let reads both complete and
      // overlap a write.
      for (let k = i % 512; k > 0; k--) Atomics.load(ctl, DONE);
      if (i >= d.minWrites && Atomics.load(ctl, PROGRESS) >= d.minReads && Atomics.load(ctl, PROGRESS2) >= d.minReads) break;
      if (late()) throw new Error(`readers made too little progress in ${limitMs} ms (${i} writes)`);
    }
    Atomics.store(ctl, DONE, i);
    return { writes: i };
  },

  // seqlockWaitRead reads, then waits on word [0] while it holds the
  // sequence last seen, until it has read the writer's last value.
  seqlockWaitRead() {
    const r = region(d.words), s = new Seqlock(r);
    const dst = new Uint8Array(s.maxBytes);
    waitGo(ctl, limitMs);
    let last = 0, distinct = 0, reads = 0, busy = 0;
    for (;;) {
      const got = s.read(dst);
      if (got === null) busy++;
      else {
        reads++;
        if (got.version < last) throw new Error(`version ${got.version} after ${last}`);
        if (got.version > 0) {
          const bad = damage(dst, got.n, got.version, s.maxBytes);
          if (bad) throw new Error("torn read: " + bad);
        } else if (got.n !== 0) throw new Error(`version 0 with ${got.n} bytes`);
        if (got.version > last) Atomics.store(ctl, PROGRESS2, ++distinct);
        last = got.version;
        const done = Atomics.load(ctl, DONE);
        if (done !== 0 && last === done) return { reads, distinct, busy, last };
      }
      if (late()) throw new Error(`reader did not reach the last value in ${limitMs} ms (at ${last})`);
      Atomics.wait(r, 0, last * 2, 100);
    }
  },

  // framesWrite publishes frames 1, 2, ... (odd ones with publish, even ones
  // filled in back() and published with publishBack) until it has published
  // d.minFrames and the reader has taken d.minTaken, then stores the last
  // number in DONE.
  framesWrite() {
    const w = new FrameWriter(region(d.words));
    const max = w.maxFrameBytes, buf = new Uint8Array(max);
    waitGo(ctl, limitMs);
    let n = 0;
    for (;;) {
      n++;
      let num;
      if (n & 1) num = w.publish(buf.subarray(0, fill(buf, n, max)));
      else num = w.publishBack(fill(w.back(), n, max));
      if (num !== n) throw new Error(`frame ${n} published as number ${num}`);
      if (n >= d.minFrames && w.stats().taken >= d.minTaken) break;
      if (late()) throw new Error(`reader took too few frames in ${limitMs} ms (${n} published, ${w.stats().taken} taken)`);
    }
    Atomics.store(ctl, DONE, n);
    Atomics.notify(ctl, DONE);
    return { published: n };
  },

  // framesNext takes frames with next() (which blocks in Atomics.wait) until
  // it has the writer's last frame, checking each one twice: as taken and
  // again after the writer had time to publish more.
  framesNext() {
    const rd = new FrameReader(region(d.words));
    const max = rd.maxFrameBytes;
    waitGo(ctl, limitMs);
    let last = 0, taken = 0, dropped = 0;
    for (;;) {
      const f = rd.next(100);
      if (f !== null) {
        if (f.number <= last) throw new Error(`frame ${f.number} after ${last}`);
        if (f.dropped !== f.number - last - 1) throw new Error(`frame ${f.number} after ${last} reports ${f.dropped} dropped`);
        let bad = damage(f.bytes, f.len, f.number, max);
        for (let k = 0; k < 2000 && !bad; k++) Atomics.load(ctl, DONE);
        bad = bad || damage(f.bytes, f.len, f.number, max);
        if (bad) throw new Error("torn frame: " + bad);
        taken++;
        dropped += f.dropped;
        last = f.number;
      }
      const done = Atomics.load(ctl, DONE);
      if (done !== 0 && last === done) return { taken, dropped, last, stats: rd.stats() };
      if (late()) throw new Error(`reader did not reach the last frame in ${limitMs} ms (at ${last})`);
    }
  },

  // ringPush pushes 0 .. d.count-1 in chunks of 1 to 97 elements, with
  // pushAll, or with push and a bounded wait for room when d.mode is "push".
  ringPush() {
    const ring = new Ring(region(d.words), d.float ? Float64Array : Int32Array);
    const Type = d.float ? Float64Array : Int32Array;
    const src = new Type(97);
    const r = region(d.words);
    waitGo(ctl, limitMs);
    let next = 0, fullSeen = 0;
    while (next < d.count) {
      const k = Math.min(1 + (next % 97), d.count - next);
      for (let j = 0; j < k; j++) src[j] = d.float ? next + j + 0.5 : next + j;
      if (d.mode === "pushAll") {
        ring.pushAll(src.subarray(0, k));
        next += k;
        continue;
      }
      let done = 0;
      while (done < k) {
        const readIndex = Atomics.load(r, 1);
        const n = ring.push(src.subarray(done, k));
        done += n;
        if (n === 0) {
          fullSeen++;
          if (late()) throw new Error(`ring stayed full for ${limitMs} ms (at ${next + done})`);
          Atomics.wait(r, 1, readIndex, 100);
        }
      }
      next += k;
    }
    return { pushed: next, fullSeen };
  },

  // ringPop pops with popSome (or, when d.spin, with pop in a busy loop,
  // so it reads as soon as the write index moves) into buffers of 1 to 89
  // elements until it has d.count elements, checking that they are 0, 1,
  // 2, ... in order.
  ringPop() {
    const Type = d.float ? Float64Array : Int32Array;
    const ring = new Ring(region(d.words), Type);
    const dst = new Type(89);
    waitGo(ctl, limitMs);
    let want = 0, calls = 0;
    while (want < d.count) {
      const room = 1 + (calls++ % 89);
      const k = d.spin ? ring.pop(dst.subarray(0, room)) : ring.popSome(dst.subarray(0, room));
      if (k === 0 && late()) throw new Error(`ring stayed empty for ${limitMs} ms (at ${want})`);
      for (let j = 0; j < k; j++) {
        const v = d.float ? dst[j] - 0.5 : dst[j];
        if (v !== want) throw new Error(`popped ${dst[j]} at position ${want}`);
        want++;
      }
    }
    return { popped: want };
  },
};

const run = roles[d.role];
if (!run) throw new Error("unknown role " + d.role);
parentPort.postMessage(run());
