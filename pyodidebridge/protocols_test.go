//go:build js && wasm

package pyodidebridge_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/pyodidebridge"
)

// frameWords is the frame the Python writer publishes: the frame number,
// 14 words derived from it, and their sum, all uint32.
const frameWords = 16

// pyFrameLoop publishes n frames through the FrameWriter bound to name,
// filling the back slot in place.
func pyFrameLoop(name string, n int) string {
	return fmt.Sprintf(`
import struct
def _frames(fw, n):
    pack = struct.pack_into
    for k in range(1, n + 1):
        vals = [(k * 2654435761 + j) & 0xFFFFFFFF for j in range(14)]
        pack("<16I", fw.back(), 0, k, *vals, sum(vals) & 0xFFFFFFFF)
        fw.publish_back(64)
_frames(%s, %d)
`, name, n)
}

// checkFrame reports whether a frame's words are those frame k carries.
func checkFrame(frame []byte, number uint32) error {
	if len(frame) != 4*frameWords {
		return fmt.Errorf("frame %d has %d bytes", number, len(frame))
	}
	k := binary.LittleEndian.Uint32(frame)
	if k != number {
		return fmt.Errorf("frame %d carries number %d", number, k)
	}
	var sum uint32
	for j := range 14 {
		x := binary.LittleEndian.Uint32(frame[4+4*j:])
		if want := k*2654435761 + uint32(j); x != want {
			return fmt.Errorf("frame %d word %d = %d, want %d", k, j, x, want)
		}
		sum += x
	}
	if got := binary.LittleEndian.Uint32(frame[60:]); got != sum {
		return fmt.Errorf("frame %d checksum %d, want %d", k, got, sum)
	}
	return nil
}

// TestProtocolFrames: Python in the worker publishes 1e5 frames with
// sabkit_atomics.FrameWriter (back/publish_back, no copy); this thread takes
// them with atomicsx.FrameReader and checks every taken frame's checksum.
func TestProtocolFrames(t *testing.T) {
	total := 100000
	if testing.Short() {
		total = 10000
	}
	py := startPyFrames(t, "frames", total)
	dst := make([]byte, py.reader.MaxFrameBytes())
	taken, torn := 0, 0
	for f := (atomicsx.Frame{}); f.Number < uint32(total); {
		f = py.next(dst, f.Number)
		taken++
		if err := checkFrame(dst[:f.Len], f.Number); err != nil {
			if torn < 5 {
				t.Error(err)
			}
			torn++
		}
	}
	py.finish(taken, torn)
}

