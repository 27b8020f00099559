"""Heat diffusion for sabkit's shared_memory_gpu demo.

Runs in a Web Worker, in Pyodide on a shared heap. Each step diffuses a
temperature field, adds heat from three orbiting sources and from the
pointer (read from `inputs`, which the UI thread writes in place), and
writes the field straight into the back slot of a triple buffer (`frames`)
that the UI thread reads without copying.

Frame layout (little-endian), FRAME_BYTES = width*height*4 + 16:
  [0, n*4)       float32 temperature, row-major, n = width*height
  [n*4, +4)      uint32  zlib.crc32 of the field bytes (the UI checks it)
  [n*4+4, +4)    uint32  step number
  [n*4+8, +8)    float64 performance.now() when the frame was published
inputs (float32[4]): pointer x, pointer y (cells), pointer heat, stop flag.
"""
import math
import struct
import zlib
from array import array

try:
    import numpy as np
except ImportError:  # Pyodide without a NumPy wheel: pure Python, same result
    np = None

DIFFUSION = 0.2
COOLING = 0.995
SOURCE_HEAT = 3.0


def frame_bytes(width, height):
    return width * height * 4 + 16


def sources(t, width, height):
    """Centres of the three orbiting heat sources at step t."""
    out = []
    for k in range(3):
        ang = t * 0.02 * (k + 1) + k * 2.1
        cx = int(width / 2 + width * 0.3 * math.cos(ang))
        cy = int(height / 2 + height * 0.3 * math.sin(ang * 1.3))
        out.append((cx % width, cy % height))
    return out


def heat(field, width, height, cx, cy, amount):
    for dy in (-1, 0, 1):
        row = ((cy + dy) % height) * width
        for dx in (-1, 0, 1):
            field[row + (cx + dx) % width] += amount


def step_lists(T, width, height, t, pointer):
    n = width * height
    up = T[width:] + T[:width]
    down = T[n - width:] + T[:n - width]
    left = T[1:] + T[:1]
    right = T[n - 1:] + T[:n - 1]
    T = [(c + DIFFUSION * (u + d + l + r - 4.0 * c)) * COOLING
         for c, u, d, l, r in zip(T, up, down, left, right)]
    for cx, cy in sources(t, width, height):
        heat(T, width, height, cx, cy, SOURCE_HEAT)
    if pointer:
        heat(T, width, height, pointer[0], pointer[1], pointer[2])
    return T


def run(frames, inputs, width, height, n_frames, now):
    """Publish up to n_frames frames, or until inputs[3] becomes non-zero.

    frames is a FrameWriter over the triple buffer; inputs a float32[4]
    array in the heap; now a zero-argument clock in milliseconds.
    Returns the number of frames published.
    """
    n = width * height
    T = [0.0] * n
    published = 0
    for t in range(n_frames):
        if inputs[3] != 0:
            break
        pointer = None
        if inputs[2] > 0:
            pointer = (int(inputs[0]) % width, int(inputs[1]) % height, float(inputs[2]))
        T = step_lists(T, width, height, t, pointer)
        back = frames.back()  # writable memoryview of the back slot: no copy
        field = back[:n * 4]
        if np is not None:
            np.frombuffer(field, dtype=np.float32)[:] = T
        else:
            field.cast("f")[:] = array("f", T)
        struct.pack_into("<IId", back, n * 4, zlib.crc32(field), t, now())
        frames.publish_back(n * 4 + 16)
        published += 1
    return published
