//go:build js && wasm

package pyodidebridge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// callPrelude defines the Python functions the Call tests drive.
const callPrelude = `
import math, time
def call_echo(x=None):
    return x
def call_types(*args):
    return ",".join(type(a).__name__ for a in args)
def call_repr(*args):
    return ",".join(repr(a) for a in args)
def call_add(a, b):
    return a + b
def call_fill(arr, x):
    for i in range(len(arr)):
        arr[i] = x
def call_sum(arr):
    return float(sum(arr[i] for i in range(len(arr))))
def call_list():
    return [1, 2]
def call_raise(msg):
    raise ValueError(msg)
class CallObj:
    def twice(self, x):
        return 2 * x
call_obj = CallObj()
call_spun = ""
def call_spin():
    global call_spun
    try:
        while True:
            pass
    except KeyboardInterrupt:
        call_spun = "interrupted"
        raise
def call_busy(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
call_marked = False
def call_mark():
    global call_marked
    call_marked = True
def call_get(name):
    return globals()[name]
`

// callBridges returns the same-thread bridge and, where isolation allows,
// the worker bridge, each with the Call prelude defined.
func callBridges(t *testing.T) map[string]*pyodidebridge.Bridge {
	t.Helper()
	out := map[string]*pyodidebridge.Bridge{"same-thread": bridge(t)}
	if !jsinterop.InBrowser() || jsinterop.CrossOriginIsolated() {
		out["worker"] = workerBridge(t)
	}
	for _, b := range out {
		run(t, b, callPrelude)
	}
	return out
}

func TestCall(t *testing.T) {
	negZero := math.Copysign(0, -1)
	cases := []struct {
		name string
		fn   string
		args []any
		want any
	}{
		{"none", "call_echo", []any{nil}, nil},
		{"no args", "call_echo", nil, nil},
		{"true", "call_echo", []any{true}, true},
		{"false", "call_echo", []any{false}, false},
		{"int", "call_echo", []any{42}, 42},
		{"negative int", "call_echo", []any{-7}, -7},
		{"int64 beyond 2^53", "call_echo", []any{int64(1)<<62 + 1}, 1<<62 + 1},
		{"min int64", "call_echo", []any{int64(math.MinInt64)}, math.MinInt64},
		{"uint64 beyond int64 reaches Python exactly", "call_repr", []any{uint64(math.MaxUint64)}, "18446744073709551615"},
		{"small ints", "call_types", []any{int8(-1), uint8(2), int16(3), uint16(4), int32(5), uint32(6), uint(7)}, "int,int,int,int,int,int,int"},
		{"integral float stays float", "call_types", []any{2.0, float32(1)}, "float,float"},
		{"float", "call_echo", []any{2.5}, 2.5},
		{"float32", "call_echo", []any{float32(0.25)}, 0.25},
		{"+Inf", "call_echo", []any{math.Inf(1)}, math.Inf(1)},
		{"-Inf", "call_echo", []any{math.Inf(-1)}, math.Inf(-1)},
		{"-0.0 keeps its sign", "call_repr", []any{negZero}, "-0.0"},
		{"-0.0 back", "call_echo", []any{negZero}, negZero},
		{"string", "call_echo", []any{"héllo\x00wörld"}, "héllo\x00wörld"},
		{"empty string", "call_echo", []any{""}, ""},
		{"bytes", "call_echo", []any{[]byte{0, 1, 255}}, []byte{0, 1, 255}},
		{"bytes arrive as bytes", "call_types", []any{[]byte("ab")}, "bytes"},
		{"empty bytes", "call_echo", []any{[]byte{}}, []byte{}},
		{"mixed", "call_types", []any{nil, true, 1, 1.5, "s", []byte{1}}, "NoneType,bool,int,float,str,bytes"},
		{"two args", "call_add", []any{40, 2}, 42},
		{"module attribute", "math.hypot", []any{3, 4}, 5.0},
		{"builtin", "len", []any{"abcd"}, 4},
		{"method of a global", "call_obj.twice", []any{21}, 42},
		{"stdlib submodule", "os.path.join", []any{"a", "b"}, "a/b"},
	}
	for kind, b := range callBridges(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, err := b.Call(ctx, c.fn, c.args...)
					if err != nil {
						t.Fatalf("Call(%q, %v): %v", c.fn, c.args, err)
					}
					if !sameValue(got, c.want) {
						t.Fatalf("Call(%q, %v) = %#v (%T), want %#v (%T)", c.fn, c.args, got, got, c.want, c.want)
					}
					// A Func gives the same answer.
					fn, err := b.Func(ctx, c.fn)
					if err != nil {
						t.Fatal(err)
					}
					defer fn.Free()
					if got, err := fn.Call(ctx, c.args...); err != nil || !sameValue(got, c.want) {
						t.Fatalf("Func(%q).Call(%v) = %#v, %v; want %#v", c.fn, c.args, got, err, c.want)
					}
				})
			}
		})
	}
}