// TestProtocolFramesToPython: the reverse direction, Go writes frames and
// Python reads them with sabkit_atomics.FrameReader over the same region.
func TestProtocolFramesToPython(t *testing.T) {
	b := workerBridge(t)
	const total = 2000
	region, err := pyodidebridge.AllocFrames(context.Background(), b, "frames_back", 4*frameWords)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), region)
	writer, err := atomicsx.NewFrameWriter(region)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, fmt.Sprintf(`
import sabkit_atomics, struct
def _read(n):
    r = sabkit_atomics.FrameReader(frames_back.addr, 64, owner=frames_back)
    last = taken = 0
    while last < n:
        got = r.next(10000)
        assert got is not None, f"no frame after {last} for 10 s"
        num, data, dropped = got
        words = struct.unpack("<16I", data)
        vals = [(num * 2654435761 + j) & 0xFFFFFFFF for j in range(14)]
        assert words[0] == num and list(words[1:15]) == vals and words[15] == sum(vals) & 0xFFFFFFFF, ("torn", num)
        assert num > last
        last, taken = num, taken + 1
    return taken
_read(%d)
`, total))
	frame := make([]byte, 4*frameWords)
	for k := uint32(1); k <= total; k++ {
		binary.LittleEndian.PutUint32(frame, k)
		var sum uint32
		for j := range 14 {
			x := k*2654435761 + uint32(j)
			binary.LittleEndian.PutUint32(frame[4+4*j:], x)
			sum += x
		}
		binary.LittleEndian.PutUint32(frame[60:], sum)
		if _, err := writer.Publish(frame); err != nil {
			t.Fatal(err)
		}
		if k%64 == 0 {
			time.Sleep(100 * time.Microsecond) // let the event loop run, so the reader is not always behind
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestProtocolMutex: Python in the worker and Go here each increment one
// counter in the heap under the same mutex, with a slow read-modify-write
// that loses updates without mutual exclusion. The total must be exact.
func TestProtocolMutex(t *testing.T) {
	b := workerBridge(t)
	const perSide = 3000
	word, err := pyodidebridge.AllocMutex(context.Background(), b, "mtx")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), word)
	counter, err := pyodidebridge.Alloc[int32](context.Background(), b, "mtx_counter", 2) // [0] counter, [1] Python started
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), counter)
	mu, err := atomicsx.NewMutex(word, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, fmt.Sprintf(`
def _count(n):
    c = memoryview(mtx_counter).cast("B").cast("i")
    for i in range(n):
        with mtx:
            x = c[0]
            if i == 0:
                c[1] = 1
            for _ in range(30):
                pass
            c[0] = x + 1
_count(%d)
`, perSide))
	// Start once Python is counting, so the two sides overlap.
	for {
		if started, _ := atomicsx.Load(counter, 1); started == 1 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Python finished before counting: %v", err)
		case <-time.After(100 * time.Microsecond):
		}
	}
	for range perSide {
		if err := mu.LockContext(ctx); err != nil {
			t.Fatal(err)
		}
		x, _ := counter.At(0)
		for spin := 0; spin < 200; spin++ {
			_, _ = atomicsx.Load(word, 0)
		}
		counter.Set(0, x+1)
		if err := mu.Unlock(); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, _ := counter.At(0); got != 2*perSide {
		t.Fatalf("counter %d, want %d: the Python and Go mutexes did not exclude each other", got, 2*perSide)
	}
}

