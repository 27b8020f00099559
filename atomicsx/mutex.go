//go:build js && wasm

package atomicsx

import (
	"context"

	"github.com/sabkit/sabkit/sabview"
)

// Mutex word states (LAYOUT.md, "Mutex"). The three-state design lets
// Unlock skip Atomics.notify, which is the expensive part, when nobody waits.
const (
	mutexUnlocked  = 0
	mutexLocked    = 1 // locked, no waiters
	mutexContended = 2 // locked, and someone may be waiting
)

// Mutex is a lock in one int32 word of shared memory, interoperable with the
// JavaScript and Python implementations that follow LAYOUT.md. It is not
// reentrant and not tied to a thread: any agent may unlock it.
//
// A Mutex value only names the word; the lock state lives in shared memory,
// so any number of Mutex values (in any thread) over the same word are the
// same lock.
type Mutex struct {
	v *sabview.View[int32]
	i int
}

// NewMutex returns the mutex held in element i of v. A zero word is an
// unlocked mutex, so fresh shared memory needs no initialisation.
func NewMutex(v *sabview.View[int32], i int) (*Mutex, error) {
	const op = "NewMutex"
	if _, err := waitable(op, v, i); err != nil {
		return nil, err
	}
	return &Mutex{v: v, i: i}, nil
}

// TryLock acquires the mutex if it is free and reports whether it did.
func (m *Mutex) TryLock() (bool, error) {
	old, err := CompareExchange(m.v, m.i, mutexUnlocked, mutexLocked)
	return err == nil && old == mutexUnlocked, err
}

// Lock acquires the mutex, blocking the thread in Atomics.wait while another
// agent holds it. It has Wait's caveats: the whole Go program stops while it
// waits, and on the browser main thread it returns ErrMainThread (up front,
// even if the mutex is free, so the mistake shows in testing); use
// LockContext there.
func (m *Mutex) Lock() error {
	if !CanBlock() {
		return errMainThread("Mutex.Lock")
	}
	return m.lock(func(c int32) error {
		_, err := Wait(m.v, m.i, c, Forever)
		return err
	})
}

// LockContext acquires the mutex, parking only the calling goroutine (with
// Atomics.waitAsync) while another agent holds it. When ctx ends first it
// returns, without the lock, an ErrCanceled error wrapping ctx.Err().
func (m *Mutex) LockContext(ctx context.Context) error {
	return m.lock(func(c int32) error {
		_, err := WaitContext(ctx, m.v, m.i, c)
		return err
	})
}

func (m *Mutex) lock(wait func(int32) error) error {
	c, err := CompareExchange(m.v, m.i, mutexUnlocked, mutexLocked)
	if err != nil || c == mutexUnlocked {
		return err
	}
	if c != mutexContended {
		if c, err = Exchange(m.v, m.i, mutexContended); err != nil {
			return err
		}
	}
	for c != mutexUnlocked {
		if err := wait(mutexContended); err != nil {
			return err
		}
		if c, err = Exchange(m.v, m.i, mutexContended); err != nil {
			return err
		}
	}
	return nil
}

// Unlock releases the mutex and wakes the waiters, if any. Unlocking an
// unlocked mutex is an ErrArgument error (and leaves the word unlocked).
func (m *Mutex) Unlock() error {
	old, err := Exchange(m.v, m.i, mutexUnlocked)
	if err != nil {
		return err
	}
	switch old {
	case mutexLocked:
		return nil
	case mutexContended:
		// Wake all, not one: a cancelled WaitContext leaves a waiter behind
		// that would otherwise absorb the only wake-up.
		_, err = Notify(m.v, m.i, All)
		return err
	case mutexUnlocked:
		return errorf("Mutex.Unlock", ErrArgument, "unlock only a mutex this agent locked", "mutex was not locked")
	}
	return errorf("Mutex.Unlock", ErrRegion, "make sure no other code writes the mutex word",
		"mutex word held %d, which no implementation writes", old)
}
