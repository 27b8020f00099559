//go:build js && wasm

package atomicsx

import (
	"context"

	"github.com/sabkit/sabkit/sabview"
)

// Frames header word indices (LAYOUT.md, "Frames").
const (
	frLatest    = 0 // index of the latest published slot, | frFresh while not yet taken
	frWriter    = 1 // writer's back slot + 1 (0: never published, slot 1)
	frReader    = 2 // reader's front slot + 1 (0: never taken, slot 2)
	frPublished = 3 // frames published (uint32, wraps)
	frTaken     = 4 // frames the reader took
	frDropped   = 5 // frames overwritten before the reader took them
	frHeader    = 8 // words 6 and 7 are reserved, zero

	frFresh     = 4
	frSlots     = 3
	frSlotNum   = 0 // slot word: frame number
	frSlotLen   = 1 // slot word: frame byte length
	frSlotHead  = 2 // payload starts at this word of the slot
	frDefWriter = 1
	frDefReader = 2
)

// FramesWords returns the region size, in int32 words, of a triple buffer
// whose frames hold up to frameBytes bytes.
func FramesWords(frameBytes int) int { return frHeader + frSlots*(frSlotHead+wordsFor(frameBytes)) }

// Frame describes a frame a FrameReader took.
type Frame struct {
	Number  uint32 // 1 for the first frame published, then counting up (wrapping)
	Len     int    // bytes in the frame
	Dropped uint32 // frames published since the previous take that the reader never saw
}

// frames is the part of the triple buffer both ends share.
type frames struct {
	region    *sabview.View[int32]
	slotWords int
	payload   [frSlots]*sabview.View[uint8]
	// fronts holds, per slot, the view Front last returned, reused while
	// frames keep their length so that Front allocates nothing.
	fronts [frSlots]*sabview.View[uint8]
}

func openFrames(op string, region *sabview.View[int32]) (frames, error) {
	if err := checkRegion(op, region, FramesWords(1), "a triple buffer"); err != nil {
		return frames{}, err
	}
	f := frames{region: region, slotWords: (region.Len() - frHeader) / frSlots}
	for s := range frSlots {
		p, err := byteSpan(op, region, f.slotBase(s)+frSlotHead, f.slotWords-frSlotHead)
		if err != nil {
			return frames{}, err
		}
		f.payload[s] = p
	}
	return f, nil
}

func (f *frames) slotBase(s int) int { return frHeader + s*f.slotWords }

// owned reads the slot an end owns from its header word.
func (f *frames) owned(op string, word int, def int) (int, error) {
	x, err := Load(f.region, word)
	if err != nil {
		return 0, err
	}
	if x == 0 {
		return def, nil
	}
	if x < 1 || x > frSlots {
		return 0, errorf(op, ErrRegion, "zero the region before first use", "slot word %d holds %d", word, x)
	}
	return int(x) - 1, nil
}

// MaxFrameBytes returns the capacity of one frame.
func (f *frames) MaxFrameBytes() int { return f.payload[0].Len() }

// Stats returns the frames published, taken by the reader, and dropped.
func (f *frames) Stats() (published, taken, dropped uint32, err error) {
	var v [3]int32
	for k, w := range []int{frPublished, frTaken, frDropped} {
		if v[k], err = Load(f.region, w); err != nil {
			return 0, 0, 0, err
		}
	}
	return uint32(v[0]), uint32(v[1]), uint32(v[2]), nil
}

// FrameWriter is the producing end of a triple buffer: it fills the back
// slot and publishes it without ever waiting for the reader. There must be
// one writer per region.
type FrameWriter struct{ frames }

// NewFrameWriter returns the writing end of the triple buffer in region,
// laid out as in LAYOUT.md. Zeroed memory is an empty triple buffer.
func NewFrameWriter(region *sabview.View[int32]) (*FrameWriter, error) {
	f, err := openFrames("NewFrameWriter", region)
	if err != nil {
		return nil, err
	}
	return &FrameWriter{f}, nil
}

