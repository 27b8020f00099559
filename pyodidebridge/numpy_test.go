//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/sabkit/sabkit/pyodidebridge"
)

// EnvNumPyWheel points at a NumPy wheel built for this Pyodide (a path under
// Node, a URL in the browser; the host test serves a local file). None is
// available offline for Pyodide 314, so the test skips without it.
const EnvNumPyWheel = "SABKIT_NUMPY_WHEEL"

// TestNumPyInPyodide loads a real NumPy into Pyodide and checks that Alloc
// then binds ndarrays that compute in place on the bytes Go sees. NumPy
// stays loaded afterwards; the other tests accept ndarrays and memoryviews.
func TestNumPyInPyodide(t *testing.T) {
	b := bridge(t)
	wheel := os.Getenv(EnvNumPyWheel)
	if wheel == "" {
		t.Skipf("%s is not set: no NumPy wheel for Pyodide %s is reachable offline; "+
			"set it to a wheel's path to run this test (the CPython test covers the NumPy branch meanwhile)", EnvNumPyWheel, b.Version())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := b.LoadPackage(ctx, wheel); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.NumPy(context.Background()); err != nil || !ok {
		t.Fatalf("NumPy not importable after loading %s: %v", wheel, err)
	}
	v, err := pyodidebridge.Alloc[float64](context.Background(), b, "np_arr", 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), v)
	v.CopyFrom([]float64{1, 2, 3, 4, 5, 6})
	run(t, b, `
import numpy as np
assert isinstance(np_arr, np.ndarray) and np_arr.shape == (2, 3) and np_arr.dtype == np.float64
np_arr *= 10
np.add(np_arr, np_arr.sum(axis=0), out=np_arr)
`)
	got, _ := v.ToSlice()
	want := []float64{60, 90, 120, 90, 120, 150}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Go read %v after NumPy computed in place, want %v", got, want)
		}
	}
	run(t, b, "np_view_src = np.arange(12, dtype=np.int32).reshape(3, 4)")
	w, err := pyodidebridge.ViewOf[int32](context.Background(), b, "np_view_src")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), w)
	if x, _ := w.At(7); x != 7 {
		t.Fatalf("View of an ndarray read %d at 7", x)
	}
}

// TestMemoryviewFallback: without NumPy, Alloc binds a memoryview with the
// element format and shape. The test hides NumPy itself (a None entry in
// sys.modules makes the import fail), so it runs whether or not NumPy was
// loaded before it, and puts NumPy back afterwards.
func TestMemoryviewFallback(t *testing.T) {
	b := bridge(t)
	run(t, b, "import sys\n_mv_numpy = sys.modules.get('numpy', False)\nsys.modules['numpy'] = None")
	t.Cleanup(func() {
		run(t, b, "import sys\nif _mv_numpy is False: del sys.modules['numpy']\nelse: sys.modules['numpy'] = _mv_numpy\ndel _mv_numpy")
		if _, err := b.NumPy(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if ok, err := b.NumPy(context.Background()); ok || err != nil {
		t.Fatalf("NumPy() = %v, %v with numpy hidden from import; want false", ok, err)
	}
	v, err := pyodidebridge.Alloc[uint16](context.Background(), b, "mv_fallback", 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), v)
	run(t, b, `
assert type(mv_fallback) is memoryview
assert mv_fallback.format == "H" and mv_fallback.shape == (4, 2) and not mv_fallback.readonly
mv_fallback[3, 1] = 65535
`)
	if x, _ := v.At(7); x != 65535 {
		t.Fatalf("Go read %d at 7 after Python wrote 65535 at [3, 1]", x)
	}
}
