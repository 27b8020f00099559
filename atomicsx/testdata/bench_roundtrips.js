// Body of the function (w, n) that BenchmarkPingPong (bench_test.go) builds
// with Function: n postMessage round trips with the echo worker w, driven by
// JavaScript alone; resolves to the mean ns per round trip.
return new Promise((resolve) => {
  let i = 0;
  const t0 = performance.now();
  w.onmessage = () => { if (++i < n) w.postMessage(i); else { w.onmessage = null; resolve((performance.now() - t0) * 1e6 / n); } };
  w.postMessage(0);
});
