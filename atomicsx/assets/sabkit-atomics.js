// sabkit-atomics.js: the JavaScript side of the atomicsx protocols (Mutex,
// Seqlock, Frames, Ring) over an Int32Array region, following
// atomicsx/LAYOUT.md word for word, so that a page's own JavaScript can read
// and write the regions Go and Python share. It loads as a classic script
// (a <script> tag, importScripts in a Worker) or with require() in Node, and
// defines globalThis.AtomicsX; sabkit-atomics.mjs is the same API as an ES
// module. `sabkit serve` serves both under /sabkit/.
//
// The blocking calls (Mutex.lock, FrameReader.next, Ring.pushAll and
// popSome) use Atomics.wait, which a page's main thread may not call: there
// use tryLock, FrameReader.take, Seqlock.read and Ring.push/pop, which never
// block (canBlock says which applies). Construct each class over the
// Int32Array of the region Go or Python allocated: the Array() of the
// sabview.View[int32] Go passed to atomicsx.NewFrameWriter (or NewMutex,
// NewSeqlock, NewRing), or of the view pyodidebridge's AllocFrames returned.
"use strict";
(function (root) {
  const bytesOf = (region, firstWord, words) =>
    new Uint8Array(region.buffer, region.byteOffset + firstWord * 4, words * 4);
  const wordsFor = (bytes) => Math.ceil(bytes / 4);
  const canBlock = (() => {
    try {
      const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      Atomics.wait(new Int32Array(m.buffer), 0, 1, 0);
      return true;
    } catch (e) {
      return false;
    }
  })();

  // Mutex: one word, 0 unlocked, 1 locked, 2 locked with possible waiters.
  class Mutex {
    constructor(i32, index) { this.a = i32; this.i = index; }
    tryLock() { return Atomics.compareExchange(this.a, this.i, 0, 1) === 0; }
    lock() {
      const { a, i } = this;
      let c = Atomics.compareExchange(a, i, 0, 1);
      if (c === 0) return;
      if (c !== 2) c = Atomics.exchange(a, i, 2);
      while (c !== 0) {
        if (canBlock) Atomics.wait(a, i, 2);
        c = Atomics.exchange(a, i, 2);
      }
    }
    async lockAsync() {
      const { a, i } = this;
      let c = Atomics.compareExchange(a, i, 0, 1);
      if (c === 0) return;
      if (c !== 2) c = Atomics.exchange(a, i, 2);
      while (c !== 0) {
        const r = Atomics.waitAsync(a, i, 2);
        if (r.async) await r.value;
        c = Atomics.exchange(a, i, 2);
      }
    }
    unlock() {
      const old = Atomics.exchange(this.a, this.i, 0);
      if (old === 2) Atomics.notify(this.a, this.i);
      else if (old !== 1) throw new Error("atomicsx: unlock of a mutex that was not locked (word " + old + ")");
    }
  }

  // Seqlock: [0] sequence (odd while writing), [1] byte length, payload from word 2.
  class Seqlock {
    constructor(region) { this.r = region; this.payload = bytesOf(region, 2, region.length - 2); }
    get maxBytes() { return this.payload.length; }
    write(bytes) {
      const r = this.r;
      if (bytes.length > this.payload.length) throw new RangeError("atomicsx: value larger than the seqlock payload");
      const seq = Atomics.load(r, 0);
      if (seq & 1 || Atomics.compareExchange(r, 0, seq, seq + 1) !== seq) throw new Error("atomicsx: concurrent seqlock writers");
      Atomics.store(r, 1, bytes.length);
      this.payload.set(bytes);
      Atomics.store(r, 0, seq + 2);
      Atomics.notify(r, 0);
      return (seq + 2) >>> 1;
    }
    // read copies the value into dst and returns {n, version}, or null when
    // writes kept overlapping it for busyMs milliseconds.
    read(dst, busyMs = 1000) {
      const r = this.r;
      let giveUp = 0;
      for (let k = 1; ; k++) {
        if ((k & 1023) === 0) {
          const now = performance.now();
          if (giveUp === 0) giveUp = now + busyMs;
          else if (now > giveUp) return null;
        }
        const s1 = Atomics.load(r, 0);
        if (s1 & 1) continue;
        const n = Atomics.load(r, 1);
        if (n < 0 || n > this.payload.length) continue;
        if (n > dst.length) throw new RangeError("atomicsx: dst too small for the seqlock value");
        dst.set(this.payload.subarray(0, n));
        if (Atomics.add(r, 0, 0) === s1) return { n, version: s1 >>> 1 };
      }
    }
    version() { return Atomics.load(this.r, 0) >>> 1; }
  }

  // Frames: triple buffer. Header words: [0] latest slot | 4 if fresh,
  // [1] writer slot + 1, [2] reader slot + 1, [3] published, [4] taken,
  // [5] dropped, [6..7] reserved; then 3 slots of [number, length, payload...].
  const FR_HEADER = 8, FRESH = 4;
  class Frames {
    constructor(region) {
      this.r = region;
      this.slotWords = Math.floor((region.length - FR_HEADER) / 3);
      if (this.slotWords < 3) throw new RangeError("atomicsx: region too small for a triple buffer");
      this.payload = [0, 1, 2].map((s) => bytesOf(region, this.base(s) + 2, this.slotWords - 2));
    }
    base(s) { return FR_HEADER + s * this.slotWords; }
    get maxFrameBytes() { return this.payload[0].length; }
    owned(word, def) { const x = Atomics.load(this.r, word); return x === 0 ? def : x - 1; }
    stats() {
      const r = this.r;
      return { published: Atomics.load(r, 3) >>> 0, taken: Atomics.load(r, 4) >>> 0, dropped: Atomics.load(r, 5) >>> 0 };
    }
  }
  class FrameWriter extends Frames {
    back() { return this.payload[this.owned(1, 1)]; }
    publish(bytes) {
      if (bytes.length > this.maxFrameBytes) throw new RangeError("atomicsx: frame larger than a slot");
      this.back().set(bytes);
      return this.publishBack(bytes.length);
    }
    publishBack(n) {
      const r = this.r, s = this.owned(1, 1), b = this.base(s);
      const num = (Atomics.add(r, 3, 1) + 1) | 0;
      Atomics.store(r, b, num);
      Atomics.store(r, b + 1, n);
      const prev = Atomics.exchange(r, 0, s | FRESH);
      Atomics.store(r, 1, (prev & 3) + 1);
      Atomics.notify(r, 0);
      return num >>> 0;
    }
  }
  class FrameReader extends Frames {
    // take returns {number, len, dropped, bytes} (bytes aliases the slot
    // until the next take) or null when no new frame was published.
    take() {
      const r = this.r;
      if (!(Atomics.load(r, 0) & FRESH)) return null;
      const prev = Atomics.exchange(r, 0, this.owned(2, 2));
      const s = prev & 3, b = this.base(s);
      Atomics.store(r, 2, s + 1);
      const number = Atomics.load(r, b) >>> 0, len = Atomics.load(r, b + 1);
      const { taken, dropped } = this.stats();
      const skipped = (number - (taken + dropped) - 1) >>> 0;
      Atomics.store(r, 4, taken + 1);
      Atomics.store(r, 5, dropped + skipped);
      return { number, len, dropped: skipped, bytes: this.payload[s].subarray(0, len) };
    }
    // next blocks (Atomics.wait; workers only) until a new frame, then takes it.
    next(timeoutMs = Infinity) {
      for (;;) {
        const st = Atomics.load(this.r, 0);
        if (st & FRESH) return this.take();
        if (Atomics.wait(this.r, 0, st, timeoutMs) === "timed-out") return null;
      }
    }
  }

  // Ring: [0] write index, [1] read index, elements from byte 8; capacity+1
  // slots, one always empty. Same layout as ringbuf.js.
  class Ring {
    constructor(region, Type = Int32Array) {
      this.r = region;
      const start = region.byteOffset + 8;
      if (start % Type.BYTES_PER_ELEMENT) throw new RangeError("atomicsx: ring elements misaligned");
      this.slots = Math.floor((region.length - 2) * 4 / Type.BYTES_PER_ELEMENT);
      this.data = new Type(region.buffer, start, this.slots);
    }
    get capacity() { return this.slots - 1; }
    availableRead() { return (Atomics.load(this.r, 0) - Atomics.load(this.r, 1) + this.slots) % this.slots; }
    push(src) {
      const w = Atomics.load(this.r, 0), r = Atomics.load(this.r, 1), n = this.slots;
      const k = Math.min(n - 1 - (w - r + n) % n, src.length);
      if (k === 0) return 0;
      const first = Math.min(k, n - w);
      this.data.set(src.subarray(0, first), w);
      if (first < k) this.data.set(src.subarray(first, k), 0);
      Atomics.store(this.r, 0, (w + k) % n);
      Atomics.notify(this.r, 0);
      return k;
    }
    pop(dst) {
      const w = Atomics.load(this.r, 0), r = Atomics.load(this.r, 1), n = this.slots;
      const k = Math.min((w - r + n) % n, dst.length);
      if (k === 0) return 0;
      const first = Math.min(k, n - r);
      dst.set(this.data.subarray(r, r + first), 0);
      if (first < k) dst.set(this.data.subarray(0, k - first), first);
      Atomics.store(this.r, 1, (r + k) % n);
      Atomics.notify(this.r, 1);
      return k;
    }
    // pushAll and popSome block in Atomics.wait (workers only) when full or empty.
    pushAll(src) {
      let done = 0;
      while (done < src.length) {
        const r = Atomics.load(this.r, 1);
        const k = this.push(src.subarray(done));
        done += k;
        if (k === 0) Atomics.wait(this.r, 1, r);
      }
    }
    popSome(dst) {
      for (;;) {
        const w = Atomics.load(this.r, 0);
        const k = this.pop(dst);
        if (k > 0) return k;
        Atomics.wait(this.r, 0, w);
      }
    }
  }

  const api = {
    canBlock, Mutex, Seqlock, FrameWriter, FrameReader, Ring,
    seqlockWords: (maxBytes) => 2 + wordsFor(maxBytes),
    framesWords: (frameBytes) => FR_HEADER + 3 * (2 + wordsFor(frameBytes)),
    ringWords: (capacity, bytesPerElement) => 2 + wordsFor((capacity + 1) * bytesPerElement),
  };
  root.AtomicsX = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(globalThis);
