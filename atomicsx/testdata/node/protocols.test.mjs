// Tests of the JavaScript protocols (assets/sabkit-atomics.mjs, loaded
// through its real file) across node:worker_threads sharing one
// SharedArrayBuffer: each protocol's guarantee under real concurrency, its
// single-threaded edge cases, and the word counts and layout of LAYOUT.md.
// protocols.worker.mjs is the worker side. Run by TestNodeProtocols
// (node_host_test.go), or directly:
//
//	node --test atomicsx/testdata/node/protocols.test.mjs
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Mutex, Seqlock, FrameWriter, FrameReader, Ring, seqlockWords, framesWords, ringWords } from "../../assets/sabkit-atomics.mjs";
import { fill, damage, CTL_WORDS, READY, GO, PROGRESS, DONE } from "./shared.mjs";

// Each test has this timeout; workers and spin loops have shorter deadlines
// of their own, so a broken protocol fails with a message rather than the
// timeout.
const TEST_LIMIT = { timeout: 60000 };
const WORKER_LIMIT = 30000;
const CTL_BYTES = CTL_WORDS * 4;

const workerURL = new URL("./protocols.worker.mjs", import.meta.url);
const live = new Set();

// spawn starts a worker in role; its promise resolves with what the worker
// posts and rejects on an error, an exit without a result, or after limitMs
// (then the worker is terminated, which also ends an Atomics.wait in it).
function spawn(role, data) {
  const w = new Worker(workerURL, { workerData: { role, limitMs: WORKER_LIMIT - 5000, ...data } });
  live.add(w);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`worker ${role} did not finish within ${WORKER_LIMIT} ms`));
      w.terminate();
    }, WORKER_LIMIT);
    const settle = (f, v) => { clearTimeout(timer); live.delete(w); f(v); };
    w.once("message", (m) => settle(resolve, m));
    w.once("error", (e) => settle(reject, e));
    w.once("exit", (code) => settle(reject, new Error(`worker ${role} exited with code ${code} and no result`)));
  });
}

// A failed test's workers may still be blocked: end them.
afterEach(async () => {
  await Promise.all([...live].map((w) => w.terminate()));
  live.clear();
});

