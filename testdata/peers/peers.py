# The Python functions every peer of the benchmark drives in its Pyodide
# worker, unchanged: comlink and coincident through their JS workers, sabkit
# through pyodidebridge.LoadWorker.
import struct

PERIOD = 1 << 16  # elements; the fill pattern repeats with this period


def noop():
    return None


def fill(out, seed):
    """Fill out (any writable float32 buffer) with element i = seed + i % PERIOD.

    The first period is packed by struct, the rest doubles by slice copies,
    so 64 MiB takes milliseconds in pure Python (no NumPy in the worker)."""
    m = memoryview(out).cast("B")
    n = len(m)
    first = min(n, 4 * PERIOD)
    m[:first] = struct.pack(f"<{first // 4}f", *range(seed, seed + first // 4))
    done = first
    while done < n:
        step = min(done, n - done)
        m[done:done + step] = m[:step]
        done += step
    return n // 4


_body = {}


def frame(out, seq):
    """Write frame seq into out: the first and the last element carry seq,
    written before and after the body, so a reader that catches the writer
    half-way sees them differ."""
    m = memoryview(out).cast("B")
    n = len(m)
    body = _body.get(n)
    if body is None:
        body = _body[n] = bytes(struct.pack(f"<{n // 4}f", *range(n // 4)))
    struct.pack_into("<f", m, 0, seq)
    m[4:n - 4] = body[4:n - 4]
    struct.pack_into("<f", m, n - 4, seq)
    return seq


def stream(fw, nbytes, seconds):
    """Publish frames 1, 2, ... of nbytes through the FrameWriter fw for the
    given seconds, as fast as Python can; returns how many it published."""
    import time
    end = time.monotonic() + seconds
    seq = 0
    while time.monotonic() < end:
        seq += 1
        frame(fw.back()[:nbytes], seq)
        fw.publish_back(nbytes)
    return seq
