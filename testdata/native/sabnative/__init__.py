"""sabnative: Python's side of the test library in testdata/native.

It loads libsabnative.so, which sits beside this file, through ctypes, and
calls it on the bytes of any writable C-contiguous float32 buffer (a NumPy
array or a memoryview) in place: no copy is made on the way in or out.
"""

import ctypes
import os

lib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), "libsabnative.so"))
lib.sabnative_version.restype = ctypes.c_int
lib.scale_f32.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_float]
lib.scale_f32.restype = None
lib.sum_f32.argtypes = [ctypes.c_void_p, ctypes.c_int]
lib.sum_f32.restype = ctypes.c_double
lib.fill_f32.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_float]
lib.fill_f32.restype = None
lib.crash.restype = None


def _floats(buf):
    """The address and float32 count of buf's bytes, which stay where they
    are (from_buffer refuses read-only and non-contiguous buffers)."""
    m = memoryview(buf)
    if m.format.lstrip("@=<") != "f":
        raise TypeError(f"sabnative wants float32 elements, got format {m.format!r}")
    return ctypes.addressof(ctypes.c_char.from_buffer(m.cast("B"))), m.nbytes // 4


def version():
    return lib.sabnative_version()


def scale(buf, k):
    """Multiply every element of buf by k, in place."""
    addr, n = _floats(buf)
    lib.scale_f32(addr, n, k)


def total(buf):
    """The sum of buf's elements, computed in C."""
    addr, n = _floats(buf)
    return lib.sum_f32(addr, n)


def fill(buf, seed):
    """Write seed + i to element i of buf, in place."""
    addr, n = _floats(buf)
    lib.fill_f32(addr, n, seed)


def crash():
    """Trap inside C code."""
    lib.crash()