// sameValue compares Call results exactly: type, NaN-free value, the sign
// of zero, and byte slices by content.
func sameValue(got, want any) bool {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return false
	}
	switch w := want.(type) {
	case []byte:
		return bytes.Equal(got.([]byte), w)
	case float64:
		g := got.(float64)
		return g == w && math.Signbit(g) == math.Signbit(w)
	}
	return got == want
}

func TestCallNaN(t *testing.T) {
	for kind, b := range callBridges(t) {
		got, err := b.Call(context.Background(), "call_echo", math.NaN())
		if x, ok := got.(float64); err != nil || !ok || !math.IsNaN(x) {
			t.Errorf("%s: Call(call_echo, NaN) = %#v, %v", kind, got, err)
		}
	}
}

func TestCallErrors(t *testing.T) {
	cases := []struct {
		name string
		fn   string
		args []any
		kind error
		says string
	}{
		{"unknown global", "no_such_function", nil, pyodidebridge.ErrName, "no_such_function"},
		{"unknown attribute", "math.no_such_attr", nil, pyodidebridge.ErrName, "no_such_attr"},
		{"unknown module", "no_such_module_here.fn", nil, pyodidebridge.ErrName, "no_such_module_here"},
		{"not callable", "math.pi", nil, pyodidebridge.ErrName, "not callable"},
		{"not a name", "1bad", nil, pyodidebridge.ErrName, "identifier"},
		{"empty part", "math..hypot", nil, pyodidebridge.ErrName, "empty part"},
		{"keyword", "math.for", nil, pyodidebridge.ErrName, "keyword"},
		{"exception", "call_raise", []any{"no good"}, pyodidebridge.ErrPython, "ValueError: no good"},
		{"wrong arity", "call_add", []any{1}, pyodidebridge.ErrPython, "TypeError"},
		{"unsupported argument", "call_echo", []any{struct{}{}}, pyodidebridge.ErrType, "argument 0 is a struct {}"},
		{"unsupported slice", "call_echo", []any{[]int{1}}, pyodidebridge.ErrType, "[]byte"},
		{"unsupported result", "call_list", nil, pyodidebridge.ErrType, "builtins.list"},
		{"int result beyond int64", "call_echo", []any{uint64(math.MaxUint64)}, pyodidebridge.ErrType, "beyond int64"},
		{"view outside the heap", "call_echo", []any{plainView(t)}, pyodidebridge.ErrOutsideHeap, "argument 0"},
	}
	for kind, b := range callBridges(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, err := b.Call(ctx, c.fn, c.args...)
					var e *pyodidebridge.Error
					if !errors.Is(err, c.kind) || !errors.As(err, &e) || !strings.Contains(err.Error(), c.says) {
						t.Fatalf("Call(%q, %v) = %v; want %v saying %q", c.fn, c.args, err, c.kind, c.says)
					}
					if c.kind != pyodidebridge.ErrPython && e.Fix == "" {
						t.Errorf("%v has no Fix", err)
					}
				})
			}
			// The bridge still works.
			if got, err := b.Call(ctx, "call_add", 1, 2); err != nil || got != 3 {
				t.Fatalf("after the errors: %v, %v", got, err)
			}
		})
	}
}

// TestCallViewsAlias: a view argument is the same bytes in Python, not a
// copy. Python writes through it and Go reads the view; Go writes and Python
// reads; a Sub passes only its part.
func TestCallViewsAlias(t *testing.T) {
	for kind, b := range callBridges(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			v, err := pyodidebridge.Alloc[float32](ctx, b, "call_buf", 8)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Free(ctx, v)
			if _, err := b.Call(ctx, "call_fill", v, 2.5); err != nil {
				t.Fatal(err)
			}
			for i := range 8 {
				if x, _ := v.At(i); x != 2.5 {
					t.Fatalf("after Python filled the argument, Go reads v[%d] = %v, want 2.5", i, x)
				}
			}
			v.Set(3, 10)
			if got, err := b.Call(ctx, "call_sum", v); err != nil || got != 7*2.5+10 {
				t.Fatalf("call_sum after Go wrote v[3] = %v, %v; want %v", got, err, 7*2.5+10)
			}
			sub, err := v.Sub(2, 4)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Call(ctx, "call_fill", sub, -1); err != nil {
				t.Fatal(err)
			}
			want := []float32{2.5, 2.5, -1, -1, 2.5, 2.5, 2.5, 2.5}
			if got, _ := v.ToSlice(); !reflect.DeepEqual(got, want) {
				t.Fatalf("after Python filled v.Sub(2, 4): %v, want %v", got, want)
			}
			// Other element types and a heap view the bridge does not hold.
			u, err := pyodidebridge.Alloc[int64](ctx, b, "call_buf64", 3)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Call(ctx, "call_fill", u, int64(1)<<60); err != nil {
				t.Fatal(err)
			}
			if x, _ := u.At(2); x != 1<<60 {
				t.Fatalf("int64 view: Go reads %d after Python wrote 1<<60", x)
			}
			raw, err := sabview.FromMemory[int64](b.Memory(), u.ByteOffset(), 3)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Call(ctx, "call_fill", raw, 5); err != nil {
				t.Fatal(err)
			}
			if x, _ := u.At(0); x != 5 {
				t.Fatalf("through an unowned heap view Python wrote %d, want 5", x)
			}
			if err := b.Free(ctx, u); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Call(ctx, "call_fill", u, 1); !errors.Is(err, pyodidebridge.ErrFreed) {
				t.Fatalf("a freed view as argument: %v, want ErrFreed", err)
			}
		})
	}
}

