//go:build js && wasm

package atomicsx_test

import (
	"context"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/sabview"
)

// TestCrossThreadFramesInPlace: a JavaScript worker fills each frame
// straight into the back slot (scenarios.js framesWriterInPlace: back, then
// publishBack) as fast as the reader lets it, and this thread takes frames with Next(ctx, nil), which
// copies nothing, and reads each where it lies through Front, one word at a
// time. Every frame read must be whole and carry the number Front reports;
// every 16th is also held while the worker publishes two more (so it wrote
// both other slots) and read again, unchanged.
func TestCrossThreadFramesInPlace(t *testing.T) {
	total := frameCount() / 50 // 20000 frames, 2000 reduced: about 0.4 s of writing
	region, ctl := shared(t, atomicsx.FramesWords(4*frameWords)), shared(t, 1)
	w := startJSWorker(t)
	done := w.run("framesWriterInPlace", map[string]any{
		"region": array(t, region), "ctl": array(t, ctl), "frames": total, "words": frameWords, "paceMs": 0.02,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := handshake(ctx, ctl); err != nil {
		t.Fatal(err)
	}
	fr, err := atomicsx.NewFrameReader(region)
	if err != nil {
		t.Fatal(err)
	}
	first, again := make([]int32, frameWords), make([]int32, frameWords)
	taken, torn, mismatched, held, changed := 0, 0, 0, 0, 0
	var last uint32
	for last < uint32(total) {
		f, err := fr.Next(ctx, nil)
		if err != nil {
			t.Fatalf("after frame %d: %v", last, err)
		}
		if f.Number <= last {
			t.Fatalf("frame %d after %d", f.Number, last)
		}
		last = f.Number
		taken++
		front, ff, err := fr.Front()
		if err != nil {
			t.Fatal(err)
		}
		if ff.Number != f.Number || front.Len() != 4*frameWords {
			t.Fatalf("Front describes frame %d (%d bytes) after taking frame %d", ff.Number, front.Len(), f.Number)
		}
		if err := wordsInPlace(front, first); err != nil {
			t.Fatal(err)
		}
		if !intactFrame(first) {
			torn++
			continue
		}
		if uint32(first[0]) != f.Number {
			mismatched++
		}
		if taken%16 != 1 || f.Number+2 > uint32(total) {
			continue
		}
		for {
			published, _, _, err := fr.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if published >= f.Number+2 {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("holding frame %d: the worker stopped at %d: %v", f.Number, published, ctx.Err())
			case <-time.After(100 * time.Microsecond):
			}
		}
		if err := wordsInPlace(front, again); err != nil {
			t.Fatal(err)
		}
		held++
		for j := range again {
			if again[j] != first[j] {
				changed++
				break
			}
		}
	}
	await(t, done, "JS in-place writer")
	published, tk, dropped, err := fr.Stats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d frames written in place by the JS worker, %d read in place here (%d dropped), %d torn, %d mismatched; %d held across two publishes, %d changed",
		published, tk, dropped, torn, mismatched, held, changed)
	if published != uint32(total) || int(tk) != taken || tk+dropped != published {
		t.Errorf("counters: published %d taken %d dropped %d; want %d = taken + dropped, taken %d", published, tk, dropped, total, taken)
	}
	if torn != 0 || mismatched != 0 || changed != 0 {
		t.Errorf("%d torn, %d mismatched, %d changed while held", torn, mismatched, changed)
	}
	if held == 0 {
		t.Error("no frame was held across two publishes: the writer-never-touches-Front check did not run")
	}
}

// wordsInPlace reads the frame's words one at a time from the slot the view
// covers (one access to shared memory per word, no bulk copy) into w.
func wordsInPlace(front *sabview.View[uint8], w []int32) error {
	words, err := sabview.Cast[int32](front)
	if err != nil {
		return err
	}
	for j := range w {
		if w[j], err = words.At(j); err != nil {
			return err
		}
	}
	return nil
}