// Back returns the payload of the slot the writer fills next. It aliases
// shared memory: fill it in place (from JavaScript, WebGPU, Python) and call
// PublishBack. It changes after each publish, so fetch it again.
func (w *FrameWriter) Back() (*sabview.View[uint8], error) {
	s, err := w.owned("FrameWriter.Back", frWriter, frDefWriter)
	if err != nil {
		return nil, err
	}
	return w.payload[s], nil
}

// Publish copies frame into the back slot (one copy, Go → shared memory)
// and publishes it. It returns the frame's number.
func (w *FrameWriter) Publish(frame []byte) (uint32, error) {
	const op = "FrameWriter.Publish"
	if len(frame) > w.MaxFrameBytes() {
		return 0, errorf(op, ErrArgument, "allocate the region with FramesWords(len(frame))",
			"a frame of %d bytes exceeds the %d-byte slots", len(frame), w.MaxFrameBytes())
	}
	s, err := w.owned(op, frWriter, frDefWriter)
	if err != nil {
		return 0, err
	}
	if _, err := w.payload[s].CopyFrom(frame); err != nil {
		return 0, errView(op, err)
	}
	return w.publish(op, s, len(frame))
}

// PublishBack publishes the first n bytes of the back slot as written in
// place through Back. It copies nothing.
func (w *FrameWriter) PublishBack(n int) (uint32, error) {
	const op = "FrameWriter.PublishBack"
	if n < 0 || n > w.MaxFrameBytes() {
		return 0, errorf(op, ErrArgument, "", "length %d not in [0, %d]", n, w.MaxFrameBytes())
	}
	s, err := w.owned(op, frWriter, frDefWriter)
	if err != nil {
		return 0, err
	}
	return w.publish(op, s, n)
}

func (w *FrameWriter) publish(op string, s, n int) (uint32, error) {
	num, err := Add(w.region, frPublished, 1)
	if err != nil {
		return 0, err
	}
	num++
	base := w.slotBase(s)
	if err := Store(w.region, base+frSlotNum, num); err != nil {
		return 0, err
	}
	if err := Store(w.region, base+frSlotLen, int32(n)); err != nil {
		return 0, err
	}
	// The exchange hands the filled slot to the reader and gives the writer
	// the one it displaced; being sequentially consistent, it also makes the
	// payload written before it visible to the reader's exchange.
	prev, err := Exchange(w.region, frLatest, int32(s)|frFresh)
	if err != nil {
		return 0, err
	}
	if err := Store(w.region, frWriter, prev&3+1); err != nil {
		return 0, err
	}
	if _, err := Notify(w.region, frLatest, All); err != nil {
		return 0, err
	}
	return uint32(num), nil
}

// FrameReader is the consuming end of a triple buffer: it takes the latest
// complete frame, never blocking the writer. There must be one reader per
// region.
type FrameReader struct{ frames }

// NewFrameReader returns the reading end of the triple buffer in region.
func NewFrameReader(region *sabview.View[int32]) (*FrameReader, error) {
	f, err := openFrames("NewFrameReader", region)
	if err != nil {
		return nil, err
	}
	return &FrameReader{f}, nil
}

