//go:build js && wasm

package atomicsx_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/sabview"
)

func TestMutex(t *testing.T) {
	v := shared(t, 4)
	m, err := atomicsx.NewMutex(v, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := m.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock on a zero word: %v, %v", ok, err)
	}
	// A second Mutex over the same word is the same lock.
	same, _ := atomicsx.NewMutex(v, 1)
	if ok, _ := same.TryLock(); ok {
		t.Fatal("TryLock through a second Mutex value succeeded while locked")
	}
	if w, _ := atomicsx.Load(v, 1); w != 1 {
		t.Fatalf("locked word = %d, want 1 (LAYOUT.md)", w)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	err = same.LockContext(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, atomicsx.ErrCanceled) {
		t.Fatalf("LockContext on a held mutex: %v, want ErrCanceled and context.DeadlineExceeded", err)
	}
	if w, _ := atomicsx.Load(v, 1); w != 2 {
		t.Fatalf("word after a waiter gave up = %d, want 2 (contended)", w)
	}
	// A goroutine unlocks while LockContext waits: it must wake and win.
	go func() {
		time.Sleep(10 * time.Millisecond)
		if err := m.Unlock(); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := same.LockContext(ctx); err != nil {
		t.Fatalf("LockContext after Unlock: %v", err)
	}
	if err := same.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := same.Unlock(); !errors.Is(err, atomicsx.ErrArgument) {
		t.Fatalf("second Unlock: %v, want ErrArgument", err)
	}
	if !atomicsx.CanBlock() {
		if err := m.Lock(); !errors.Is(err, atomicsx.ErrMainThread) {
			t.Fatalf("Lock on the main thread: %v, want ErrMainThread", err)
		}
		return
	}
	if err := m.Lock(); err != nil {
		t.Fatal(err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
	if w, _ := atomicsx.Load(v, 1); w != 0 {
		t.Fatalf("unlocked word = %d, want 0", w)
	}
}

func TestSeqlock(t *testing.T) {
	region := shared(t, atomicsx.SeqlockWords(10))
	s, err := atomicsx.NewSeqlock(region)
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxBytes() != 12 {
		t.Fatalf("MaxBytes = %d, want 12 (10 rounded up to words)", s.MaxBytes())
	}
	dst := make([]byte, s.MaxBytes())
	if n, ver, err := s.Read(dst); n != 0 || ver != 0 || err != nil {
		t.Fatalf("Read of zeroed memory: %d, %d, %v; want an empty value at version 0", n, ver, err)
	}
	tests := []struct {
		name string
		val  []byte
	}{{"short", []byte("hi")}, {"full", []byte("0123456789ab")}, {"empty", nil}, {"again", []byte("xyz")}}
	for k, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ver, err := s.Write(tt.val)
			if err != nil || ver != uint32(k+1) {
				t.Fatalf("Write: version %d, %v; want %d", ver, err, k+1)
			}
			n, rver, err := s.Read(dst)
			if err != nil || rver != ver || !bytes.Equal(dst[:n], tt.val) {
				t.Fatalf("Read: %q v%d %v; want %q v%d", dst[:n], rver, err, tt.val, ver)
			}
			// The value lives in the shared bytes: word 1 is its length,
			// the payload starts at byte 8 (LAYOUT.md).
			b, _ := sabview.Cast[uint8](region)
			raw, _ := b.ToSlice()
			if l, _ := atomicsx.Load(region, 1); int(l) != len(tt.val) || !bytes.Equal(raw[8:8+len(tt.val)], tt.val) {
				t.Fatalf("shared bytes: length word %d, payload %q", l, raw[8:8+len(tt.val)])
			}
		})
	}
	if _, err := s.Write(make([]byte, 13)); !errors.Is(err, atomicsx.ErrArgument) {
		t.Errorf("oversized Write: %v, want ErrArgument", err)
	}
	if _, _, err := s.Read(make([]byte, 2)); !errors.Is(err, atomicsx.ErrArgument) {
		t.Errorf("Read into a short buffer: %v, want ErrArgument", err)
	}
	// An odd sequence is a write in progress: another writer must be
	// refused, readers see ErrBusy only after their retries run out.
	atomicsx.Add(region, 0, 1)
	if _, err := s.Write([]byte("x")); !errors.Is(err, atomicsx.ErrArgument) {
		t.Errorf("Write during another write: %v, want ErrArgument", err)
	}
	if _, _, err := s.Read(dst); !errors.Is(err, atomicsx.ErrBusy) {
		t.Errorf("Read during an endless write: %v, want ErrBusy", err)
	}
	atomicsx.Add(region, 0, 1)
	ver, _ := s.Version()
	go func() {
		time.Sleep(10 * time.Millisecond)
		s.Write([]byte("new"))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if got, err := s.WaitNewer(ctx, ver); err != nil || got != ver+1 {
		t.Fatalf("WaitNewer(%d) = %d, %v; want %d", ver, got, err, ver+1)
	}
	if _, err := atomicsx.NewSeqlock(shared(t, 2)); !errors.Is(err, atomicsx.ErrRegion) {
		t.Errorf("NewSeqlock on 2 words: %v, want ErrRegion", err)
	}
}

func TestFrames(t *testing.T) {
	w, r := newFrames(t, 8)
	dst := make([]byte, r.MaxFrameBytes())
	if _, ok, err := r.Take(dst); ok || err != nil {
		t.Fatalf("Take before any publish: ok=%v err=%v", ok, err)
	}
	type step struct {
		publish []string // frames published before the take
		want    string   // frame taken ("" = none)
		number  uint32
		dropped uint32
	}
	steps := []step{
		{publish: []string{"a"}, want: "a", number: 1},
		{publish: []string{"b", "c", "d"}, want: "d", number: 4, dropped: 2},
		{want: ""},
		{publish: []string{"eeeeeeee"}, want: "eeeeeeee", number: 5},
		{publish: []string{"f", ""}, want: "", number: 7, dropped: 1},
	}
	for k, s := range steps {
		for _, p := range s.publish {
			if _, err := w.Publish([]byte(p)); err != nil {
				t.Fatalf("step %d: Publish(%q): %v", k, p, err)
			}
		}
		f, ok, err := r.Take(dst)
		if err != nil {
			t.Fatalf("step %d: %v", k, err)
		}
		if ok != (s.number != 0) {
			t.Fatalf("step %d: Take ok=%v", k, ok)
		}
		if !ok {
			continue
		}
		if got := string(dst[:f.Len]); got != s.want || f.Number != s.number || f.Dropped != s.dropped {
			t.Fatalf("step %d: took %q #%d dropped %d; want %q #%d dropped %d", k, got, f.Number, f.Dropped, s.want, s.number, s.dropped)
		}
	}
	pub, taken, dropped, err := r.Stats()
	if err != nil || pub != 7 || taken != 4 || dropped != 3 {
		t.Fatalf("Stats = %d published, %d taken, %d dropped, %v; want 7, 4, 3", pub, taken, dropped, err)
	}

	// Back and Front alias: bytes written through the writer's Back view
	// (as JavaScript would) arrive in the reader's Front view unchanged.
	back, err := w.Back()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.CopyFrom([]byte("in-place")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PublishBack(8); err != nil {
		t.Fatal(err)
	}
	// A nil destination takes the frame without copying it.
	if f, ok, err := r.Take(nil); !ok || err != nil || f.Len != 8 {
		t.Fatalf("Take(nil) after PublishBack: %+v ok=%v err=%v", f, ok, err)
	}
	front, f, err := r.Front()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := front.ToSlice()
	if string(got) != "in-place" || f.Number != 8 {
		t.Fatalf("Front = %q #%d, want \"in-place\" #8", got, f.Number)
	}
	// The reader's slot is never the writer's back slot: fill the back in
	// place, scribble on Front, and publish the back as it stands. Only
	// PublishBack (which writes no payload) can carry the scribble over, so
	// the next frame shows it exactly when the two slots are one.
	back, err = w.Back()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.CopyFrom([]byte("back")); err != nil {
		t.Fatal(err)
	}
	if err := front.Set(0, 'X'); err != nil {
		t.Fatal(err)
	}
	if b0, _ := back.At(0); b0 != 'b' {
		t.Fatalf("writing Front[0] changed Back[0] to %q: the reader's slot is the writer's", b0)
	}
	if _, err := w.PublishBack(4); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Take(dst); !ok || string(dst[:4]) != "back" {
		t.Fatalf("after scribbling on Front, the published back slot reads %q, want \"back\"", dst[:4])
	}
	if _, err := w.Publish(make([]byte, 9)); !errors.Is(err, atomicsx.ErrArgument) {
		t.Errorf("oversized Publish: %v, want ErrArgument", err)
	}
	// Next waits for a frame published by another goroutine.
	go func() {
		time.Sleep(10 * time.Millisecond)
		w.Publish([]byte("late"))
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if f, err := r.Next(ctx, dst); err != nil || string(dst[:f.Len]) != "late" {
		t.Fatalf("Next = %q, %v", dst[:f.Len], err)
	}
	if _, err := atomicsx.NewFrameReader(shared(t, 10)); !errors.Is(err, atomicsx.ErrRegion) {
		t.Errorf("NewFrameReader on 10 words: %v, want ErrRegion", err)
	}
}

func TestRing(t *testing.T) {
	region := shared(t, atomicsx.RingWords[int32](5))
	q, err := atomicsx.NewRing[int32](region)
	if err != nil {
		t.Fatal(err)
	}
	if q.Capacity() != 5 {
		t.Fatalf("Capacity = %d, want 5", q.Capacity())
	}
	steps := []struct {
		push     []int32
		pushed   int
		pop      int
		want     []int32
		writeIdx int32 // expected word 0 after the step (LAYOUT.md)
	}{
		{push: []int32{1, 2, 3}, pushed: 3, pop: 2, want: []int32{1, 2}, writeIdx: 3},
		{push: []int32{4, 5, 6, 7, 8}, pushed: 4, pop: 0, writeIdx: 1}, // wraps; one slot stays empty
		{push: []int32{9}, pushed: 0, pop: 10, want: []int32{3, 4, 5, 6, 7}, writeIdx: 1},
		{push: nil, pop: 1, want: nil, writeIdx: 1},
	}
	for k, s := range steps {
		n, err := q.Push(s.push)
		if err != nil || n != s.pushed {
			t.Fatalf("step %d: Push = %d, %v; want %d", k, n, err, s.pushed)
		}
		if w, _ := atomicsx.Load(region, 0); w != s.writeIdx {
			t.Fatalf("step %d: write index %d, want %d", k, w, s.writeIdx)
		}
		dst := make([]int32, s.pop)
		n, err = q.Pop(dst)
		if err != nil || !slices.Equal(dst[:n], s.want) {
			t.Fatalf("step %d: Pop = %v, %v; want %v", k, dst[:n], err, s.want)
		}
	}
	// PushContext waits for room made by a consumer goroutine, PopContext
	// for items from the producer.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const total = 1000
	got := make(chan []int32)
	go func() {
		var all []int32
		buf := make([]int32, 3)
		for len(all) < total {
			n, err := q.PopContext(ctx, buf)
			if err != nil {
				t.Error(err)
				break
			}
			all = append(all, buf[:n]...)
		}
		got <- all
	}()
	items := make([]int32, total)
	for i := range items {
		items[i] = int32(i * 7)
	}
	if n, err := q.PushContext(ctx, items); err != nil || n != total {
		t.Fatalf("PushContext = %d, %v", n, err)
	}
	if all := <-got; !slices.Equal(all, items) {
		t.Fatalf("consumer got %d items, not the %d pushed in order", len(all), total)
	}

	f64 := shared(t, atomicsx.RingWords[float64](3))
	qf, err := atomicsx.NewRing[float64](f64)
	if err != nil {
		t.Fatal(err)
	}
	qf.Push([]float64{0.5, -2})
	raw, err := sabview.Cast[float64](mustSub(t, f64, 2, f64.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := raw.At(1); x != -2 {
		t.Fatalf("second float64 slot holds %v, want -2 (elements from byte 8)", x)
	}
	odd := mustSub(t, shared(t, 1+atomicsx.RingWords[float64](3)), 1, 1+atomicsx.RingWords[float64](3))
	if _, err := atomicsx.NewRing[float64](odd); !errors.Is(err, atomicsx.ErrRegion) {
		t.Errorf("NewRing[float64] at byte 4: %v, want ErrRegion", err)
	}
	atomicsx.Store(region, 1, 99)
	if _, err := q.Push([]int32{1}); !errors.Is(err, atomicsx.ErrRegion) {
		t.Errorf("Push with a corrupt read index: %v, want ErrRegion", err)
	}
}

func mustSub(t *testing.T, v *sabview.View[int32], i, j int) *sabview.View[int32] {
	t.Helper()
	s, err := v.Sub(i, j)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
