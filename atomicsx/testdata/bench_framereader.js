// Body of the function (region, ack, n) that BenchmarkFrameLatency (bench_test.go)
// builds with Function: takes n frames with AtomicsX.FrameReader, waiting with
// Atomics.waitAsync, acknowledges each in ack and resolves to their latencies in µs.
return new Promise((resolve, reject) => {
  const r = new AtomicsX.FrameReader(region), lat = new Float64Array(n);
  const stamp = new Float64Array(1), stampBytes = new Uint8Array(stamp.buffer);
  let k = 0;
  const step = () => {
    for (;;) {
      const st = Atomics.load(region, 0);
      if (st & 4) {
        const f = r.take();
        const seen = performance.timeOrigin + performance.now();
        stampBytes.set(f.bytes.subarray(0, 8));
        lat[k++] = (seen - stamp[0]) * 1e3;
        Atomics.store(ack, 0, k);
        Atomics.notify(ack, 0);
        if (k === n) return resolve(Array.from(lat));
        continue;
      }
      const w = Atomics.waitAsync(region, 0, st);
      if (w.async) return w.value.then(step, reject);
    }
  };
  step();
});
