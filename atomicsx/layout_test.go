//go:build js && wasm

package atomicsx_test

import (
	"slices"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit/atomicsx"
)

// The tests in this file run the JavaScript implementation
// (assets/sabkit-atomics.js) and the Go one on the same region in one thread,
// each side reading what the other wrote, so any disagreement about
// LAYOUT.md shows up under Node as well as in Chromium. The cross-thread
// tests repeat this under real concurrency.

func jsImpl(t *testing.T) js.Value {
	loadJS(t)
	return js.Global().Get("AtomicsX")
}

func u8(s string) js.Value {
	a := js.Global().Get("Uint8Array").New(len(s))
	js.CopyBytesToJS(a, []byte(s))
	return a
}

func goString(a js.Value) string {
	b := make([]byte, a.Get("length").Int())
	js.CopyBytesToGo(b, a)
	return string(b)
}

func TestLayoutSizes(t *testing.T) {
	A := jsImpl(t)
	for _, n := range []int{1, 3, 4, 5, 64, 1000} {
		if g, j := atomicsx.SeqlockWords(n), A.Call("seqlockWords", n).Int(); g != j {
			t.Errorf("SeqlockWords(%d): Go %d, JS %d", n, g, j)
		}
		if g, j := atomicsx.FramesWords(n), A.Call("framesWords", n).Int(); g != j {
			t.Errorf("FramesWords(%d): Go %d, JS %d", n, g, j)
		}
		if g, j := atomicsx.RingWords[int32](n), A.Call("ringWords", n, 4).Int(); g != j {
			t.Errorf("RingWords[int32](%d): Go %d, JS %d", n, g, j)
		}
		if g, j := atomicsx.RingWords[uint8](n), A.Call("ringWords", n, 1).Int(); g != j {
			t.Errorf("RingWords[uint8](%d): Go %d, JS %d", n, g, j)
		}
	}
}

