"""Python side of sabkit's atomicsx protocols over Pyodide's heap.

Mutex, Seqlock, FrameWriter/FrameReader and Ring follow atomicsx/LAYOUT.md
word for word, so a region in Pyodide's heap can be shared with the Go
(package atomicsx) and JavaScript implementations in any thread that sees
the heap: the UI thread viewing a worker's shared heap, for instance.

Every protocol word is read and written with js.Atomics on an Int32Array
over the heap; payload bytes are plain memoryview accesses into the heap, so
FrameWriter.back() hands out the slot itself (zero copy). Regions are given
by their byte address in the heap and their capacity; sizes follow
seqlock_bytes, frames_bytes and ring_bytes.

Blocking (Mutex.lock, Ring.push_all, FrameReader.next) uses Atomics.wait
where the thread may block (workers, Node) and spins otherwise.
"""

import js
import pyodide_js
from pyodide.ffi import to_js

import sabkit_bridge

_Atomics = js.Atomics
_load = _Atomics.load
_store = _Atomics.store
_add = _Atomics.add
_exchange = _Atomics.exchange
_cas = _Atomics.compareExchange
_notify = _Atomics.notify
_wait = _Atomics.wait

_U32 = 0xFFFFFFFF


def _words4(nbytes):
    return (nbytes + 3) // 4


def seqlock_bytes(max_bytes):
    """Region size in bytes of a Seqlock holding values of up to max_bytes."""
    return 4 * (2 + _words4(max_bytes))


def frames_bytes(frame_bytes):
    """Region size in bytes of a triple buffer of frames of up to frame_bytes."""
    return 4 * (8 + 3 * (2 + _words4(frame_bytes)))


def ring_bytes(capacity, itemsize):
    """Region size in bytes of a Ring of capacity items of itemsize bytes."""
    return 4 * (2 + _words4((capacity + 1) * itemsize))


class _HeapViews:
    """The heap of a Pyodide that keeps its WebAssembly.Memory private
    (0.27 to 0.29): Emscripten replaces HEAPU8 whenever the memory grows, so
    its buffer is always the heap's current one."""

    @property
    def buffer(self):
        return pyodide_js._module.HEAPU8.buffer


def _heap_memory():
    m = pyodide_js._module
    for name in ("memory", "wasmMemory"):
        mem = getattr(m, name, None)
        if mem is not None:
            return mem
    if getattr(m, "HEAPU8", None) is not None:
        return _HeapViews()
    raise RuntimeError("pyodide._module has neither memory nor HEAPU8: unsupported Pyodide build")


_memory = _heap_memory()
_shared = js.Object.prototype.toString.call(_memory.buffer) == "[object SharedArrayBuffer]"
_i32 = None


def _heap_words(end, renew=False):
    """An Int32Array over the heap reaching at least byte `end`, re-derived by
    sabview's rule: a shared heap never detaches its buffer, so the cached
    array is replaced only when it does not reach `end` and the heap's
    byteLength has changed since; a non-shared heap detaches it on growth
    (renew, when the cached array reads as empty)."""
    global _i32
    if (renew or _i32 is None or
            (_i32.length * 4 < end and _memory.buffer.byteLength != _i32.byteLength)):
        _i32 = js.Int32Array.new(_memory.buffer)
    return _i32


def _words_at(addr):
    a = _heap_words(addr + 4)
    if not _shared and a.length == 0:
        a = _heap_words(addr + 4, renew=True)
    return a


def load32(addr):
    """Atomics.load of the int32 at heap address addr."""
    return _load(_words_at(addr), addr >> 2)


def store32(addr, value):
    """Atomics.store of value into the int32 at heap address addr."""
    _store(_words_at(addr), addr >> 2, value)


def add32(addr, value):
    """Atomics.add on the int32 at addr; returns the old value."""
    return _add(_words_at(addr), addr >> 2, value)


def notify32(addr):
    """Wake every agent waiting on the int32 at addr."""
    return _notify(_words_at(addr), addr >> 2)


def _can_block():
    probe = js.WebAssembly.Memory.new(
        to_js({"initial": 1, "maximum": 1, "shared": True}, dict_converter=js.Object.fromEntries)
    )
    try:
        _wait(js.Int32Array.new(probe.buffer), 0, 1, 0)
        return True
    except Exception:
        return False


CAN_BLOCK = _can_block()


class _Region:
    """Words [addr, addr+nbytes) of the heap. owner keeps the bytes alive."""

    def __init__(self, addr, nbytes, owner=None, align=4):
        if addr <= 0 or addr % align:
            raise ValueError(f"region address {addr} must be a positive multiple of {align}")
        self.addr = addr
        self.nbytes = nbytes
        self.owner = owner
        self._w = addr >> 2
        self._end = addr + nbytes
        self._a = _heap_words(self._end)

    def _arr(self):
        if not _shared and self._a.length == 0:
            # Growth detached the non-shared heap's buffer.
            self._a = _heap_words(self._end, renew=True)
        return self._a

    def _span(self, first_word, nbytes):
        return sabkit_bridge.span(self.addr + 4 * first_word, nbytes)

    def _block(self, word, expect, timeout_ms):
        """Wait while word holds expect; returns False on timeout."""
        a = self._arr()
        if CAN_BLOCK:
            return _wait(a, self._w + word, expect, timeout_ms) != "timed-out"
        return _load(a, self._w + word) != expect


