//go:build js && wasm

package gpuupload_test

import (
	"fmt"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

const doubleWGSL = `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;

@compute @workgroup_size(64)
fn twice(@builtin(global_invocation_id) id: vec3<u32>) {
	if (id.x < arrayLength(&data)) {
		data[id.x] = data[id.x] * 2.0;
	}
}
`

func doubleKernel(t testing.TB, d *gpuupload.Device) *gpuupload.Kernel {
	t.Helper()
	k, err := d.Kernel(ctxFor(t), doubleWGSL, "twice")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// doubleOnGPU uploads v, doubles it on the GPU and downloads the result into
// v itself.
func doubleOnGPU(t *testing.T, d *gpuupload.Device, v *sabview.View[float32]) {
	t.Helper()
	b := newBuffer(t, d, v.ByteLength(), gpuupload.Storage|gpuupload.CopyDst|gpuupload.CopySrc)
	if err := gpuupload.Upload(b, 0, v); err != nil {
		t.Fatal(err)
	}
	if err := doubleKernel(t, d).Dispatch(ctxFor(t), gpuupload.Groups(v.Len(), 64), 1, 1, b); err != nil {
		t.Fatal(err)
	}
	if err := gpuupload.Download(ctxFor(t), b, 0, v); err != nil {
		t.Fatal(err)
	}
}

func TestKernelDoubles(t *testing.T) {
	d := device(t)
	const n = 100_000
	v := sabSource[float32](t, n)
	in := make([]float32, n)
	for i := range in {
		in[i] = float32(i) - 0.5
	}
	if _, err := v.CopyFrom(in); err != nil {
		t.Fatal(err)
	}
	doubleOnGPU(t, d, v)
	got, _ := v.ToSlice()
	for i := range got {
		if got[i] != 2*in[i] {
			t.Fatalf("element %d = %v, want %v", i, got[i], 2*in[i])
		}
	}
}

// pyodide boots Pyodide once per test binary, from the npm package the host
// test serves under /pyodide/.
var py struct {
	booted bool
	mod    js.Value
	err    error
}

func bootPyodide(t *testing.T) js.Value {
	t.Helper()
	if !jsinterop.InBrowser() {
		t.Skip("the Pyodide test runs in Chromium, where the host test serves Pyodide: go test ./gpuupload")
	}
	if !py.booted {
		py.booted = true
		py.mod, py.err = loadPyodide(t)
	}
	if py.err != nil {
		t.Fatal(py.err)
	}
	return py.mod
}

// loadPyodide boots stock Pyodide on this thread through pyodidebridge,
// whose loader is the one sabkit ships.
func loadPyodide(t *testing.T) (js.Value, error) {
	b, err := pyodidebridge.Load(ctxFor(t), pyodidebridge.Options{IndexURL: "/pyodide/"})
	if err != nil {
		return js.Undefined(), err
	}
	return b.Pyodide(), nil
}

// heapMemory returns the WebAssembly.Memory holding Pyodide's heap.
func heapMemory(t *testing.T, pyodide js.Value) js.Value {
	m := pyodide.Get("_module")
	for _, name := range []string{"wasmMemory", "memory"} {
		if mem := m.Get(name); mem.Type() == js.TypeObject && mem.Get("buffer").Equal(m.Get("HEAPU8").Get("buffer")) {
			return mem
		}
	}
	t.Fatal("no WebAssembly.Memory on pyodide._module (looked at wasmMemory and memory)")
	return js.Undefined()
}

// TestPyodideDouble doubles, on the GPU, a float array Python allocated:
// upload straight from Pyodide's heap, download back into the same bytes,
// then Python reads its array and sees the doubled values.
func TestPyodideDouble(t *testing.T) {
	d := device(t)
	pyodide := bootPyodide(t)
	const n = 1 << 20
	pyodide.Call("runPython", fmt.Sprintf(`
import array
gpu_data = array.array('f', (i * 0.25 for i in range(%d)))
`, n))
	proxy := pyodide.Get("globals").Call("get", "gpu_data")
	defer proxy.Call("destroy")
	buf := proxy.Call("getBuffer", "f32")
	data := buf.Get("data")
	mem := heapMemory(t, pyodide)
	if !data.Get("buffer").Equal(mem.Get("buffer")) {
		t.Fatal("getBuffer's array is not over Pyodide's heap")
	}
	lease := sabview.NewLease()
	v, err := sabview.FromMemory[float32](mem, data.Get("byteOffset").Int(), n)
	if err != nil {
		t.Fatal(err)
	}
	v = v.WithLease(lease)
	addr := pyodide.Call("runPython", "gpu_data.buffer_info()[0]").Int()
	if addr != v.ByteOffset() {
		t.Fatalf("view at %d, Python's array at %d", v.ByteOffset(), addr)
	}
	doubleOnGPU(t, d, v)
	buf.Call("release")
	lease.Revoke(fmt.Errorf("getBuffer released"))
	bad := pyodide.Call("runPython", fmt.Sprintf(
		"[i for i in range(%d) if gpu_data[i] != 2 * (i * 0.25)][:5]", n)).Call("toJs")
	if bad.Length() != 0 {
		t.Fatalf("Python sees undoubled values at indices %v (in %s)", js.Global().Get("String").Invoke(bad), jsenv.Describe())
	}
	if last := pyodide.Call("runPython", fmt.Sprintf("gpu_data[%d]", n-1)).Float(); last != 2*float64(n-1)*0.25 {
		t.Fatalf("Python reads gpu_data[-1] = %v", last)
	}
	t.Logf("Python sees %d doubled floats after the GPU round trip (%s)", n, jsenv.Describe())
}
