//go:build js && wasm

package promise_test

import (
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/promise"
)

// settleLater returns a promise that settles after ms milliseconds: resolved
// with 7, or rejected with a RangeError.
func settleLater(ms int, reject bool) js.Value {
	f := js.Global().Get("Function").New("ms", "reject",
		`return new Promise((ok, no) => setTimeout(() => reject ? no(new RangeError("late")) : ok(7), ms));`)
	return f.Invoke(ms, reject)
}

func TestAwait(t *testing.T) {
	tests := []struct {
		name    string
		p       func() js.Value // made when the case runs, so no rejection goes unhandled
		ctx     time.Duration   // 0: no deadline
		want    int
		wantErr error
		errName string
	}{
		{"resolves", func() js.Value { return settleLater(1, false) }, 0, 7, nil, ""},
		{"rejects", func() js.Value { return settleLater(1, true) }, 0, 0, nil, "RangeError"},
		{"not a promise", func() js.Value { return js.ValueOf(7) }, 0, 7, nil, ""},
		{"deadline first", func() js.Value { return settleLater(200, false) }, 10 * time.Millisecond, 0, context.DeadlineExceeded, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			v, err := promise.Await(ctx, tt.p())
			switch {
			case tt.errName != "":
				r, ok := promise.IsRejected(err)
				if !ok || r.Name() != tt.errName {
					t.Fatalf("Await = %v, %v; want a %s rejection", v, err, tt.errName)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Await error = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil || v.Int() != tt.want {
					t.Fatalf("Await = %v, %v; want %d", v, err, tt.want)
				}
			}
		})
	}
}

// Abandoned waits keep their callbacks only until their promises settle.
func TestPendingAfterCancel(t *testing.T) {
	// Earlier tests abandon promises that settle a little later: start from
	// a quiet state.
	settled := func() bool {
		for end := time.Now().Add(5 * time.Second); promise.Pending() != 0 && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond)
		}
		return promise.Pending() == 0
	}
	if !settled() {
		t.Fatalf("%d awaits from earlier tests never settled", promise.Pending())
	}
	const n = 1000
	for range n {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := promise.Await(ctx, settleLater(5, false)); !errors.Is(err, context.Canceled) {
			t.Fatalf("Await on a cancelled context = %v", err)
		}
	}
	if got := promise.Pending(); got != n {
		t.Errorf("Pending right after %d abandoned waits = %d, want %d", n, got, n)
	}
	if !settled() {
		t.Errorf("%d awaits still registered after every promise settled", promise.Pending())
	}
}