_INF = float("inf")


class Mutex(_Region):
    """A lock in one word (0 unlocked, 1 locked, 2 locked with waiters)."""

    def __init__(self, addr, owner=None):
        super().__init__(addr, 4, owner)

    def try_lock(self):
        return _cas(self._arr(), self._w, 0, 1) == 0

    def lock(self):
        a, i = self._arr(), self._w
        c = _cas(a, i, 0, 1)
        if c == 0:
            return
        if c != 2:
            c = _exchange(a, i, 2)
        while c != 0:
            self._block(0, 2, _INF)
            c = _exchange(a, i, 2)

    def unlock(self):
        a, i = self._arr(), self._w
        old = _exchange(a, i, 0)
        if old == 2:
            _notify(a, i)
        elif old != 1:
            raise RuntimeError(f"unlock of a mutex that was not locked (word held {old})")

    def __enter__(self):
        self.lock()
        return self

    def __exit__(self, *exc):
        self.unlock()


class Seqlock(_Region):
    """One writer publishes values of up to max_bytes; readers copy them out
    whole. Word [0] is the sequence, [1] the length, bytes from byte 8."""

    def __init__(self, addr, max_bytes, owner=None):
        super().__init__(addr, seqlock_bytes(max_bytes), owner)
        self.max_bytes = 4 * _words4(max_bytes)
        self._payload = self._span(2, self.max_bytes)

    def write(self, data):
        """Publish data (a bytes-like object); returns the new version."""
        data = memoryview(data).cast("B")
        n = len(data)
        if n > self.max_bytes:
            raise ValueError(f"value of {n} bytes exceeds the seqlock's {self.max_bytes}")
        a, i = self._arr(), self._w
        seq = _load(a, i)
        if seq & 1 or _cas(a, i, seq, seq + 1) != seq:
            raise RuntimeError("concurrent seqlock writers")
        _store(a, i + 1, n)
        self._payload[:n] = data
        _store(a, i, seq + 2)
        _notify(a, i)
        return ((seq + 2) & _U32) >> 1

    def read(self, busy_seconds=1.0):
        """Return (bytes, version) of one whole value, or raise TimeoutError
        when writes kept overlapping the copy."""
        a, i = self._arr(), self._w
        deadline = None
        k = 0
        while True:
            k += 1
            if k % 1024 == 0:
                now = js.performance.now()
                if deadline is None:
                    deadline = now + busy_seconds * 1000
                elif now > deadline:
                    raise TimeoutError("seqlock writes overlapped every read")
            s1 = _load(a, i)
            if s1 & 1:
                continue
            n = _load(a, i + 1)
            if n < 0 or n > self.max_bytes:
                continue
            value = bytes(self._payload[:n])
            if _add(a, i, 0) == s1:
                return value, (s1 & _U32) >> 1

    def version(self):
        return (_load(self._arr(), self._w) & _U32) >> 1


_FR_HEADER = 8
_FRESH = 4


class _Frames(_Region):
    def __init__(self, addr, frame_bytes, owner=None):
        super().__init__(addr, frames_bytes(frame_bytes), owner)
        self.slot_words = 2 + _words4(frame_bytes)
        self.max_frame_bytes = 4 * (self.slot_words - 2)
        self._slots = [self._span(self._base(s) + 2, self.max_frame_bytes) for s in range(3)]

    def _base(self, s):
        return _FR_HEADER + s * self.slot_words

    def _owned(self, word, default):
        x = _load(self._arr(), self._w + word)
        return default if x == 0 else x - 1

    def stats(self):
        """(published, taken, dropped) counters."""
        a, i = self._arr(), self._w
        return tuple(_load(a, i + k) & _U32 for k in (3, 4, 5))


class FrameWriter(_Frames):
    """Writing end of a triple buffer: never blocks, never waits for the reader."""

    def back(self):
        """Writable memoryview of the back slot's bytes (zero copy): fill it,
        then publish_back(nbytes). It is valid until that publish."""
        return self._slots[self._owned(1, 1)]

    def publish_back(self, nbytes):
        """Publish the first nbytes of the back slot; returns the frame number."""
        if not 0 <= nbytes <= self.max_frame_bytes:
            raise ValueError(f"frame of {nbytes} bytes; a slot holds 0..{self.max_frame_bytes}")
        a, w = self._arr(), self._w
        s = self._owned(1, 1)
        b = w + self._base(s)
        num = (_add(a, w + 3, 1) + 1) & _U32
        _store(a, b, num)
        _store(a, b + 1, nbytes)
        prev = _exchange(a, w, s | _FRESH)
        _store(a, w + 1, (prev & 3) + 1)
        _notify(a, w)
        return num

    def publish(self, data):
        """Copy data (bytes-like) into the back slot and publish it."""
        data = memoryview(data).cast("B")
        n = len(data)
        if n > self.max_frame_bytes:
            raise ValueError(f"frame of {n} bytes; a slot holds {self.max_frame_bytes}")
        self.back()[:n] = data
        return self.publish_back(n)


