"""Python half of sabkit's pyodidebridge.

The Go side binds these functions once (as PyProxies) and calls them with
plain numbers and strings, so no Python source is parsed on the hand-off
path. Every function here makes views over existing bytes: nothing is copied.

An array handed to Python is a NumPy ndarray when NumPy can be imported and a
memoryview cast to the format and shape otherwise. Either way it is a view of
a C-contiguous byte memoryview ("raw") whose owner is a Python object, so
Python's reference counting keeps the bytes alive for as long as any Python
name still refers to them.
"""

import ctypes
import struct
import sys

# Globals of __main__: pyodide.globals, and what Python code run by the bridge sees.
_main = sys.modules["__main__"].__dict__

# Whole linear memory as bytes, so an address becomes a view with one slice.
# Only on Emscripten, where addresses are offsets into the wasm memory; a
# 32-bit ssize_t caps a memoryview at 2**31 - 1 bytes, and higher addresses
# fall back to ctypes.
_heap = None
if sys.platform == "emscripten":
    _heap = memoryview((ctypes.c_ubyte * (2**31 - 1)).from_address(0)).cast("B")

_live = {}  # handle -> _Entry: what the Go side holds views of
_next_handle = 0
_bindings = {}  # binding id -> arguments of bind or bind_address, for rebind
_next_binding = 0
_numpy_missing = False  # a failed `import numpy` is not retried until refresh()


class _Entry:
    __slots__ = ("raw", "array", "name")

    def __init__(self, raw, array, name):
        self.raw = raw  # byte memoryview; holding it pins the owner's buffer
        self.array = array  # what alloc bound to `name`, or None
        self.name = name


def _numpy():
    global _numpy_missing
    np = sys.modules.get("numpy")
    if np is not None or _numpy_missing:
        return np
    try:
        import numpy as np
    except ImportError:
        _numpy_missing = True
        return None
    return np


def refresh():
    """Forget that NumPy was missing (after a package was loaded). Returns
    whether NumPy can be imported now."""
    global _numpy_missing
    _numpy_missing = False
    return _numpy() is not None


def shaped(raw, fmt, shape):
    """View the byte memoryview raw as an array of struct format fmt with the
    given shape: an ndarray when NumPy is available, else a memoryview."""
    np = _numpy()
    if np is not None:
        return np.frombuffer(raw, dtype=fmt).reshape(shape)
    return raw.cast(fmt, shape)


def span(addr, nbytes):
    """A writable byte memoryview of nbytes at address addr (no owner: the
    caller guarantees the bytes stay allocated)."""
    if _heap is not None and addr + nbytes <= len(_heap):
        return _heap[addr : addr + nbytes]
    return memoryview((ctypes.c_ubyte * nbytes).from_address(addr)).cast("B")


def wrap(addr, nbytes, fmt, *shape):
    """An array of format fmt and shape over nbytes at addr, aliasing them."""
    return shaped(span(addr, nbytes), fmt, shape)


def _address(raw):
    # from_buffer needs a writable buffer; the temporary ctypes object is
    # dropped at once, raw keeps the buffer pinned.
    return ctypes.addressof(ctypes.c_char.from_buffer(raw))


def _register(raw, array, name):
    global _next_handle
    _next_handle += 1
    _live[_next_handle] = _Entry(raw, array, name)
    return _next_handle


def alloc(name, nbytes, align, fmt, *shape):
    """Allocate nbytes (zeroed, aligned to align) owned by Python, bind
    `name` to an array of fmt and shape over them, and return
    (handle, address)."""
    owner = bytearray(nbytes + align)
    base = _address(owner)
    pad = -base % align
    raw = memoryview(owner)[pad : pad + nbytes]
    array = shaped(raw, fmt, shape)
    _main[name] = array
    return (_register(raw, array, name), base + pad)


def _kind(fmt):
    code = fmt.lstrip("@=<>!")
    if len(code) != 1:
        return "?"
    if code in "bhilqn":
        return "i"
    if code in "BHILQN":
        return "u"
    if code in "efd":
        return "f"
    return "?"


def export(name):
    """Describe the buffer bound to `name` and, when it is a writable
    C-contiguous buffer, pin it. Returns
    (status, format, kind, itemsize, nbytes, handle, address, *shape) where
    status is "ok", "missing", "notbuffer", "readonly" or "noncontiguous"."""
    if name not in _main:
        return ("missing", "", "?", 0, 0, 0, 0)
    obj = _main[name]
    try:
        m = memoryview(obj)
    except TypeError:
        return ("notbuffer", type(obj).__name__, "?", 0, 0, 0, 0)
    info = (m.format, _kind(m.format), m.itemsize, m.nbytes)
    if m.readonly:
        return ("readonly",) + info + (0, 0) + m.shape
    if not m.c_contiguous:
        return ("noncontiguous",) + info + (0, 0) + m.shape
    if m.nbytes == 0:
        return ("empty",) + info + (0, 0) + m.shape
    raw = m.cast("B")
    return ("ok",) + info + (_register(raw, None, None), _address(raw)) + m.shape


def bind(name, handle, offset, nbytes, fmt, *shape):
    """Bind `name` to an array over bytes [offset, offset+nbytes) of a live
    entry. The array keeps the entry's owner alive on its own."""
    _main[name] = shaped(_live[handle].raw[offset : offset + nbytes], fmt, shape)


def bind_address(name, addr, nbytes, fmt, *shape):
    """Bind `name` to an array over nbytes at addr; no owner is kept."""
    _main[name] = wrap(addr, nbytes, fmt, *shape)


def prepare(name, handle, offset, nbytes, fmt, *shape):
    """Remember a binding (bind's arguments, or bind_address's when handle
    is 0, with offset as the address), perform it, and return its id: a
    repeated hand-off then costs one call with one argument (rebind)."""
    global _next_binding
    _next_binding += 1
    _bindings[_next_binding] = (name, handle, offset, nbytes, fmt, shape)
    rebind(_next_binding)
    return _next_binding


def rebind(binding):
    """Bind the name of a prepared binding to a fresh array over its bytes."""
    name, handle, offset, nbytes, fmt, shape = _bindings[binding]
    if handle:
        bind(name, handle, offset, nbytes, fmt, *shape)
    else:
        bind_address(name, offset, nbytes, fmt, *shape)


def forget(binding):
    """Drop a prepared binding (the name stays bound)."""
    _bindings.pop(binding, None)


def release(handle):
    """Drop the bridge's reference to a live entry, and the name alloc bound
    if it still refers to the allocated array. Python names that still refer
    to the bytes keep them alive. Returns whether the handle was live."""
    entry = _live.pop(handle, None)
    if entry is None:
        return False
    for binding in [k for k, v in _bindings.items() if v[1] == handle]:
        del _bindings[binding]
    if entry.name is not None and _main.get(entry.name) is entry.array:
        del _main[entry.name]
    return True


def live():
    """Number of live entries and prepared bindings, for leak checks."""
    return len(_live) + len(_bindings)
