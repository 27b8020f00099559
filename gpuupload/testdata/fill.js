// Body of fillJS (helpers_test.go), the function (ta, seed): writes a pattern
// that depends on seed into the bytes of typed array ta, as 32-bit words so
// that every byte varies and the loop stays monomorphic whatever ta's type.
const w = new Int32Array(ta.buffer, ta.byteOffset, ta.byteLength >> 2);
for (let i = 0; i < w.length; i++) w[i] = Math.imul(i, 2654435761) + seed;
const tail = new Uint8Array(ta.buffer, ta.byteOffset + (w.length << 2), ta.byteLength & 3);
for (let i = 0; i < tail.length; i++) tail[i] = i + seed;
