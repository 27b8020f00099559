// atomics64.js: the 64-bit Atomics for atomicsx's Go code, evaluated as a
// function body with scratch, a one-element BigInt64Array. Go passes a
// 64-bit value as two 32-bit halves (lo, hi) and gets a Number back, or
// undefined with the value in scratch[0] when it does not fit a Number
// exactly.
"use strict";
const big = (lo, hi) => (BigInt(hi) << 32n) | BigInt(lo);
const out = (r) => (r >= -0x1fffffffffffffn && r <= 0x1fffffffffffffn) ? Number(r) : (scratch[0] = r, undefined);
return {
  load: (ta, i) => out(Atomics.load(ta, i)),
  store: (ta, i, lo, hi) => { Atomics.store(ta, i, big(lo, hi)); },
  add: (ta, i, lo, hi) => out(Atomics.add(ta, i, big(lo, hi))),
  sub: (ta, i, lo, hi) => out(Atomics.sub(ta, i, big(lo, hi))),
  and: (ta, i, lo, hi) => out(Atomics.and(ta, i, big(lo, hi))),
  or: (ta, i, lo, hi) => out(Atomics.or(ta, i, big(lo, hi))),
  xor: (ta, i, lo, hi) => out(Atomics.xor(ta, i, big(lo, hi))),
  exchange: (ta, i, lo, hi) => out(Atomics.exchange(ta, i, big(lo, hi))),
  compareExchange: (ta, i, elo, ehi, rlo, rhi) => out(Atomics.compareExchange(ta, i, big(elo, ehi), big(rlo, rhi))),
};
