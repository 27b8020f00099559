//go:build !js

package sharedheap_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

type nodeSide struct {
	Heap           string  `json:"heap"`
	Memory         string  `json:"memory"`
	MemoryProperty string  `json:"memoryProperty"`
	MemoryIsHeap   bool    `json:"memoryIsHeap"`
	Version        string  `json:"version"`
	SeenHere       []int   `json:"seenHere"`
	SeenByPython   []int   `json:"seenByPython"`
	AfterGrowth    []int   `json:"afterGrowth"`
	PyError        *pyErr  `json:"pyError"`
	Stats          jsStats `json:"stats"`
}

type pyErr struct {
	Name, PythonType, Message string
}

type jsStats struct {
	Rewritten      int            `json:"rewritten"`
	ShimsInstalled bool           `json:"shimsInstalled"`
	Hooks          map[string]int `json:"hooks"`
}

// TestNode boots shared-heap Pyodide with sharedheap.js in Node, on the main
// thread and in a worker_threads Worker running worker.js, and checks that
// each side reads what the other wrote (also after the worker grew its heap).
func TestNode(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide twice; skipped in -short")
	}
	nodeOrSkip(t)
	py := pyodideDir(t)
	out := runNode(t, nil, filepath.Join("testdata", "node_crossthread.js"), py+string(os.PathSeparator))
	var got struct {
		Main   nodeSide `json:"main"`
		Worker struct {
			nodeSide
			Before int `json:"before"`
			After  int `json:"after"`
		} `json:"worker"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %s: %v", out, err)
	}
	seq := func(n int, f func(i int) int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = f(i)
		}
		return s
	}
	m := got.Main
	if m.Heap != "[object SharedArrayBuffer]" || m.MemoryProperty != "memory" || !m.MemoryIsHeap {
		t.Errorf("main thread: heap %s, Memory in _module.%q (is the heap: %v)", m.Heap, m.MemoryProperty, m.MemoryIsHeap)
	}
	if !reflect.DeepEqual(m.SeenHere, seq(64, func(i int) int { return i + 1 })) {
		t.Errorf("main thread read %v where Python wrote 1..64", m.SeenHere)
	}
	if !reflect.DeepEqual(m.SeenByPython, seq(64, func(int) int { return 201 })) {
		t.Errorf("Python read %v where the main thread wrote 201s", m.SeenByPython)
	}
	if m.Stats.Rewritten < 1 || m.Stats.ShimsInstalled {
		t.Errorf("main thread stats %+v: want ≥ 1 module rewritten, no shims under Node", m.Stats)
	}
	w := got.Worker
	if w.Memory != "[object WebAssembly.Memory]" || w.Heap != "[object SharedArrayBuffer]" || w.MemoryProperty != "memory" {
		t.Errorf("worker posted %s over %s (from _module.%q)", w.Memory, w.Heap, w.MemoryProperty)
	}
	if !reflect.DeepEqual(w.SeenHere, seq(64, func(i int) int { return 255 - i })) {
		t.Errorf("main thread read %v where Python in the worker wrote 255-i", w.SeenHere)
	}
	if !reflect.DeepEqual(w.SeenByPython, seq(64, func(int) int { return 77 })) {
		t.Errorf("Python in the worker read %v where the main thread wrote 77s", w.SeenByPython)
	}
	if w.After <= w.Before || !reflect.DeepEqual(w.AfterGrowth, []int{77, 77, 77, 77}) {
		t.Errorf("after the worker grew its heap %d → %d, the main thread read %v", w.Before, w.After, w.AfterGrowth)
	}
	if w.PyError == nil || w.PyError.PythonType != "ZeroDivisionError" || w.PyError.Name != "ZeroDivisionError" {
		t.Errorf("1/0 in the worker: %+v", w.PyError)
	}
	t.Logf("Pyodide %s: main thread hooks %v; worker heap %d → %d MiB", m.Version, m.Stats.Hooks, w.Before>>20, w.After>>20)
}
