//go:build !js

// This file tests the Python helper module (sabkit_bridge.py) under CPython,
// over ctypes buffers, with NumPy and without it: NumPy is not available for
// Pyodide 314 offline, so its branch is exercised here with Debian's
// python3-numpy (`apt-get install -y python3-numpy`).
//
//	go test ./pyodidebridge -run CPython -v
package pyodidebridge_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const cpython = "/usr/bin/python3"

// helperPrelude imports the helper from the package directory; NO_NUMPY
// hides NumPy so the memoryview branch runs.
const helperPrelude = `
import array, ctypes, os, sys
sys.path.insert(0, os.environ["HELPER_DIR"])
if os.environ.get("NO_NUMPY"):
    sys.modules["numpy"] = None  # import numpy now raises ImportError
import sabkit_bridge as h
import __main__
G = __main__.__dict__
NUMPY = not os.environ.get("NO_NUMPY")
ARRAY = "ndarray" if NUMPY else "memoryview"
assert h.numpy() == NUMPY

def alloc(*args):
    hd, addr = h.alloc(*args).split()
    return int(hd), int(addr)

def export(name):
    f = h.export(name).split(h.FIELDS)
    return (f[0], f[1], f[2], *map(int, f[3:]))
`

var helperCases = []struct{ name, code string }{
	{"wrap 2-D over a ctypes buffer aliases both ways", `
buf = (ctypes.c_float * 6)()
a = h.wrap(ctypes.addressof(buf), 24, "f", 2, 3)
assert type(a).__name__ == ARRAY, type(a)
assert tuple(memoryview(a).shape) == (2, 3)
a[1, 2] = 7.5
assert buf[5] == 7.5, buf[5]
buf[0] = -1.0
assert a[0, 0] == -1.0
`},
	{"wrap every element type", `
for fmt, ct in [("b", ctypes.c_int8), ("B", ctypes.c_uint8), ("h", ctypes.c_int16), ("H", ctypes.c_uint16),
                ("i", ctypes.c_int32), ("I", ctypes.c_uint32), ("q", ctypes.c_int64), ("Q", ctypes.c_uint64),
                ("f", ctypes.c_float), ("d", ctypes.c_double)]:
    buf = (ct * 4)()
    a = h.wrap(ctypes.addressof(buf), 4 * ctypes.sizeof(ct), fmt, 4)
    a[3] = 100
    assert buf[3] == 100, (fmt, buf[3])
    buf[1] = 7
    assert a[1] == 7, (fmt, a[1])
`},
	{"alloc binds an aligned zeroed array and release unbinds it", `
n0 = (len(h._live) + len(h._bindings))
hd, addr = alloc("x", 48, 16, "d", 2, 3)
assert addr % 16 == 0 and (len(h._live) + len(h._bindings)) == n0 + 1
kept = G["x"]
assert type(kept).__name__ == ARRAY and tuple(memoryview(kept).shape) == (2, 3)
assert not any(memoryview(kept).cast("B"))
kept[1, 1] = 2.5
assert (ctypes.c_double * 6).from_address(addr)[4] == 2.5
assert h.release(hd) and "x" not in G and (len(h._live) + len(h._bindings)) == n0
assert kept[1, 1] == 2.5  # a Python reference keeps the bytes alive
assert not h.release(hd)
`},
	{"release keeps a name rebound by Python code", `
hd, addr = alloc("y", 8, 16, "f", 2)
G["y"] = "rebound"
h.release(hd)
assert G["y"] == "rebound"
`},
	{"export pins an array.array at its address", `
G["arr"] = array.array("i", [1, 2, 3])
st, fmt, kind, size, nbytes, hd, addr, *shape = export("arr")
assert (st, kind, size, nbytes, shape) == ("ok", "i", 4, 12, [3]), (st, kind, size, nbytes, shape)
assert addr == G["arr"].buffer_info()[0]
try:
    G["arr"].append(4)
except BufferError:
    pass
else:
    raise AssertionError("resized while exported")
h.release(hd)
G["arr"].append(4)
`},
	{"export reports what it refuses", `
G["ro"], G["num"], G["strided"], G["empty"] = b"abc", 3, memoryview(bytearray(8))[::2], bytearray()
for name, want in [("nope", "missing"), ("num", "notbuffer"), ("ro", "readonly"), ("strided", "noncontiguous"), ("empty", "empty")]:
    r = export(name)
    assert r[0] == want and r[5] == 0, (name, r)
`},
	{"export kinds and sizes of formats", `
for fmt, kind, size in [("b", "i", 1), ("B", "u", 1), ("h", "i", 2), ("l", "i", ctypes.sizeof(ctypes.c_long)),
                        ("Q", "u", 8), ("f", "f", 4), ("d", "f", 8)]:
    G["a"] = array.array(fmt, [0, 0])
    r = export("a")
    assert r[0] == "ok" and r[2:4] == (kind, size), (fmt, r)
    h.release(r[5])
assert h._kind("<f") == "f" and h._kind("=q") == "i" and h._kind("?") == "?"
`},
	{"bind views part of a live entry and outlives release", `
hd, addr = alloc("base", 32, 16, "f", 8)
h.bind("part", hd, 8, 16, "f", 2, 2)
G["part"][1, 0] = 9.0
assert G["base"][4] == 9.0
h.release(hd)
assert G["part"][1, 0] == 9.0
`},
	{"prepare and rebind repeat a binding with fresh arrays", `
n0 = (len(h._live) + len(h._bindings))
hd, addr = alloc("src", 16, 16, "i", 4)
b1 = h.prepare("alias", hd, 4, 8, "i", 2)
first = G["alias"]
first[0] = 5
assert G["src"][1] == 5
G["alias"] = None
h.rebind(b1)
assert G["alias"] is not first and G["alias"][0] == 5
buf = (ctypes.c_int32 * 2)(7, 8)
b2 = h.prepare("by_addr", 0, ctypes.addressof(buf), 8, "i", 2)
assert list(G["by_addr"]) == [7, 8]
h.forget(b2)
h.release(hd)  # drops b1 too
assert (len(h._live) + len(h._bindings)) == n0, ((len(h._live) + len(h._bindings)), n0)
`},
	{"bind_address views raw memory", `
buf = (ctypes.c_int32 * 4)(1, 2, 3, 4)
h.bind_address("raw", ctypes.addressof(buf) + 4, 8, "i", 2)
assert list(G["raw"]) == [2, 3]
G["raw"][0] = 20
assert buf[1] == 20
`},
	{"NumPy computes in place on the shared bytes", `
buf = (ctypes.c_double * 4)(1, 2, 3, 4)
a = h.wrap(ctypes.addressof(buf), 32, "d", 2, 2)
if NUMPY:
    import numpy as np
    a *= 10
    np.add(a, 1, out=a)
    assert a.ctypes.data == ctypes.addressof(buf)
else:
    for i in range(2):
        for j in range(2):
            a[i, j] = a[i, j] * 10 + 1
assert list(buf) == [11.0, 21.0, 31.0, 41.0], list(buf)
`},
	{"a stale interrupt is dropped, a wanted one raises", `
import signal
wanted = [False]
h.guard_interrupts(lambda: wanted[0])
signal.raise_signal(signal.SIGINT)  # noticed after its request ended
for _ in range(1000):
    pass
wanted[0] = True
try:
    signal.raise_signal(signal.SIGINT)
    for _ in range(1000):
        pass
    raise AssertionError("a wanted interrupt did not raise")
except KeyboardInterrupt:
    pass
`},
	{"requests are looked up by reference, not in __main__", `
G["__import__"] = None
G["__builtins__"] = {}
G["len"] = None
G["memoryview"] = None
hd, addr = alloc("z", 16, 16, "f", 4)
st, *_ = export("z")
assert st == "ok", st
assert h.call("sabkit_bridge._live.__len__", "") .startswith("i")
for name in h.REQUESTS:
    assert callable(getattr(h, name)), name
`},
}

func TestCPythonHelper(t *testing.T) {
	if _, err := os.Stat(cpython); err != nil {
		t.Skipf("%s not found; install Debian's python3 and python3-numpy to test the helper's NumPy branch", cpython)
	}
	if out, err := exec.Command(cpython, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("%s cannot import numpy (apt-get install -y python3-numpy): %v %s", cpython, err, out)
	}
	dir, err := filepath.Abs("assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, branch := range []string{"numpy", "memoryview"} {
		t.Run(branch, func(t *testing.T) {
			for _, c := range helperCases {
				t.Run(c.name, func(t *testing.T) {
					cmd := exec.Command(cpython, "-c", helperPrelude+c.code)
					cmd.Env = append(os.Environ(), "HELPER_DIR="+dir, "PYTHONDONTWRITEBYTECODE=1")
					if branch == "memoryview" {
						cmd.Env = append(cmd.Env, "NO_NUMPY=1")
					}
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("%v\n%s", err, strings.TrimSpace(string(out)))
					}
				})
			}
		})
	}
}