// TestProtocolRing: Python pushes 0..n-1 in uneven batches into a small
// ring, waiting when it is full; Go pops here and must see them in order.
func TestProtocolRing(t *testing.T) {
	b := workerBridge(t)
	const n = 200000
	region, err := pyodidebridge.AllocRing[int32](context.Background(), b, "ring", 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), region)
	ring, err := atomicsx.NewRing[int32](region)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, fmt.Sprintf(`
import array
def _produce(n):
    i = 0
    while i < n:
        k = min(1 + i %% 97, n - i)
        ring.push_all(array.array("i", range(i, i + k)))
        i += k
_produce(%d)
`, n))
	dst := make([]int32, 64)
	next := int32(0)
	for next < n {
		k, err := ring.PopContext(ctx, dst)
		if err != nil {
			t.Fatalf("after %d items: %v", next, err)
		}
		for _, x := range dst[:k] {
			if x != next {
				t.Fatalf("popped %d, want %d", x, next)
			}
			next++
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestProtocolSeqlock: Python writes versioned values with checksums while
// Go reads; every value read must be whole.
func TestProtocolSeqlock(t *testing.T) {
	b := workerBridge(t)
	const writes, words = 20000, 64
	region, err := pyodidebridge.AllocSeqlock(context.Background(), b, "slock", 4*words)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), region)
	sl, err := atomicsx.NewSeqlock(region)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := runAsync(ctx, b, fmt.Sprintf(`
import array
def _write(n):
    buf = array.array("I", bytes(4 * %[2]d))
    for k in range(1, n + 1):
        for j in range(%[2]d - 1):
            buf[j] = (k * 40503 + j * 7) & 0xFFFFFFFF
        buf[%[2]d - 1] = sum(buf[:%[2]d - 1]) & 0xFFFFFFFF
        slock.write(buf)
_write(%[1]d)
`, writes, words))
	dst := make([]byte, sl.MaxBytes())
	reads, torn := 0, 0
	for {
		n, v, err := sl.Read(dst)
		if errors.Is(err, atomicsx.ErrBusy) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if v > 0 {
			reads++
			var sum uint32
			for j := range words - 1 {
				sum += binary.LittleEndian.Uint32(dst[4*j:])
			}
			if n != 4*words || binary.LittleEndian.Uint32(dst[4*(words-1):]) != sum ||
				binary.LittleEndian.Uint32(dst) != v*40503 {
				if torn < 5 {
					t.Errorf("version %d: torn value (%d bytes)", v, n)
				}
				torn++
			}
		}
		if v >= writes {
			break
		}
		if _, err := sl.WaitNewer(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d whole values read of %d written, %d torn", reads, writes, torn)
	if reads == 0 || torn != 0 {
		t.Errorf("%d reads, %d torn", reads, torn)
	}
}

// TestProtocolBadInputs: wrong sizes, names and states give typed errors on
// the Go side and Python exceptions on the Python side, never a broken region.
func TestProtocolBadInputs(t *testing.T) {
	b := bridge(t)
	goCases := []struct {
		name string
		call func() error
		kind error
	}{
		{"zero frame size", func() error {
			_, err := pyodidebridge.AllocFrames(context.Background(), b, "bad_frames", 0)
			return err
		}, pyodidebridge.ErrShape},
		{"negative seqlock size", func() error { _, err := pyodidebridge.AllocSeqlock(context.Background(), b, "bad_sl", -1); return err }, pyodidebridge.ErrShape},
		{"zero ring capacity", func() error {
			_, err := pyodidebridge.AllocRing[int32](context.Background(), b, "bad_ring", 0)
			return err
		}, pyodidebridge.ErrShape},
		{"keyword name", func() error { _, err := pyodidebridge.AllocMutex(context.Background(), b, "class"); return err }, pyodidebridge.ErrName},
		{"nil bridge", func() error { _, err := pyodidebridge.AllocFrames(context.Background(), nil, "f", 8); return err }, pyodidebridge.ErrClosed},
	}
	if !b.Shared() {
		goCases = append(goCases, struct {
			name string
			call func() error
			kind error
		}{"stock heap", func() error {
			_, err := pyodidebridge.AllocRing[float64](context.Background(), b, "stock_ring", 8)
			return err
		}, pyodidebridge.ErrNotShared})
	}
	for _, c := range goCases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			var e *pyodidebridge.Error
			if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Fix == "" {
				t.Fatalf("got %v, want a %v *Error with a Fix", err, c.kind)
			}
		})
	}
	pyCases := []struct {
		name, code, typ string
	}{
		{"misaligned region", "import sabkit_atomics\nsabkit_atomics.FrameWriter(3, 8)", "ValueError"},
		{"frame larger than a slot", "pb_frames.publish(bytes(9))", "ValueError"},
		{"publish_back beyond the slot", "pb_frames.publish_back(100)", "ValueError"},
		{"unlock of an unlocked mutex", "pb_mutex.unlock()", "RuntimeError"},
		{"partial ring item", "pb_ring.push(bytes(3))", "ValueError"},
		{"seqlock value too large", "pb_sl.write(bytes(100))", "ValueError"},
	}
	if !b.Shared() {
		b = workerBridge(t) // the Python half needs a shared heap to be bound to
	}
	frames, err := pyodidebridge.AllocFrames(context.Background(), b, "pb_frames", 8)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), frames)
	mutex, err := pyodidebridge.AllocMutex(context.Background(), b, "pb_mutex")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), mutex)
	ring, err := pyodidebridge.AllocRing[int32](context.Background(), b, "pb_ring", 4)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), ring)
	sl, err := pyodidebridge.AllocSeqlock(context.Background(), b, "pb_sl", 16)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(context.Background(), sl)
	for _, c := range pyCases {
		t.Run(c.name, func(t *testing.T) {
			err := b.Run(context.Background(), c.code)
			var pe *pyodidebridge.PythonError
			if !errors.As(err, &pe) || pe.Type != c.typ {
				t.Fatalf("Run(%q) = %v, want a Python %s", c.code, err, c.typ)
			}
		})
	}
	// The regions are intact after the refused calls.
	run(t, b, "assert pb_frames.stats() == (0, 0, 0)\nassert pb_mutex.try_lock()\npb_mutex.unlock()\nassert len(pb_ring) == 0")
	if w, _ := atomicsx.Load(mutex, 0); w != 0 {
		t.Fatalf("mutex word %d after lock/unlock in Python", w)
	}
}
