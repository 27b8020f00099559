// Helpers that protocols.test.mjs and protocols.worker.mjs share: the byte
// pattern of a numbered value (a Seqlock value or a frame), the word indices
// of the control block that coordinates the threads, and bounded waits.

// A value numbered n is lenFor(n, max) bytes: n as a little-endian uint32,
// then byte j = (n * 251 + j) & 0xff. Consecutive numbers differ in every
// byte and usually in length, so a copy that mixes two values is caught.
export const lenFor = (n, max) => 4 + ((n * 37) % (max - 3));
const patternByte = (n, j) => (Math.imul(n, 251) + j) & 0xff;

// fill writes value n into dst and returns its length.
export function fill(dst, n, max) {
  const len = lenFor(n, max);
  dst[0] = n & 0xff;
  dst[1] = (n >>> 8) & 0xff;
  dst[2] = (n >>> 16) & 0xff;
  dst[3] = (n >>> 24) & 0xff;
  for (let j = 4; j < len; j++) dst[j] = patternByte(n, j);
  return len;
}

// numberOf reads the number at the start of a value.
export const numberOf = (b) => (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;

// damage returns null when the first len bytes of b are exactly value n
// (of a region whose values are at most max bytes), else what is wrong.
export function damage(b, len, n, max) {
  if (len !== lenFor(n, max)) return `value ${n}: length ${len}, want ${lenFor(n, max)}`;
  if (numberOf(b) !== n) return `value ${n}: starts with number ${numberOf(b)}`;
  for (let j = 4; j < len; j++) {
    if (b[j] !== patternByte(n, j)) return `value ${n}: byte ${j} is ${b[j]}, want ${patternByte(n, j)}`;
  }
  return null;
}

// Control block words (an Int32Array apart from the protocol's region).
export const READY = 0; // workers that have started
export const GO = 1; // set to 1 by the main thread to start them together
export const PROGRESS = 2; // main-thread reader's progress
export const DONE = 3; // the writer's last number once it has finished
export const PROGRESS2 = 4; // worker reader's progress
export const CTL_WORDS = 8;

// waitGo announces a worker as ready and blocks until the main thread sets
// GO, for at most limitMs.
export function waitGo(ctl, limitMs) {
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  const deadline = performance.now() + limitMs;
  while (Atomics.load(ctl, GO) === 0) {
    const left = deadline - performance.now();
    if (left <= 0 || Atomics.wait(ctl, GO, 0, left) === "timed-out") throw new Error("not started within " + limitMs + " ms");
  }
}
