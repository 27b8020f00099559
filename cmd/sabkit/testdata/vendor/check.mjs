// Test fixture for TestVendor (vendor_test.go), copied into an app that has the
// vendored package installed: imports it under both of its names, passes one
// frame through the protocols module and prints what it found as JSON.
const sabkit = await import("sabkit");
const { FrameWriter, FrameReader, framesWords } = await import("sabkit/atomics");
const region = new Int32Array(new SharedArrayBuffer(framesWords(16) * 4));
const w = new FrameWriter(region);
w.back().set([1, 2, 3]);
w.publishBack(3);
const f = new FrameReader(region).take();
console.log(JSON.stringify({ exports: Object.keys(sabkit).sort(), frame: f ? Array.from(f.bytes.subarray(0, f.len)) : null }));
