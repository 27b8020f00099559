//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// TestFramesInPlace: Python in the worker fills the back slot in place
// (sabkit_atomics.FrameWriter.back, then publish_back) and this thread takes
// each frame with Next(ctx, nil), which copies nothing, and reads it where
// it lies through FrameReader.Front, word by word. Every frame read must be
// whole and carry the number Front reports. Every 16th frame is also held
// while Python publishes two more (so it has written both other slots) and
// read again: the writer must never have touched the reader's slot.
func TestFramesInPlace(t *testing.T) {
	total := 20000
	if testing.Short() {
		total = 5000
	}
	py := startPyFrames(t, "frames_inplace", total)
	taken, torn, held, changed := 0, 0, 0, 0
	for f := (atomicsx.Frame{}); f.Number < uint32(total); {
		f = py.next(nil, f.Number)
		taken++
		front, ff, err := py.reader.Front()
		if err != nil {
			t.Fatal(err)
		}
		if ff.Number != f.Number || ff.Len != f.Len || front.Len() != f.Len {
			t.Fatalf("Front describes frame %d (%d bytes, view of %d) after taking frame %d (%d bytes)",
				ff.Number, ff.Len, front.Len(), f.Number, f.Len)
		}
		first, err := readInPlace(front)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkFrame(first, f.Number); err != nil {
			if torn < 5 {
				t.Error(err)
			}
			torn++
			continue
		}
		if taken%16 != 1 || f.Number+2 > uint32(total) {
			continue
		}
		py.awaitPublished(f.Number + 2)
		again, err := readInPlace(front)
		if err != nil {
			t.Fatal(err)
		}
		held++
		if string(again) != string(first) {
			if changed < 5 {
				t.Errorf("frame %d changed while the reader held it: %v", f.Number, checkFrame(again, f.Number))
			}
			changed++
		}
	}
	py.finish(taken, torn)
	t.Logf("%d frames held across two publishes, %d changed", held, changed)
	if changed != 0 {
		t.Errorf("%d frames changed while held", changed)
	}
	if held == 0 {
		t.Error("no frame was held across two publishes: the writer-never-touches-Front check did not run")
	}
}

// pyFrameRun is Python in the worker publishing frames in place
// (pyFrameLoop) into a triple buffer in its heap, read here by reader.
type pyFrameRun struct {
	t      *testing.T
	reader *atomicsx.FrameReader
	ctx    context.Context
	done   <-chan error
	total  int
}

// startPyFrames allocates the triple buffer name in the worker's heap and
// starts Python publishing total frames into it.
func startPyFrames(t *testing.T, name string, total int) *pyFrameRun {
	t.Helper()
	b := workerBridge(t)
	region, err := pyodidebridge.AllocFrames(context.Background(), b, name, 4*frameWords)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Free(context.Background(), region) })
	reader, err := atomicsx.NewFrameReader(region)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return &pyFrameRun{t: t, reader: reader, ctx: ctx, done: runAsync(ctx, b, pyFrameLoop(name, total)), total: total}
}

// fatal fails the test, adding Python's error if Python already stopped.
func (r *pyFrameRun) fatal(format string, args ...any) {
	r.t.Helper()
	select {
	case perr := <-r.done:
		r.t.Fatalf(format+" (Python: %v)", append(args, perr)...)
	default:
		r.t.Fatalf(format, args...)
	}
}

// next takes the next frame with Next(ctx, dst) and checks that it comes
// after frame last.
func (r *pyFrameRun) next(dst []byte, last uint32) atomicsx.Frame {
	r.t.Helper()
	f, err := r.reader.Next(r.ctx, dst)
	if err != nil {
		r.fatal("after frame %d: %v", last, err)
	}
	if f.Number <= last {
		r.t.Fatalf("frame %d after %d", f.Number, last)
	}
	return f
}

// awaitPublished waits until Python has published frame n.
func (r *pyFrameRun) awaitPublished(n uint32) {
	r.t.Helper()
	for {
		published, _, _, err := r.reader.Stats()
		if err != nil {
			r.t.Fatal(err)
		}
		if published >= n {
			return
		}
		select {
		case <-r.ctx.Done():
			r.fatal("waiting for frame %d, %d published: %v", n, published, r.ctx.Err())
		case <-time.After(100 * time.Microsecond):
		}
	}
}

// finish waits for Python and checks the shared counters against the
// frames this thread took, and that none was torn.
func (r *pyFrameRun) finish(taken, torn int) {
	r.t.Helper()
	if err := <-r.done; err != nil {
		r.t.Fatal(err)
	}
	published, tk, dropped, err := r.reader.Stats()
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Logf("%d frames published by Python, %d taken here (%d dropped by the triple buffer), %d torn", published, tk, dropped, torn)
	if published != uint32(r.total) || int(tk) != taken || tk+dropped != published {
		r.t.Errorf("counters: published %d taken %d dropped %d; want %d = taken + dropped, taken %d", published, tk, dropped, r.total, taken)
	}
	if torn != 0 {
		r.t.Errorf("%d torn frames", torn)
	}
}

// readInPlace reads a frame's words one at a time from the slot the view
// covers (one access to shared memory per word, no bulk copy) and returns
// them as little-endian bytes for checkFrame.
func readInPlace(front *sabview.View[uint8]) ([]byte, error) {
	words, err := sabview.Cast[uint32](front)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 4*words.Len())
	for j := range words.Len() {
		x, err := words.At(j)
		if err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint32(out[4*j:], x)
	}
	return out, nil
}
