"""Python half of sabkit's pyodidebridge.

The functions named in REQUESTS are the bridge's requests: the Go side (on
this thread) or the worker (internal/sharedheap/assets/worker.js) takes them
once as PyProxies and calls them with plain numbers and strings, so no Python
source is parsed and nothing bound in __main__ changes how they run. Every
function here makes views over existing bytes: nothing is copied.

An array handed to Python is a NumPy ndarray when NumPy can be imported and a
memoryview cast to the format and shape otherwise. Either way it is a view of
a C-contiguous byte memoryview ("raw") whose owner is a Python object, so
Python's reference counting keeps the bytes alive for as long as any Python
name still refers to them.
"""

import array as _array
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
_numpy_missing = False  # a failed `import numpy` is not retried until numpy()
_ZERO = b"\0"


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


def numpy():
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
    "handle address" (a str: a tuple would cost a PyProxy, tens of
    microseconds, to hand over)."""
    owner = _array.array("B", _ZERO) * (nbytes + align)
    base = owner.buffer_info()[0]  # no ctypes: an array knows its address
    pad = -base % align
    raw = memoryview(owner)[pad : pad + nbytes]
    array = shaped(raw, fmt, shape)
    _main[name] = array
    return f"{_register(raw, array, name)} {base + pad}"


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
    C-contiguous buffer, pin it. Returns the fields
    status, format, kind, itemsize, nbytes, handle, address, *shape joined
    by FIELDS (a str, as alloc's), where status is "ok", "missing",
    "notbuffer", "readonly", "noncontiguous" or "empty"."""
    if name not in _main:
        return _fields("missing", "", "?", 0, 0, 0, 0)
    obj = _main[name]
    try:
        m = memoryview(obj)
    except TypeError:
        return _fields("notbuffer", type(obj).__name__, "?", 0, 0, 0, 0)
    info = (m.format, _kind(m.format), m.itemsize, m.nbytes)
    if m.readonly:
        return _fields("readonly", *info, 0, 0, *m.shape)
    if not m.c_contiguous:
        return _fields("noncontiguous", *info, 0, 0, *m.shape)
    if m.nbytes == 0:
        return _fields("empty", *info, 0, 0, *m.shape)
    raw = m.cast("B")
    return _fields("ok", *info, _register(raw, None, None), _address(raw), *m.shape)


# FIELDS separates export's fields: no struct format or type name holds it.
FIELDS = "\x1f"


def _fields(*xs):
    return FIELDS.join(map(str, xs))


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


# ---- Calls by name (Call, Func) ----
#
# Go sends a call as (target, tags, *flat): target is a handle from resolve
# or a dotted name, tags has one letter per argument, and flat holds the
# arguments as JavaScript primitives, a view taking several slots. The
# result comes back as one str whose first letter says its type, or, for
# bytes, as a JS Uint8Array: nothing on this path parses Python source.

_funcs = {}  # handle -> callable pinned by Func
_next_func = 0


def _lookup(name):
    """The object a dotted name refers to: a global of __main__ or a builtin,
    followed by attributes; or an attribute of a module, importing the
    longest importable prefix. Raises LookupError saying what is missing."""
    import builtins
    import importlib

    parts = name.split(".")
    head = parts[0]
    if head in _main:
        obj, rest, where = _main[head], parts[1:], head
    elif hasattr(builtins, head):
        obj, rest, where = getattr(builtins, head), parts[1:], head
    elif len(parts) == 1:
        raise LookupError(f"{name!r} is neither a global of __main__ nor a builtin")
    else:
        obj = None
        for cut in range(len(parts) - 1, 0, -1):
            mod = ".".join(parts[:cut])
            try:
                obj = importlib.import_module(mod)
            except ModuleNotFoundError as e:
                if e.name is not None and not mod.startswith(e.name):
                    raise  # the module exists but imports something missing
                continue
            rest, where = parts[cut:], mod
            break
        if obj is None:
            raise LookupError(f"no module {head!r} (nor a global of __main__ by that name) for {name!r}")
    for attr in rest:
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise LookupError(f"{where!r} has no attribute {attr!r} (looking up {name!r})") from None
        where += "." + attr
    return obj


def resolve(name):
    """Pin the callable a dotted name refers to and return its handle (an
    int), or a str saying why there is none."""
    global _next_func
    try:
        fn = _lookup(name)
    except LookupError as e:
        return str(e.args[0])
    if not callable(fn):
        return f"{name!r} is a {type(fn).__name__}, not callable"
    _next_func += 1
    _funcs[_next_func] = fn
    return _next_func


def unpin(*handles):
    """Forget the callables of released Func handles."""
    for h in handles:
        _funcs.pop(h, None)


def _arguments(tags, flat):
    args = []
    i = 0
    for t in tags:
        if t == "n":
            args.append(None)
            continue
        x = flat[i]
        i += 1
        if t == "i" or t == "s" or t == "?":
            args.append(x)
        elif t == "f":
            args.append(float(x))
        elif t == "I":
            args.append(int(x))
        elif t == "g":
            args.append(float(x))
        elif t == "y":
            args.append(x.to_bytes())
        elif t == "v":
            off, nbytes, fmt, ndim = flat[i : i + 4]
            shape = flat[i + 4 : i + 4 + ndim]
            i += 4 + ndim
            if x:
                raw = _live[x].raw[off : off + nbytes]
            else:
                raw = span(off, nbytes)
            args.append(shaped(raw, fmt, shape))
        else:
            raise ValueError(f"sabkit: unknown argument tag {t!r}")
    return args


def _result(r):
    if r is None:
        return "n"
    np = sys.modules.get("numpy")
    if np is not None and isinstance(r, np.generic):
        r = r.item()
    if r is True:
        return "t"
    if r is False:
        return "f"
    if isinstance(r, int):
        return "i" + str(r)
    if isinstance(r, float):
        return "d" + repr(r)
    if isinstance(r, str):
        return "s" + r
    if isinstance(r, (bytes, bytearray, memoryview)):
        import js

        m = memoryview(r).cast("B")
        out = js.Uint8Array.new(m.nbytes)
        out.assign(m)
        return out
    return "?" + type(r).__module__ + "." + type(r).__qualname__


def call(target, tags, *flat):
    """Call the callable of a Func handle (an int) or of a dotted name
    (looked up now) with decoded arguments and return its encoded result;
    an unknown name comes back as "!" and the reason."""
    if isinstance(target, int):
        fn = _funcs[target]
    else:
        try:
            fn = _lookup(target)
        except LookupError as e:
            return "!" + str(e.args[0])
        if not callable(fn):
            return "!" + f"{target!r} is a {type(fn).__name__}, not callable"
    return _result(fn(*_arguments(tags, flat)))


def region(kind, name, addr, *args):
    """Bind `name` (the int32 array alloc bound for the region) to a
    sabkit_atomics protocol object of kind (Mutex, Seqlock, FrameWriter,
    FrameReader, Ring) over the same bytes; returns its size in bytes."""
    import sabkit_atomics

    return sabkit_atomics.bind(kind, name, addr, *args)


def guard_interrupts(wanted):
    """Route SIGINT (Pyodide's interrupt buffer) through wanted(), a
    function of the worker that says whether the request being served was
    canceled and runs user code: an interrupt Python noticed too late for
    its own request is dropped instead of raising in the next one."""
    import signal

    def on_interrupt(signum, frame):
        if wanted():
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)


# The requests, in the order the bridge documents them.
REQUESTS = ("alloc", "export", "prepare", "rebind", "forget", "release", "numpy", "resolve", "unpin", "call", "region")