class FrameReader(_Frames):
    """Reading end of a triple buffer."""

    def take(self):
        """Take the latest frame: (number, memoryview of its bytes, dropped),
        the memoryview aliasing the slot until the next take; or None when
        nothing new was published."""
        a, w = self._arr(), self._w
        if not _load(a, w) & _FRESH:
            return None
        prev = _exchange(a, w, self._owned(2, 2))
        s = prev & 3
        b = w + self._base(s)
        _store(a, w + 2, s + 1)
        num = _load(a, b) & _U32
        n = _load(a, b + 1)
        _, taken, dropped = self.stats()
        skipped = (num - (taken + dropped) - 1) & _U32
        _store(a, w + 4, taken + 1)
        _store(a, w + 5, dropped + skipped)
        return num, self._slots[s][:n], skipped

    def next(self, timeout_ms=_INF):
        """Wait up to timeout_ms for a new frame and take it; None on timeout."""
        deadline = js.performance.now() + timeout_ms
        while True:
            st = _load(self._arr(), self._w)
            if st & _FRESH:
                return self.take()
            left = deadline - js.performance.now()
            if left <= 0:
                return None
            self._block(0, st, left)


class Ring(_Region):
    """Single-producer single-consumer queue of capacity items of itemsize
    bytes; push and pop move whole batches."""

    def __init__(self, addr, capacity, itemsize, owner=None):
        super().__init__(addr, ring_bytes(capacity, itemsize), owner, align=max(4, itemsize))
        self.itemsize = itemsize
        self.slots = (self.nbytes - 8) // itemsize
        self.capacity = self.slots - 1
        self._data = self._span(2, self.slots * itemsize)

    def _items(self, buf):
        m = memoryview(buf).cast("B")
        if len(m) % self.itemsize:
            raise ValueError(f"buffer of {len(m)} bytes is not whole items of {self.itemsize}")
        return m

    def __len__(self):
        a, i = self._arr(), self._w
        return (_load(a, i) - _load(a, i + 1) + self.slots) % self.slots

    def push(self, buf):
        """Copy as many items of buf as fit; returns how many."""
        src = self._items(buf)
        a, i, n, z = self._arr(), self._w, self.slots, self.itemsize
        w, r = _load(a, i), _load(a, i + 1)
        k = min(n - 1 - (w - r + n) % n, len(src) // z)
        if k == 0:
            return 0
        first = min(k, n - w)
        self._data[w * z : (w + first) * z] = src[: first * z]
        if first < k:
            self._data[: (k - first) * z] = src[first * z : k * z]
        _store(a, i, (w + k) % n)
        _notify(a, i)
        return k

    def pop(self, buf):
        """Copy up to len(buf) // itemsize items into the writable buf;
        returns how many."""
        dst = self._items(buf)
        a, i, n, z = self._arr(), self._w, self.slots, self.itemsize
        w, r = _load(a, i), _load(a, i + 1)
        k = min((w - r + n) % n, len(dst) // z)
        if k == 0:
            return 0
        first = min(k, n - r)
        dst[: first * z] = self._data[r * z : (r + first) * z]
        if first < k:
            dst[first * z : k * z] = self._data[: (k - first) * z]
        _store(a, i + 1, (r + k) % n)
        _notify(a, i + 1)
        return k

    def push_all(self, buf):
        """Push every item of buf, waiting for room when the ring is full."""
        src = self._items(buf)
        done = 0
        while done < len(src):
            r = _load(self._arr(), self._w + 1)
            k = self.push(src[done:])
            done += k * self.itemsize
            if k == 0:
                self._block(1, r, _INF)

    def pop_some(self, buf):
        """Pop at least one item into buf, waiting while the ring is empty."""
        while True:
            w = _load(self._arr(), self._w)
            k = self.pop(buf)
            if k:
                return k
            self._block(0, w, _INF)


def bind(kind, name, addr, *args):
    """Replace the global `name` (the int32 array the bridge allocated for
    the region) by a protocol object over the same bytes, which keeps the
    array alive."""
    main = sabkit_bridge._main
    classes = {"Mutex": Mutex, "Seqlock": Seqlock, "FrameWriter": FrameWriter,
               "FrameReader": FrameReader, "Ring": Ring}
    main[name] = classes[kind](addr, *args, owner=main.get(name))
    return main[name].nbytes