// TestFunc: a handle keeps the callable it resolved, and Free drops it.
func TestFunc(t *testing.T) {
	for kind, b := range callBridges(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			before := pinnedFuncs(t, b)
			fn, err := b.Func(ctx, "call_add")
			if err != nil {
				t.Fatal(err)
			}
			if fn.Name() != "call_add" {
				t.Errorf("Name() = %q", fn.Name())
			}
			if n := pinnedFuncs(t, b); n != before+1 {
				t.Fatalf("%d callables pinned after Func, want %d", n, before+1)
			}
			run(t, b, "_saved_add = call_add\ndef call_add(a, b):\n    return 'rebound'")
			if got, err := fn.Call(ctx, 1, 2); err != nil || got != 3 {
				t.Errorf("Func after rebinding the name: %v, %v; want the original's 3", got, err)
			}
			if got, err := b.Call(ctx, "call_add", 1, 2); err != nil || got != "rebound" {
				t.Errorf("Call after rebinding the name: %v, %v; want the new function's result", got, err)
			}
			run(t, b, "call_add = _saved_add\ndel _saved_add")
			fn.Free()
			fn.Free()
			if _, err := fn.Call(ctx, 1, 2); !errors.Is(err, pyodidebridge.ErrFreed) {
				t.Fatalf("Call after Free: %v, want ErrFreed", err)
			}
			if n := pinnedFuncs(t, b); n != before {
				t.Fatalf("%d callables pinned after Free, want %d", n, before)
			}
			if _, err := b.Func(ctx, "no_such_function"); !errors.Is(err, pyodidebridge.ErrName) {
				t.Fatalf("Func of an unknown name: %v, want ErrName", err)
			}
		})
	}
}

func pinnedFuncs(t *testing.T, b *pyodidebridge.Bridge) int {
	t.Helper()
	// run flushes released handles first, so the count is current.
	run(t, b, "import sabkit_bridge\ncall_pinned = len(sabkit_bridge._funcs)")
	got, err := b.Call(context.Background(), "call_get", "call_pinned")
	if err != nil {
		t.Fatal(err)
	}
	return got.(int)
}

// TestCallCancel: on a worker bridge a canceled call that Python is running
// gets KeyboardInterrupt, one still queued is skipped, and the worker keeps
// serving.
func TestCallCancel(t *testing.T) {
	b := workerBridge(t)
	run(t, b, callPrelude)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.Call(ctx, "call_spin")
	if !errors.Is(err, pyodidebridge.ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("Call of an endless loop under a 300 ms deadline: %v; want ErrCanceled, DeadlineExceeded, interrupted", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the interrupted call took %v", d)
	}
	if got, err := b.Call(context.Background(), "call_get", "call_spun"); err != nil || got != "interrupted" {
		t.Fatalf("Python saw %v (%v), want KeyboardInterrupt", got, err)
	}

	busy := make(chan error, 1)
	go func() { _, err := b.Call(context.Background(), "call_busy", 0.3); busy <- err }()
	// The next call must queue behind the busy one: wait until Go has sent
	// it (on a loaded machine the goroutine may not have run yet).
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if g, _ := pyodidebridge.WorkerPending(b); g > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the busy call was not sent within 5 s")
		}
	}
	qctx, qcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer qcancel()
	if _, err := b.Call(qctx, "call_mark"); !errors.Is(err, pyodidebridge.ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued Call whose context ended: %v, want ErrCanceled", err)
	}
	if err := <-busy; err != nil {
		t.Fatal(err)
	}
	if got, err := b.Call(context.Background(), "call_get", "call_marked"); err != nil || got != false {
		t.Fatalf("call_marked = %v (%v): the canceled call ran anyway", got, err)
	}
	if g, j := pyodidebridge.WorkerPending(b); g != 0 || j != 0 {
		t.Errorf("pending calls: %d in Go, %d in the JavaScript client", g, j)
	}
}

