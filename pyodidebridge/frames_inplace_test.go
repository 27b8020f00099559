//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"encoding/binary"
	"fmt"
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
	b := workerBridge(t)
	total := 20000
	if testing.Short() {
		total = 5000
	}
	region, err := pyodidebridge.AllocFrames(b, "frames_inplace", 4*frameWords)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(region)
	reader, err := atomicsx.NewFrameReader(region)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, pyFrameLoop("frames_inplace", total))
	fail := func(format string, args ...any) {
		t.Helper()
		select {
		case perr := <-done:
			t.Fatalf(format+" (Python: %v)", append(args, perr)...)
		default:
			t.Fatalf(format, args...)
		}
	}
	taken, torn, held, changed := 0, 0, 0, 0
	var last uint32
	for last < uint32(total) {
		f, err := reader.Next(ctx, nil)
		if err != nil {
			fail("after frame %d: %v", last, err)
		}
		if f.Number <= last {
			t.Fatalf("frame %d after %d", f.Number, last)
		}
		last = f.Number
		taken++
		front, ff, err := reader.Front()
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
		if err := awaitPublished(ctx, reader, f.Number+2); err != nil {
			fail("holding frame %d: %v", f.Number, err)
		}
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
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	published, tk, dropped, err := reader.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d frames written in place by Python, %d read in place here (%d dropped), %d torn; %d held across two publishes, %d changed",
		published, tk, dropped, torn, held, changed)
	if published != uint32(total) || int(tk) != taken || tk+dropped != published {
		t.Errorf("counters: published %d taken %d dropped %d; want %d = taken + dropped, taken %d", published, tk, dropped, total, taken)
	}
	if torn != 0 || changed != 0 {
		t.Errorf("%d torn frames, %d changed while held", torn, changed)
	}
	if held == 0 {
		t.Error("no frame was held across two publishes: the writer-never-touches-Front check did not run")
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

// awaitPublished waits until the writer has published frame n.
func awaitPublished(ctx context.Context, r *atomicsx.FrameReader, n uint32) error {
	for {
		published, _, _, err := r.Stats()
		if err != nil || published >= n {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for frame %d, %d published: %w", n, published, ctx.Err())
		case <-time.After(100 * time.Microsecond):
		}
	}
}