// until polls cond (without blocking the event loop) for at most ms.
async function until(cond, ms, what) {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

// i32 returns a region of `words` words over a fresh SharedArrayBuffer.
const i32 = (words) => new Int32Array(new SharedArrayBuffer(words * 4));

// shared returns a SharedArrayBuffer with the control block followed by a
// region of `words` words, and the control block's Int32Array.
function shared(words) {
  const sab = new SharedArrayBuffer(CTL_BYTES + words * 4);
  return { sab, ctl: new Int32Array(sab, 0, CTL_WORDS), region: new Int32Array(sab, CTL_BYTES, words) };
}

// start waits for n workers to report ready, then releases them together.
async function start(ctl, n) {
  await until(() => Atomics.load(ctl, READY) === n, WORKER_LIMIT, `${n} workers to start`);
  Atomics.store(ctl, GO, 1);
  Atomics.notify(ctl, GO);
}

// Words as LAYOUT.md gives them, computed here in integer arithmetic:
// ceil(b / 4) for b >= 0 is floor((b + 3) / 4).
const ceil4 = (b) => Math.floor((b + 3) / 4);
const layoutSeqlock = (maxBytes) => 2 + ceil4(maxBytes);
const layoutFrames = (frameBytes) => 8 + 3 * (2 + ceil4(frameBytes));
const layoutRing = (capacity, elementSize) => 2 + ceil4((capacity + 1) * elementSize);

test("size helpers agree with LAYOUT.md", () => {
  for (const b of [0, 1, 3, 4, 5, 7, 8, 1000, 4096, 640 * 480 * 4 + 1]) {
    assert.equal(seqlockWords(b), layoutSeqlock(b), `seqlockWords(${b})`);
    assert.equal(framesWords(b), layoutFrames(b), `framesWords(${b})`);
    const s = new Seqlock(i32(seqlockWords(b)));
    assert.ok(s.maxBytes >= b && s.maxBytes < b + 4, `seqlock of ${b} bytes holds ${s.maxBytes}`);
    const f = new FrameReader(i32(framesWords(Math.max(b, 4))));
    assert.ok(f.maxFrameBytes >= b && f.maxFrameBytes < Math.max(b, 4) + 4, `frames of ${b} bytes hold ${f.maxFrameBytes}`);
  }
  for (const [cap, size] of [[0, 4], [1, 1], [7, 4], [7, 8], [10, 1], [3, 2], [1023, 4], [1000, 8]]) {
    assert.equal(ringWords(cap, size), layoutRing(cap, size), `ringWords(${cap}, ${size})`);
  }
  // A few by hand from the formulas.
  assert.equal(seqlockWords(0), 2);
  assert.equal(seqlockWords(5), 4);
  assert.equal(framesWords(1), 17);
  assert.equal(framesWords(64), 62);
  assert.equal(framesWords(640 * 480 * 4), 921614);
  assert.equal(ringWords(7, 4), 10);
  assert.equal(ringWords(7, 8), 18);
  assert.equal(ringWords(10, 1), 5);
  // A ring of the helper's size holds exactly the capacity asked for when
  // the elements are whole words.
  assert.equal(new Ring(i32(ringWords(7, 4))).capacity, 7);
  assert.equal(new Ring(i32(ringWords(7, 8)), Float64Array).capacity, 7);
  assert.ok(new Ring(i32(ringWords(10, 1)), Uint8Array).capacity >= 10);
});

test("words are where LAYOUT.md puts them", () => {
  const m = i32(1);
  assert.equal(new Mutex(m, 0).tryLock(), true);
  assert.equal(m[0], 1);

  const sr = i32(seqlockWords(8));
  new Seqlock(sr).write(Uint8Array.of(9, 8, 7, 6, 5));
  assert.deepEqual([sr[0], sr[1]], [2, 5], "sequence 2 (version 1), length 5");
  assert.deepEqual([...new Uint8Array(sr.buffer, 8, 5)], [9, 8, 7, 6, 5], "value bytes from byte 8");

  const fr = i32(framesWords(8));
  const S = (fr.length - 8) / 3;
  new FrameWriter(fr).publish(Uint8Array.of(1, 2, 3));
  assert.equal(fr[0], 1 | 4, "latest: slot 1 (the writer's initial slot), fresh");
  assert.equal(fr[1], 0 + 1, "writer's back slot is now the previous latest, 0");
  assert.equal(fr[3], 1, "published");
  assert.deepEqual([fr[8 + S], fr[8 + S + 1]], [1, 3], "slot 1 header: number 1, length 3");
  assert.deepEqual([...new Uint8Array(fr.buffer, (8 + S + 2) * 4, 3)], [1, 2, 3]);
  new FrameReader(fr).take();
  assert.equal(fr[0], 2, "latest: the reader's old slot 2, not fresh");
  assert.equal(fr[2], 1 + 1, "reader's slot is 1");
  assert.deepEqual([fr[4], fr[5]], [1, 0], "taken 1, dropped 0");

  const rr = i32(ringWords(3, 4));
  new Ring(rr).push(Int32Array.of(11, 12));
  assert.deepEqual([...rr], [2, 0, 11, 12, 0, 0]);
});

test("Mutex: tryLock, unlock, and lock blocking across threads", TEST_LIMIT, async () => {
  const { sab, region } = shared(2);
  const m = new Mutex(region, 0);
  assert.equal(m.tryLock(), true);
  assert.equal(m.tryLock(), false, "tryLock of a held mutex");
  m.unlock();
  assert.equal(Atomics.load(region, 0), 0);
  assert.throws(() => m.unlock(), /not locked/);

  assert.equal(m.tryLock(), true);
  const worker = spawn("mutexBlocked", { sab, offset: CTL_BYTES });
  // The worker's tryLock fails and its lock() marks the word contended.
  await until(() => Atomics.load(region, 0) === 2, WORKER_LIMIT, "the worker to wait for the mutex");
  Atomics.store(region, 1, 1);
  m.unlock();
  const res = await worker;
  assert.equal(res.tried, false, "tryLock in the worker while the main thread holds the mutex");
  assert.equal(res.sawMainDone, 1, "the worker got the mutex only after the main thread released it");
  assert.equal(Atomics.load(region, 0), 0);
});

test("Mutex: 4 workers increment a plain counter", TEST_LIMIT, async () => {
  const N = 4, M = 20000;
  const { sab, ctl, region } = shared(3);
  const results = Array.from({ length: N }, (_, id) => spawn("mutexCount", { sab, offset: CTL_BYTES, id: id + 1, iterations: M }));
  await start(ctl, N);
  const res = await Promise.all(results);
  assert.deepEqual(res.map((r) => r.overlaps), [0, 0, 0, 0], "critical sections overlapped");
  assert.equal(region[1], N * M, "lost increments");
  assert.equal(Atomics.load(region, 0), 0, "unlocked at the end");
});

test("Seqlock: reads are never torn while a worker writes", TEST_LIMIT, async () => {
  const maxBytes = 1024, words = seqlockWords(maxBytes);
  const { sab, ctl, region } = shared(words);
  const s = new Seqlock(region);
  const writer = spawn("seqlockWrite", { sab, offset: CTL_BYTES, words, minWrites: 20000, minReads: 200 });
  const waiter = spawn("seqlockWaitRead", { sab, offset: CTL_BYTES, words });
  await start(ctl, 2);

  // The main thread runs the test's event loop, so it spins on read()
  // rather than waiting; the writer keeps writing until both readers report
  // 200 distinct versions.
  const dst = new Uint8Array(s.maxBytes);
  let last = 0, distinct = 0;
  const deadline = performance.now() + WORKER_LIMIT;
  for (;;) {
    const got = s.read(dst);
    if (got !== null) {
      assert.ok(got.version >= last, `version ${got.version} after ${last}`);
      if (got.version > 0) assert.equal(damage(dst, got.n, got.version, s.maxBytes), null, "torn read");
      else assert.equal(got.n, 0);
      if (got.version > last) Atomics.store(ctl, PROGRESS, ++distinct);
      last = got.version;
      const done = Atomics.load(ctl, DONE);
      if (done !== 0 && last === done) break;
    }
    assert.ok(performance.now() < deadline, `reader did not reach the writer's last value (at ${last})`);
  }
  const w = await writer, r = await waiter;
  assert.equal(last, w.writes);
  assert.equal(r.last, w.writes);
  assert.equal(s.version(), w.writes);
  assert.ok(distinct >= 200 && r.distinct >= 200, `distinct versions read: main ${distinct}, worker ${r.distinct}`);
});

test("Seqlock: write rejects an oversized value; all-zero reads as empty", () => {
  const s = new Seqlock(i32(seqlockWords(8)));
  assert.deepEqual(s.read(new Uint8Array(8)), { n: 0, version: 0 });
  assert.throws(() => s.write(new Uint8Array(9)), RangeError);
  assert.equal(s.write(new Uint8Array(8)), 1);
});

// takeAll takes frames on the main thread with take() until it has frame
// `done` (once the writer sets DONE), checking each frame before and after
// spinning, so a writer touching the reader's slot is caught.
function takeAll(rd, ctl) {
  const max = rd.maxFrameBytes, deadline = performance.now() + WORKER_LIMIT;
  let last = 0, taken = 0, dropped = 0, empty = 0;
  for (;;) {
    const f = rd.take();
    if (f === null) empty++;
    else {
      assert.ok(f.number > last, `frame ${f.number} after ${last}`);
      assert.equal(f.dropped, f.number - last - 1, `frame ${f.number} after ${last}: dropped`);
      assert.equal(damage(f.bytes, f.len, f.number, max), null, "torn frame");
      for (let k = 0; k < 2000; k++) Atomics.load(ctl, DONE);
      assert.equal(damage(f.bytes, f.len, f.number, max), null, "frame changed while the reader held it");
      taken++;
      dropped += f.dropped;
      last = f.number;
    }
    const done = Atomics.load(ctl, DONE);
    if (done !== 0 && last === done) return { taken, dropped, last, empty };
    assert.ok(performance.now() < deadline, `reader did not reach the writer's last frame (at ${last})`);
  }
}

test("Frames: take() on the main thread while a worker publishes", TEST_LIMIT, async () => {
  const words = framesWords(4096);
  const { sab, ctl, region } = shared(words);
  const rd = new FrameReader(region);
  const writer = spawn("framesWrite", { sab, offset: CTL_BYTES, words, minFrames: 5000, minTaken: 300 });
  await start(ctl, 1);
  const got = takeAll(rd, ctl);
  const w = await writer;
  assert.equal(got.last, w.published, "the last frame is taken");
  assert.equal(got.taken + got.dropped, w.published, "every frame is taken or dropped");
  assert.ok(got.taken >= 300);
  assert.deepEqual(rd.stats(), { published: w.published, taken: got.taken, dropped: got.dropped });
  assert.equal(rd.take(), null, "no frame after the last");
});

test("Frames: next() in a worker while another worker publishes", TEST_LIMIT, async () => {
  const words = framesWords(4096);
  const { sab, ctl, region } = shared(words);
  const writer = spawn("framesWrite", { sab, offset: CTL_BYTES, words, minFrames: 5000, minTaken: 300 });
  const reader = spawn("framesNext", { sab, offset: CTL_BYTES, words });
  await start(ctl, 2);
  const w = await writer, r = await reader;
  assert.equal(r.last, w.published, "the last frame is taken");
  assert.equal(r.taken + r.dropped, w.published, "every frame is taken or dropped");
  assert.deepEqual(r.stats, { published: w.published, taken: r.taken, dropped: r.dropped });
  assert.deepEqual(new FrameReader(region).stats(), r.stats);
});

test("Frames: single-threaded take, drops and slot ownership", () => {
  const region = i32(framesWords(64));
  const wr = new FrameWriter(region), rd = new FrameReader(region);
  const max = wr.maxFrameBytes, buf = new Uint8Array(max);
  assert.equal(rd.take(), null, "nothing published");
  assert.equal(rd.next(10), null, "next() times out with nothing published");
  for (let n = 1; n <= 3; n++) wr.publish(buf.subarray(0, fill(buf, n, max)));
  const f = rd.take();
  assert.equal(f.number, 3);
  assert.equal(f.dropped, 2);
  assert.deepEqual(rd.stats(), { published: 3, taken: 1, dropped: 2 });
  assert.equal(rd.take(), null, "frame 3 was already taken");
  // The writer never writes the slot the reader holds.
  for (let n = 4; n <= 20; n++) wr.publish(buf.subarray(0, fill(buf, n, max)));
  assert.equal(damage(f.bytes, f.len, 3, max), null, "the held frame changed");
  const g = rd.take();
  assert.equal(g.number, 20);
  assert.equal(g.dropped, 16);
  assert.equal(damage(g.bytes, g.len, 20, max), null);
  assert.deepEqual(rd.stats(), { published: 20, taken: 2, dropped: 18 });
  assert.throws(() => wr.publish(new Uint8Array(max + 1)), RangeError);
});

test("Ring: push and pop at the edges, single-threaded", () => {
  const C = 7;
  const ring = new Ring(i32(ringWords(C, 4)));
  const out = new Int32Array(C + 3);
  assert.equal(ring.pop(out), 0, "pop of an empty ring");
  assert.equal(ring.push(Int32Array.from({ length: C + 3 }, (_, i) => i)), C, "push stops at capacity");
  assert.equal(ring.push(Int32Array.of(99)), 0, "push to a full ring");
  assert.equal(ring.availableRead(), C);
  assert.equal(ring.pop(out), C);
  assert.deepEqual([...out.subarray(0, C)], [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(ring.pop(out), 0, "pop of an emptied ring");
  // Many wrap-arounds against a plain queue.
  const model = [];
  let next = 0;
  for (let step = 0; step < 500; step++) {
    const k = step % 5, src = Int32Array.from({ length: k }, () => next++);
    const pushed = ring.push(src);
    assert.equal(pushed, Math.min(k, C - model.length));
    model.push(...src.subarray(0, pushed));
    next -= k - pushed;
    const room = (step * 3) % 6, dst = new Int32Array(room);
    const popped = ring.pop(dst);
    assert.deepEqual([...dst.subarray(0, popped)], model.splice(0, Math.min(room, model.length)));
  }
});

// ringCase runs the producer worker against a consumer (a worker, or the
// main thread when popper is null) over a ring whose region starts at a
// byte offset that is a multiple of 8.
async function ringCase({ capacity, float, mode, popper, spin = false }) {
  const K = 200000, Type = float ? Float64Array : Int32Array;
  const words = ringWords(capacity, Type.BYTES_PER_ELEMENT);
  const { sab, ctl, region } = shared(words);
  const ring = new Ring(region, Type);
  assert.equal(ring.capacity, capacity);
  const data = { sab, offset: CTL_BYTES, words, count: K, float };
  const producer = spawn("ringPush", { ...data, mode });
  const consumer = popper ? spawn("ringPop", { ...data, spin }) : null;
  await start(ctl, popper ? 2 : 1);
  let popped = 0;
  if (consumer) popped = (await consumer).popped;
  else {
    // The main thread pops and waits for data with Atomics.waitAsync, which
    // leaves the event loop free.
    const dst = new Type(50);
    const deadline = performance.now() + WORKER_LIMIT;
    while (popped < K) {
      const w = Atomics.load(region, 0);
      const k = ring.pop(dst);
      for (let j = 0; j < k; j++) {
        const v = float ? dst[j] - 0.5 : dst[j];
        if (v !== popped) assert.fail(`popped ${dst[j]} at position ${popped}`);
        popped++;
      }
      if (k === 0) {
        assert.ok(performance.now() < deadline, `consumer starved at ${popped}`);
        const r = Atomics.waitAsync(region, 0, w, 100);
        if (r.async) await r.value;
      }
    }
  }
  const p = await producer;
  assert.equal(p.pushed, K);
  assert.equal(popped, K);
  assert.equal(ring.availableRead(), 0, "nothing left over");
  assert.equal(ring.pop(new Type(1)), 0, "pop of the drained ring");
  return p;
}

test("Ring: pushAll and popSome in two workers deliver 0..K-1 in order", TEST_LIMIT, async () => {
  await ringCase({ capacity: 61, float: false, mode: "pushAll", popper: true });
});

test("Ring: Float64 elements, pushAll and popSome in two workers", TEST_LIMIT, async () => {
  await ringCase({ capacity: 33, float: true, mode: "pushAll", popper: true });
});

test("Ring: push and a busy-polling pop in two workers", TEST_LIMIT, async () => {
  await ringCase({ capacity: 1023, float: false, mode: "push", popper: true, spin: true });
});

test("Ring: push in a worker, pop on the main thread", TEST_LIMIT, async () => {
  await ringCase({ capacity: 61, float: false, mode: "push", popper: false });
});