func TestLayoutMutex(t *testing.T) {
	A := jsImpl(t)
	v := shared(t, 2)
	m, _ := atomicsx.NewMutex(v, 1)
	jm := A.Get("Mutex").New(array(t, v), 1)
	if ok, _ := m.TryLock(); !ok {
		t.Fatal("Go TryLock failed on a zero word")
	}
	if jm.Call("tryLock").Bool() {
		t.Fatal("JS tryLock succeeded while Go holds the lock")
	}
	jm.Call("unlock") // JS may unlock what Go locked: the state is only the word
	if !jm.Call("tryLock").Bool() {
		t.Fatal("JS tryLock failed after unlocking")
	}
	if ok, _ := m.TryLock(); ok {
		t.Fatal("Go TryLock succeeded while JS holds the lock")
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLayoutSeqlock(t *testing.T) {
	A := jsImpl(t)
	region := shared(t, atomicsx.SeqlockWords(16))
	s, _ := atomicsx.NewSeqlock(region)
	js1 := A.Get("Seqlock").New(array(t, region))
	dst := js.Global().Get("Uint8Array").New(16)
	buf := make([]byte, 16)
	for k, val := range []string{"from Go", "from JS, longer", "", "Go again"} {
		goWrites := k%2 == 0
		if goWrites {
			if _, err := s.Write([]byte(val)); err != nil {
				t.Fatal(err)
			}
		} else {
			js1.Call("write", u8(val))
		}
		r := js1.Call("read", dst)
		n, ver, err := s.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		jsGot := goString(dst.Call("subarray", 0, r.Get("n").Int()))
		if string(buf[:n]) != val || jsGot != val || ver != uint32(k+1) || r.Get("version").Int() != k+1 {
			t.Fatalf("write %d (by Go: %v): Go read %q v%d, JS read %q v%d; want %q v%d",
				k, goWrites, buf[:n], ver, jsGot, r.Get("version").Int(), val, k+1)
		}
	}
}

func TestLayoutFrames(t *testing.T) {
	A := jsImpl(t)
	region := shared(t, atomicsx.FramesWords(8))
	gw, _ := atomicsx.NewFrameWriter(region)
	gr, _ := atomicsx.NewFrameReader(region)
	jw := A.Get("FrameWriter").New(array(t, region))
	jr := A.Get("FrameReader").New(array(t, region))
	dst := make([]byte, 8)
	// Writers and readers alternate languages; the ownership words keep
	// them in step, as if one writer and one reader spoke both.
	gw.Publish([]byte("g1"))
	jw.Call("publish", u8("j2"))
	f := jr.Call("take")
	if got := goString(f.Get("bytes")); got != "j2" || f.Get("number").Int() != 2 || f.Get("dropped").Int() != 1 {
		t.Fatalf("JS took %q #%d dropped %d; want \"j2\" #2 dropped 1", got, f.Get("number").Int(), f.Get("dropped").Int())
	}
	jw.Call("publish", u8("j3"))
	gw.Publish([]byte("g4"))
	jw.Call("publish", u8("j5"))
	fr, ok, err := gr.Take(dst)
	if err != nil || !ok || string(dst[:fr.Len]) != "j5" || fr.Number != 5 || fr.Dropped != 2 {
		t.Fatalf("Go took %q %+v ok=%v %v; want \"j5\" #5 dropped 2", dst[:fr.Len], fr, ok, err)
	}
	if !jr.Call("take").IsNull() {
		t.Fatal("JS took a frame after Go took the latest")
	}
	pub, taken, dropped, _ := gr.Stats()
	st := jr.Call("stats")
	if pub != 5 || taken != 2 || dropped != 3 || st.Get("published").Int() != 5 || st.Get("taken").Int() != 2 || st.Get("dropped").Int() != 3 {
		t.Fatalf("stats: Go %d/%d/%d, JS %s; want 5/2/3", pub, taken, dropped, jsonOf(st))
	}
}

func TestLayoutRing(t *testing.T) {
	A := jsImpl(t)
	region := shared(t, atomicsx.RingWords[int32](4))
	q, _ := atomicsx.NewRing[int32](region)
	jq := A.Get("Ring").New(array(t, region))
	i32 := func(xs ...int32) js.Value {
		a := js.Global().Get("Int32Array").New(len(xs))
		for i, x := range xs {
			a.SetIndex(i, x)
		}
		return a
	}
	var got []int32
	for round := range int32(5) { // enough rounds to wrap several times
		base := round * 10
		if n, _ := q.Push([]int32{base, base + 1, base + 2}); n != 3 {
			t.Fatalf("round %d: Go pushed %d", round, n)
		}
		if n := jq.Call("push", i32(base+3, base+4, base+5)).Int(); n != 1 {
			t.Fatalf("round %d: JS pushed %d of 3 into a ring with 1 free slot", round, n)
		}
		dst := js.Global().Get("Int32Array").New(2)
		n := jq.Call("pop", dst).Int()
		for i := range n {
			got = append(got, int32(dst.Index(i).Int()))
		}
		rest := make([]int32, 8)
		m, _ := q.Pop(rest)
		got = append(got, rest[:m]...)
	}
	var want []int32
	for round := range int32(5) {
		want = append(want, round*10, round*10+1, round*10+2, round*10+3)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("items through Go and JS ends: %v, want %v", got, want)
	}

	fregion := shared(t, atomicsx.RingWords[float64](3))
	fq, _ := atomicsx.NewRing[float64](fregion)
	jf := A.Get("Ring").New(array(t, fregion), js.Global().Get("Float64Array"))
	fq.Push([]float64{1.5, -0.25})
	dst := js.Global().Get("Float64Array").New(3)
	if n := jf.Call("pop", dst).Int(); n != 2 || dst.Index(0).Float() != 1.5 || dst.Index(1).Float() != -0.25 {
		t.Fatalf("JS popped %d float64s: %v, %v", n, dst.Index(0).Float(), dst.Index(1).Float())
	}
}