// Take takes the latest published frame, if one arrived since the last
// take, and copies it into dst (one copy, shared memory → Go). ok is false
// when no new frame is there. dst needs room for the frame; MaxFrameBytes
// always suffices. A nil dst copies nothing: the frame is then read in place
// through Front (zero copies). If it is too small the frame is still taken (Front
// reaches it) and an ErrArgument error says so.
func (r *FrameReader) Take(dst []byte) (f Frame, ok bool, err error) {
	const op = "FrameReader.Take"
	st, err := Load(r.region, frLatest)
	if err != nil || st&frFresh == 0 {
		return Frame{}, false, err
	}
	front, err := r.owned(op, frReader, frDefReader)
	if err != nil {
		return Frame{}, false, err
	}
	// Only the writer changes the word otherwise, and only to another fresh
	// slot, so the exchange takes a fresh frame.
	prev, err := Exchange(r.region, frLatest, int32(front))
	if err != nil {
		return Frame{}, false, err
	}
	s := int(prev & 3)
	if err := Store(r.region, frReader, int32(s)+1); err != nil {
		return Frame{}, false, err
	}
	if f, err = r.account(op, s); err != nil {
		return f, true, err
	}
	if dst == nil {
		return f, true, nil // zero-copy use: read the frame through Front
	}
	if f.Len > len(dst) {
		return f, true, errorf(op, ErrArgument, "pass a buffer of MaxFrameBytes(), or nil to read the frame in place through Front",
			"the frame has %d bytes, dst only %d", f.Len, len(dst))
	}
	if _, err := r.payload[s].CopyTo(dst[:f.Len]); err != nil {
		return f, true, errView(op, err)
	}
	return f, true, nil
}

// account reads slot s's header and updates the taken and dropped counters.
func (r *FrameReader) account(op string, s int) (Frame, error) {
	base := r.slotBase(s)
	num, err := Load(r.region, base+frSlotNum)
	if err != nil {
		return Frame{}, err
	}
	n, err := Load(r.region, base+frSlotLen)
	if err != nil {
		return Frame{}, err
	}
	if n < 0 || int(n) > r.MaxFrameBytes() {
		return Frame{}, errorf(op, ErrRegion, "make sure every writer follows LAYOUT.md",
			"slot %d claims %d bytes of %d", s, n, r.MaxFrameBytes())
	}
	_, taken, dropped, err := r.Stats()
	if err != nil {
		return Frame{}, err
	}
	// Every frame up to the last one taken was either taken or dropped.
	skipped := uint32(num) - (taken + dropped) - 1
	if err := Store(r.region, frTaken, int32(taken+1)); err != nil {
		return Frame{}, err
	}
	if err := Store(r.region, frDropped, int32(dropped+skipped)); err != nil {
		return Frame{}, err
	}
	return Frame{Number: uint32(num), Len: int(n), Dropped: skipped}, nil
}

// Next waits (parking only this goroutine, with Atomics.waitAsync) until a
// new frame is published, then takes it like Take.
func (r *FrameReader) Next(ctx context.Context, dst []byte) (Frame, error) {
	for {
		st, err := Load(r.region, frLatest)
		if err != nil {
			return Frame{}, err
		}
		if st&frFresh != 0 {
			f, _, err := r.Take(dst)
			return f, err
		}
		if _, err := WaitContext(ctx, r.region, frLatest, st); err != nil {
			return Frame{}, err
		}
	}
}

// Front returns the payload of the frame the reader took last, aliasing
// shared memory (no copy), with its description. The writer never touches
// it until the next Take, so it may be read in place (by JavaScript, WebGPU
// uploads, Python) until then.
func (r *FrameReader) Front() (*sabview.View[uint8], Frame, error) {
	const op = "FrameReader.Front"
	s, err := r.owned(op, frReader, frDefReader)
	if err != nil {
		return nil, Frame{}, err
	}
	base := r.slotBase(s)
	num, err := Load(r.region, base+frSlotNum)
	if err != nil {
		return nil, Frame{}, err
	}
	n, err := Load(r.region, base+frSlotLen)
	if err != nil {
		return nil, Frame{}, err
	}
	if n < 0 || int(n) > r.MaxFrameBytes() {
		return nil, Frame{}, errorf(op, ErrRegion, "make sure every writer follows LAYOUT.md", "slot %d claims %d bytes", s, n)
	}
	p := r.fronts[s]
	if p == nil || p.Len() != int(n) {
		if p, err = r.payload[s].Sub(0, int(n)); err != nil {
			return nil, Frame{}, errView(op, err)
		}
		r.fronts[s] = p
	}
	return p, Frame{Number: uint32(num), Len: int(n)}, nil
}
