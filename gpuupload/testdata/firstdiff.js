// Body of firstDiffJS (helpers_test.go), the function (a, b): compares the bytes
// of two views and returns the index of the first differing 32-bit word
// (times 4) or byte, -1 when they are equal, or -2 when their lengths differ.
if (a.byteLength !== b.byteLength) return -2;
const n = a.byteLength >> 2;
const x = new Int32Array(a.buffer, a.byteOffset, n), y = new Int32Array(b.buffer, b.byteOffset, n);
for (let i = 0; i < n; i++) if (x[i] !== y[i]) return 4 * i;
const p = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), q = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
for (let i = 4 * n; i < p.length; i++) if (p[i] !== q[i]) return i;
return -1;
