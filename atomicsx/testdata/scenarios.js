// Test workloads for the atomicsx cross-language tests: each runs one side
// of a protocol with AtomicsX (assets/sabkit-atomics.js) and returns counts that the Go
// test checks. The frame pattern and the handshake match the Go tests'
// (fillFrame and intactFrame in helpers_test.go). Loaded after assets/sabkit-atomics.js.
"use strict";
(function (root) {
  const A = root.AtomicsX;

  // Frames of `words` int32 words: [f, imul(f, 0x9E3779B1) + j ..., checksum].
  function fill(w, f) {
    const n = w.length;
    w[0] = f;
    for (let j = 1; j < n - 1; j++) w[j] = (Math.imul(f, 0x9E3779B1) + j) | 0;
    w[n - 1] = checksum(w);
  }
  function checksum(w) {
    let h = 0x811C9DC5 | 0;
    for (let j = 0; j < w.length - 1; j++) h = Math.imul(h ^ w[j], 16777619);
    return h | 0;
  }
  // intact reports whether w is exactly one frame (f = w[0]).
  function intact(w) {
    const f = w[0];
    for (let j = 1; j < w.length - 1; j++) if (w[j] !== ((Math.imul(f, 0x9E3779B1) + j) | 0)) return false;
    return w[w.length - 1] === checksum(w);
  }

  // handshake: both parties add 1 to ctl[0] and wait (Atomics.wait) for 2,
  // so neither starts before the other runs.
  function handshake(ctl) {
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    for (;;) {
      const v = Atomics.load(ctl, 0);
      if (v >= 2) return;
      Atomics.wait(ctl, 0, v);
    }
  }
  const start = (p) => { if (p.handshake !== false) handshake(p.ctl); };
  // The page's main thread may not block: there the workloads spin.
  const pause = (a, i, v) => { if (A.canBlock) Atomics.wait(a, i, v); };

  const scenarios = {
    seqlockWriter(p) {
      const lock = new A.Seqlock(p.region), w = new Int32Array(p.words), b = new Uint8Array(w.buffer);
      start(p);
      for (let f = 1; f <= p.frames; f++) { fill(w, f); lock.write(b); }
      return { written: p.frames };
    },
    seqlockReader(p) {
      const lock = new A.Seqlock(p.region), w = new Int32Array(p.words), b = new Uint8Array(w.buffer);
      start(p);
      let reads = 0, torn = 0, backwards = 0, last = 0;
      for (;;) {
        const r = lock.read(b);
        if (r === null) throw new Error("seqlock busy");
        if (r.n === 0) continue;
        reads++;
        if (!intact(w)) { torn++; continue; }
        if (w[0] < last) backwards++;
        last = w[0];
        if (last === p.frames) break;
      }
      return { reads, torn, backwards, last };
    },
    framesWriter(p) {
      const fw = new A.FrameWriter(p.region), w = new Int32Array(p.words), b = new Uint8Array(w.buffer);
      start(p);
      for (let f = 1; f <= p.frames; f++) { fill(w, f); fw.publish(b); }
      return { published: p.frames };
    },
    // framesWriterInPlace fills each frame straight into the back slot
    // (FrameWriter.back) and publishes it with publishBack: no copy. It
    // publishes one frame every p.paceMs at most, so that a reader reading
    // word by word takes a good share of them.
    framesWriterInPlace(p) {
      const fw = new A.FrameWriter(p.region);
      start(p);
      const t0 = performance.now();
      for (let f = 1; f <= p.frames; f++) {
        while (performance.now() - t0 < f * p.paceMs);
        const b = fw.back();
        fill(new Int32Array(b.buffer, b.byteOffset, p.words), f);
        fw.publishBack(4 * p.words);
      }
      return { published: p.frames };
    },
    framesReader(p) {
      const fr = new A.FrameReader(p.region), w = new Int32Array(p.words), b = new Uint8Array(w.buffer);
      start(p);
      let taken = 0, torn = 0, backwards = 0, mismatched = 0, dropped = 0, last = 0;
      for (;;) {
        const st = Atomics.load(p.region, 0);
        const f = fr.take();
        if (f === null) { pause(p.region, 0, st); continue; }
        b.set(f.bytes);
        taken++;
        dropped += f.dropped;
        if (!intact(w)) torn++;
        if (w[0] !== f.number) mismatched++;
        if (f.number <= last) backwards++;
        last = f.number;
        if (last === p.frames) break;
      }
      return { taken, torn, backwards, mismatched, dropped, last, stats: fr.stats() };
    },
    ringProducer(p) {
      const q = new A.Ring(p.region), batch = new Int32Array(p.batch);
      start(p);
      for (let next = 0; next < p.items;) {
        const k = Math.min(batch.length, p.items - next);
        for (let j = 0; j < k; j++) batch[j] = next + j;
        for (let done = 0; done < k;) {
          const r = Atomics.load(p.region, 1);
          const n = q.push(batch.subarray(done, k));
          if (n === 0) pause(p.region, 1, r);
          done += n;
        }
        next += k;
      }
      return { pushed: p.items };
    },
    ringConsumer(p) {
      const q = new A.Ring(p.region), batch = new Int32Array(p.batch);
      start(p);
      let next = 0, wrong = 0;
      while (next < p.items) {
        const w = Atomics.load(p.region, 0);
        const k = q.pop(batch);
        if (k === 0) { pause(p.region, 0, w); continue; }
        for (let j = 0; j < k; j++) if (batch[j] !== next + j) wrong++;
        next += k;
      }
      return { popped: next, wrong };
    },
    mutexHammer(p) {
      const m = new A.Mutex(p.region, p.mutex), r = p.region;
      start(p);
      let sink = 0;
      for (let k = 0; k < p.iterations; k++) {
        m.lock();
        // Plain, non-atomic read and write: only the lock keeps the count
        // exact. The loop between them widens the window, as slow as Go's
        // side, so the two threads really overlap.
        const x = r[p.counter];
        for (let s = 0; s < (p.hold | 0); s++) sink = (sink + s) | 0;
        r[p.counter] = x + 1;
        m.unlock();
      }
      return { iterations: p.iterations, sink };
    },
    // pong answers pings on region[0]: odd value v → v + 1; -1 stops.
    pong(p) {
      const r = p.region;
      start(p);
      let expect = 0;
      for (;;) {
        Atomics.wait(r, 0, expect);
        const v = Atomics.load(r, 0);
        if (v === -1) return {};
        if (v === expect) continue;
        Atomics.store(r, 0, v + 1);
        Atomics.notify(r, 0);
        expect = v + 1;
      }
    },
    // frameLatencyWriter publishes frames carrying the publish time
    // (performance.timeOrigin + now(), ms, as a float64) and waits for the
    // reader to acknowledge each in ack[0], then p.gapMs more, so that the
    // reader is parked again when the next frame comes.
    frameLatencyWriter(p) {
      const fw = new A.FrameWriter(p.region), t = new Float64Array(1), b = new Uint8Array(t.buffer);
      start(p);
      for (let f = 1; f <= p.frames; f++) {
        if (f > 1 && p.gapMs) Atomics.wait(p.ack, 0, f - 1, p.gapMs);
        t[0] = performance.timeOrigin + performance.now();
        fw.publish(b);
        while (Atomics.load(p.ack, 0) < f) Atomics.wait(p.ack, 0, f - 1);
      }
      return {};
    },
  };
  // run runs a scenario and reports {ok, result} or {ok: false, error}
  // instead of throwing.
  function run(name, p) {
    try {
      return { ok: true, result: scenarios[name](p) };
    } catch (err) {
      return { ok: false, error: String((err && err.stack) || err) };
    }
  }
  root.Scenarios = { fill, intact, checksum, handshake, scenarios, run };
})(globalThis);
