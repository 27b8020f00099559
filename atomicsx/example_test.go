//go:build js && wasm

package atomicsx_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/sabview"
)

// Atomic read-modify-write on a SharedArrayBuffer that JavaScript, Python
// or another Go instance in a Worker can see at the same time.
func Example() {
	v, err := sabview.NewShared[int32](4)
	if err != nil {
		fmt.Println(err)
		return
	}
	old, _ := atomicsx.Add(v, 0, 5)
	now, _ := atomicsx.Load(v, 0)
	fmt.Println(old, now)
	_, err = atomicsx.Add(v, 4, 1)
	fmt.Println(err)
	// Output:
	// 0 5
	// atomicsx.Add: out of range: index 4 not in [0, 4)
}

// WaitContext parks one goroutine until another agent (here a goroutine;
// usually a Worker) changes the word and notifies. The JavaScript thread is
// not blocked, so it works on a page's main thread too.
func ExampleWaitContext() {
	v, _ := sabview.NewShared[int32](1)
	go func() {
		time.Sleep(5 * time.Millisecond)
		atomicsx.Store(v, 0, 1)
		atomicsx.Notify(v, 0, atomicsx.All)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := atomicsx.WaitContext(ctx, v, 0, 0)
	fmt.Println(r, err)
	// Output: ok <nil>
}

func ExampleMutex() {
	v, _ := sabview.NewShared[int32](2) // word 0: the mutex, word 1: guarded data
	m, _ := atomicsx.NewMutex(v, 0)
	ctx := context.Background()
	if err := m.LockContext(ctx); err != nil { // Lock would block the thread; fine in a Worker
		fmt.Println(err)
		return
	}
	v.Set(1, 42) // plain access, safe under the lock
	ok, _ := m.TryLock()
	fmt.Println("second TryLock:", ok)
	m.Unlock()
	x, _ := v.At(1)
	fmt.Println(x)
	// Output:
	// second TryLock: false
	// 42
}

func ExampleSeqlock() {
	region, _ := sabview.NewShared[int32](atomicsx.SeqlockWords(16))
	s, _ := atomicsx.NewSeqlock(region) // the writer; readers open the same region
	s.Write([]byte("pose: 1.0 2.0"))
	buf := make([]byte, s.MaxBytes())
	n, version, err := s.Read(buf)
	fmt.Printf("%q v%d %v\n", buf[:n], version, err)
	// Output: "pose: 1.0 2.0" v1 <nil>
}

func ExampleFrameWriter() {
	region, _ := sabview.NewShared[int32](atomicsx.FramesWords(4))
	w, _ := atomicsx.NewFrameWriter(region) // usually in the compute Worker
	r, _ := atomicsx.NewFrameReader(region) // usually on the UI thread
	for _, frame := range []string{"f1", "f2", "f3"} {
		w.Publish([]byte(frame))
	}
	buf := make([]byte, r.MaxFrameBytes())
	f, ok, _ := r.Take(buf)
	fmt.Printf("%v %q number %d, dropped %d\n", ok, buf[:f.Len], f.Number, f.Dropped)
	_, ok, _ = r.Take(buf)
	fmt.Println("again:", ok)
	// Output:
	// true "f3" number 3, dropped 2
	// again: false
}

func ExampleRing() {
	region, _ := sabview.NewShared[int32](atomicsx.RingWords[float32](4))
	q, _ := atomicsx.NewRing[float32](region)
	n, _ := q.Push([]float32{0.5, 1, 1.5, 2, 2.5})
	fmt.Println("pushed", n, "of 5; capacity", q.Capacity())
	out := make([]float32, 8)
	n, _ = q.Pop(out)
	fmt.Println(out[:n])
	// Output:
	// pushed 4 of 5; capacity 4
	// [0.5 1 1.5 2]
}
