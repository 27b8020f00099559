//go:build js && wasm

package atomicsx

import (
	"context"
	"time"

	"github.com/sabkit/sabkit/sabview"
)

// Seqlock word indices (LAYOUT.md, "Seqlock").
const (
	seqWord    = 0 // sequence: even when stable, odd while a write is in progress
	seqLenWord = 1 // byte length of the current value
	seqHeader  = 2 // payload starts at this word (byte 8)
)

// SeqlockWords returns the region size, in int32 words, of a Seqlock whose
// value holds up to maxBytes bytes.
func SeqlockWords(maxBytes int) int { return seqHeader + wordsFor(maxBytes) }

// Seqlock publishes a value of up to MaxBytes bytes from one writer to any
// number of readers. Writers never wait for readers; readers retry until they
// copy a value that no write overlapped, so a read is never torn.
//
// Only one agent may write; several writers need a Mutex around Write.
type Seqlock struct {
	region  *sabview.View[int32]
	payload *sabview.View[uint8]
}

// NewSeqlock returns the seqlock stored in region (laid out as in LAYOUT.md:
// sequence, length, payload). Zeroed memory is a seqlock holding an empty
// value at version 0. The payload capacity is what the region has room for.
func NewSeqlock(region *sabview.View[int32]) (*Seqlock, error) {
	const op = "NewSeqlock"
	if err := checkRegion(op, region, seqHeader+1, "a seqlock"); err != nil {
		return nil, err
	}
	p, err := byteSpan(op, region, seqHeader, region.Len()-seqHeader)
	if err != nil {
		return nil, err
	}
	return &Seqlock{region: region, payload: p}, nil
}

// MaxBytes returns the payload capacity.
func (s *Seqlock) MaxBytes() int { return s.payload.Len() }

// Write copies p into the shared payload (one copy, Go → shared memory) and
// publishes it as the next version, then wakes readers waiting in
// WaitNewer. It returns the new version.
func (s *Seqlock) Write(p []byte) (version uint32, err error) {
	const op = "Seqlock.Write"
	if len(p) > s.payload.Len() {
		return 0, errorf(op, ErrArgument, "allocate a region with SeqlockWords(len(p))",
			"%d bytes exceed the %d-byte payload", len(p), s.payload.Len())
	}
	seq, err := Load(s.region, seqWord)
	if err != nil {
		return 0, err
	}
	if seq&1 != 0 {
		return 0, errorf(op, ErrArgument, "let one agent write, or guard Write with a Mutex",
			"another write is in progress (sequence %d is odd)", seq)
	}
	// A read-modify-write, not a store, opens the write: it orders the
	// payload stores after the odd sequence on weakly ordered CPUs too.
	if old, err := CompareExchange(s.region, seqWord, seq, seq+1); err != nil || old != seq {
		if err != nil {
			return 0, err
		}
		return 0, errorf(op, ErrArgument, "let one agent write, or guard Write with a Mutex",
			"another writer changed the sequence from %d to %d", seq, old)
	}
	if err := Store(s.region, seqLenWord, int32(len(p))); err != nil {
		return 0, err
	}
	if _, err := s.payload.CopyFrom(p); err != nil {
		return 0, errView(op, err)
	}
	if err := Store(s.region, seqWord, seq+2); err != nil {
		return 0, err
	}
	if _, err := Notify(s.region, seqWord, All); err != nil {
		return 0, err
	}
	return uint32(seq+2) / 2, nil
}

// busyAfter bounds Read's retries: a writer that stopped half-way (a
// crashed worker) would otherwise keep a reader spinning forever.
const busyAfter = time.Second

// Read copies the current value into dst (one copy, shared memory → Go) and
// returns its length and version. It retries while a write overlaps the copy,
// so the bytes in dst[:n] are exactly one writer's value. dst must have room
// for the value (MaxBytes always suffices). Read spins without yielding; it
// returns ErrBusy when writes have overlapped every attempt for a second.
func (s *Seqlock) Read(dst []byte) (n int, version uint32, err error) {
	const op = "Seqlock.Read"
	var giveUp time.Time
	for k := 1; ; k++ {
		if k%1024 == 0 {
			// Reading the clock costs a JavaScript call: do it rarely.
			if now := time.Now(); giveUp.IsZero() {
				giveUp = now.Add(busyAfter)
			} else if now.After(giveUp) {
				return 0, 0, errorf(op, ErrBusy, "check that the writer is alive; a writer must not stop between its two sequence updates",
					"writes overlapped every attempt for %v", busyAfter)
			}
		}
		s1, err := Load(s.region, seqWord)
		if err != nil {
			return 0, 0, err
		}
		if s1&1 != 0 {
			continue
		}
		l, err := Load(s.region, seqLenWord)
		if err != nil {
			return 0, 0, err
		}
		n := int(l)
		if n < 0 || n > s.payload.Len() {
			continue // a torn header: the sequence check below would fail too
		}
		if n > len(dst) {
			return n, uint32(s1) / 2, errorf(op, ErrArgument, "pass a buffer of MaxBytes()",
				"the value has %d bytes, dst only %d", n, len(dst))
		}
		if _, err := s.payload.CopyTo(dst[:n]); err != nil {
			return 0, 0, errView(op, err)
		}
		// A read-modify-write that changes nothing, rather than a load: it
		// keeps the payload loads before the check on weakly ordered CPUs.
		s2, err := Add(s.region, seqWord, 0)
		if err != nil {
			return 0, 0, err
		}
		if s1 == s2 {
			return n, uint32(s1) / 2, nil
		}
	}
}

// Version returns the version of the last completed write (0 before any).
func (s *Seqlock) Version() (uint32, error) {
	seq, err := Load(s.region, seqWord)
	return uint32(seq) / 2, err
}

// WaitNewer parks the calling goroutine (Atomics.waitAsync) until a write
// newer than version has completed, and returns the latest version.
func (s *Seqlock) WaitNewer(ctx context.Context, version uint32) (uint32, error) {
	for {
		seq, err := Load(s.region, seqWord)
		if err != nil {
			return 0, err
		}
		if seq&1 == 0 && uint32(seq)/2 != version {
			return uint32(seq) / 2, nil
		}
		if _, err := WaitContext(ctx, s.region, seqWord, seq); err != nil {
			return 0, err
		}
	}
}
