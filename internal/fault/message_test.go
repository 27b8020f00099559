package fault_test

import (
	"errors"
	"testing"

	"github.com/sabkit/sabkit/internal/fault"
)

func TestMessage(t *testing.T) {
	kind := errors.New("out of range")
	cause := errors.New("RangeError: offset")
	tests := []struct {
		name, detail, fix string
		cause             error
		want              string
	}{
		{"kind only", "", "", nil, "sabview.At: out of range"},
		{"detail", "index 9 of 4", "", nil, "sabview.At: out of range: index 9 of 4"},
		{"cause", "", "", cause, "sabview.At: out of range: RangeError: offset"},
		{"fix", "", "use an index below Len", nil, "sabview.At: out of range (use an index below Len)"},
		{"all", "index 9 of 4", "use an index below Len", cause,
			"sabview.At: out of range: index 9 of 4: RangeError: offset (use an index below Len)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fault.Message("sabview", "At", kind, tt.detail, tt.cause, tt.fix); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