// TestCallChannel: where this thread has Atomics.waitAsync, calls that
// follow a call go over the shared channel, and requests posted in between
// still run in order. The worker spins a moment for the next request and then
// sleeps, and a reply the caller stopped spinning for comes by message,
// so on a loaded machine most calls may go by postMessage: a burst of 11
// calls is repeated, up to five times, until one sends at least one over
// the channel. Every call's result is checked in every burst.
func TestCallChannel(t *testing.T) {
	b := workerBridge(t)
	run(t, b, callPrelude)
	ctx := context.Background()
	hasWaitAsync := js.Global().Get("Atomics").Get("waitAsync").Type() == js.TypeFunction
	for burst := 1; ; burst++ {
		if _, err := b.Call(ctx, "call_echo", 1); err != nil {
			t.Fatal(err)
		}
		before := pyodidebridge.WorkerChannelRequests(b)
		for i := range 10 {
			if got, err := b.Call(ctx, "call_echo", i); err != nil || got != i {
				t.Fatalf("burst %d, call %d: %v, %v", burst, i, got, err)
			}
			if i == 5 {
				run(t, b, fmt.Sprintf("call_between = %d", burst))
			}
		}
		if got, err := b.Call(ctx, "call_get", "call_between"); err != nil || got != burst {
			t.Fatalf("a Run between channel calls: %v, %v; want %d", got, err, burst)
		}
		used := pyodidebridge.WorkerChannelRequests(b) - before
		if !hasWaitAsync {
			if used != 0 {
				t.Fatalf("%d calls used the call channel, which needs Atomics.waitAsync", used)
			}
			t.Skip("no Atomics.waitAsync here: calls go by postMessage")
		}
		if os.Getenv("SABKIT_BROWSER") == "webkit" {
			// WebKit takes milliseconds to deliver a reply to a thread that
			// stopped spinning (TestRequestTimings' floor), longer than the
			// worker spins: its calls go by message, in order all the same.
			t.Logf("burst %d: %d of 11 calls went over the call channel", burst, used)
			return
		}
		if used >= 1 {
			t.Logf("burst %d: %d of 11 calls went over the call channel", burst, used)
			return
		}
		t.Logf("burst %d: only %d of 11 calls went over the call channel", burst, used)
		if burst == 5 {
			t.Fatalf("no burst of 11 calls sent one over the call channel")
		}
	}
}

// TestCallChannelText: strings reach Python and come back unchanged at
// every length: short ones and ones that span several of the chunks the
// call channel copies its UTF-16 code units in (with surrogate pairs and
// JSON escapes at the chunk edges), and ones too long for the channel,
// which go by message. Where calls use the channel, a long one is seen to.
func TestCallChannelText(t *testing.T) {
	b := workerBridge(t)
	run(t, b, callPrelude)
	ctx := context.Background()
	// check echoes s, trying a few times for a turn on the channel.
	check := func(t *testing.T, n int, s string, sawLong *bool) {
		t.Helper()
		for try := 0; ; try++ {
			before := pyodidebridge.WorkerChannelRequests(b)
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			got, err := b.Call(ctx, "call_echo", s)
			cancel()
			if err != nil {
				t.Fatalf("%d runes: %v", n, err)
			}
			if got != s {
				g, _ := got.(string)
				t.Fatalf("%d runes came back as %d runes, differing from rune %d", n, len([]rune(g)), firstDifference([]rune(g), []rune(s)))
			}
			onChannel := pyodidebridge.WorkerChannelRequests(b) > before
			if onChannel && n >= 4096 {
				*sawLong = true
			}
			if onChannel || n > 20000 || try == 10 {
				return
			}
		}
	}
	const piece = "aé\"\\/日本😀\u2028\x00\n\U0010FFFF"
	text := []rune(strings.Repeat(piece, 40000/len([]rune(piece))+1))
	lengths := []int{0, 1, 4095, 4096, 40000}
	for n := 4080; n <= 4100; n++ {
		lengths = append(lengths, n)
	}
	sawLong := false
	for _, n := range lengths {
		check(t, n, string(text[:n]), &sawLong)
	}
	// Around the channel's capacity (32,768 code units for the request or
	// reply as a whole), in ASCII so that every length is met.
	for n := 32768 - 120; n <= 32768; n++ {
		check(t, n, strings.Repeat("a", n), &sawLong)
	}
	hasWaitAsync := js.Global().Get("Atomics").Get("waitAsync").Type() == js.TypeFunction
	if !sawLong && hasWaitAsync && os.Getenv("SABKIT_BROWSER") != "webkit" {
		t.Errorf("no call of 4,096 runes or more went over the call channel")
	}
}

func firstDifference(a, b []rune) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
