//go:build js && wasm

package atomicsx

import (
	"context"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// Ring header word indices (LAYOUT.md, "Ring"); the same as ringbuf.js.
const (
	ringWrite  = 0 // next slot the producer writes
	ringRead   = 1 // next slot the consumer reads
	ringHeader = 2 // elements start at this word (byte 8)
)

// RingWords returns the region size, in int32 words, of a ring that holds
// up to capacity elements of T (it has capacity+1 slots: one stays empty so
// that a full ring and an empty one differ).
func RingWords[T sabview.Element](capacity int) int {
	return ringHeader + wordsFor((capacity+1)*sabview.TypeOf[T]().Size)
}

// Ring is a wait-free single-producer single-consumer queue of T in shared
// memory, with batch Push and Pop. Exactly one agent pushes and one pops
// (either may be Go, JavaScript or Python); the producer writes only the
// write index and the consumer only the read index.
type Ring[T sabview.Element] struct {
	region *sabview.View[int32]
	data   *sabview.View[uint8]
	size   int // bytes per element
	slots  int
}

// NewRing returns the ring stored in region, laid out as in LAYOUT.md. Zeroed
// memory is an empty ring. The capacity is what the region has room for,
// less the one empty slot.
func NewRing[T sabview.Element](region *sabview.View[int32]) (*Ring[T], error) {
	const op = "NewRing"
	size := sabview.TypeOf[T]().Size
	if err := checkRegion(op, region, RingWords[T](1), "a ring"); err != nil {
		return nil, err
	}
	if (region.ByteOffset()+4*ringHeader)%size != 0 {
		return nil, errorf(op, ErrRegion, "start the region at a multiple of 8 bytes",
			"elements would start at byte %d, not a multiple of %d", region.ByteOffset()+4*ringHeader, size)
	}
	slots := (region.Len() - ringHeader) * 4 / size
	data, err := byteSpan(op, region, ringHeader, region.Len()-ringHeader)
	if err != nil {
		return nil, err
	}
	if data, err = data.Sub(0, slots*size); err != nil {
		return nil, errView(op, err)
	}
	q := &Ring[T]{region: region, data: data, size: size, slots: slots}
	if err := q.checkIndex(op, ringWrite); err != nil {
		return nil, err
	}
	if err := q.checkIndex(op, ringRead); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Ring[T]) checkIndex(op string, word int) error {
	x, err := Load(q.region, word)
	if err != nil {
		return err
	}
	if x < 0 || int(x) >= q.slots {
		return errorf(op, ErrRegion, "zero the region before first use, and give every party the same region length",
			"index word %d holds %d, not in [0, %d)", word, x, q.slots)
	}
	return nil
}

// Capacity returns the most elements the ring holds at once.
func (q *Ring[T]) Capacity() int { return q.slots - 1 }

func (q *Ring[T]) indices() (w, r int, err error) {
	wi, err := Load(q.region, ringWrite)
	if err != nil {
		return 0, 0, err
	}
	ri, err := Load(q.region, ringRead)
	if err != nil {
		return 0, 0, err
	}
	if uint(wi) >= uint(q.slots) || uint(ri) >= uint(q.slots) {
		return 0, 0, errorf("Ring", ErrRegion, "give every party the same region length",
			"indices %d, %d not in [0, %d)", wi, ri, q.slots)
	}
	return int(wi), int(ri), nil
}

// Len returns how many elements are ready to pop. From the consumer it is a
// lower bound, from the producer an upper bound, since the other side moves.
func (q *Ring[T]) Len() (int, error) {
	w, r, err := q.indices()
	return (w - r + q.slots) % q.slots, err
}

// Push copies as many of items as fit into the ring (one bulk copy per
// contiguous run, Go → shared memory), publishes them, and returns how many
// it pushed. It never waits; 0 means the ring is full.
func (q *Ring[T]) Push(items []T) (int, error) {
	const op = "Ring.Push"
	w, r, err := q.indices()
	if err != nil {
		return 0, err
	}
	free := q.slots - 1 - (w-r+q.slots)%q.slots
	k := min(free, len(items))
	if k == 0 {
		return 0, nil
	}
	u8, err := q.data.Bytes()
	if err != nil {
		return 0, errView(op, err)
	}
	first := min(k, q.slots-w)
	js.CopyBytesToJS(u8.Call("subarray", w*q.size, (w+first)*q.size), asBytes(items[:first]))
	if first < k {
		js.CopyBytesToJS(u8.Call("subarray", 0, (k-first)*q.size), asBytes(items[first:k]))
	}
	if err := Store(q.region, ringWrite, int32((w+k)%q.slots)); err != nil {
		return 0, err
	}
	_, err = Notify(q.region, ringWrite, All)
	return k, err
}

// Pop copies up to len(dst) elements out of the ring (shared memory → Go),
// frees their slots, and returns how many. It never waits; 0 means empty.
func (q *Ring[T]) Pop(dst []T) (int, error) {
	const op = "Ring.Pop"
	w, r, err := q.indices()
	if err != nil {
		return 0, err
	}
	k := min((w-r+q.slots)%q.slots, len(dst))
	if k == 0 {
		return 0, nil
	}
	u8, err := q.data.Bytes()
	if err != nil {
		return 0, errView(op, err)
	}
	first := min(k, q.slots-r)
	js.CopyBytesToGo(asBytes(dst[:first]), u8.Call("subarray", r*q.size, (r+first)*q.size))
	if first < k {
		js.CopyBytesToGo(asBytes(dst[first:k]), u8.Call("subarray", 0, (k-first)*q.size))
	}
	if err := Store(q.region, ringRead, int32((r+k)%q.slots)); err != nil {
		return 0, err
	}
	_, err = Notify(q.region, ringRead, All)
	return k, err
}

// PushContext pushes all of items, parking the calling goroutine (with
// Atomics.waitAsync) while the ring is full. It returns how many it pushed
// before ctx ended, with an ErrCanceled error wrapping ctx.Err().
func (q *Ring[T]) PushContext(ctx context.Context, items []T) (int, error) {
	done := 0
	for done < len(items) {
		r, err := Load(q.region, ringRead)
		if err != nil {
			return done, err
		}
		k, err := q.Push(items[done:])
		done += k
		if err != nil {
			return done, err
		}
		if k == 0 {
			// Full: wait for the consumer to move the read index on from
			// the value seen before the attempt.
			if _, err := WaitContext(ctx, q.region, ringRead, r); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// PopContext pops up to len(dst) elements, first parking the calling
// goroutine (with Atomics.waitAsync) until at least one is there.
func (q *Ring[T]) PopContext(ctx context.Context, dst []T) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	for {
		w, err := Load(q.region, ringWrite)
		if err != nil {
			return 0, err
		}
		k, err := q.Pop(dst)
		if k > 0 || err != nil {
			return k, err
		}
		if _, err := WaitContext(ctx, q.region, ringWrite, w); err != nil {
			return 0, err
		}
	}
}
