//go:build js && wasm

package pyodidebridge

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"github.com/sabkit/sabkit/sabview"
)

// Call calls the Python callable that name refers to and returns its result.
// name is a global of __main__ or a builtin ("f", "len"), optionally followed
// by attributes ("obj.method"), or an attribute of a module ("math.hypot",
// "pkg.sub.fn"; the module is imported on first use). The name is looked up
// on every call, so rebinding it in Python takes effect at once; Func looks
// it up once.
//
// Nothing is parsed: the call is one call into the bridge's helper module
// (on a LoadWorker bridge, one request to the worker). Arguments may be
//
//	nil                       → None
//	bool                      → bool
//	int, int8 … int64, uint … uint64 → int (exact, whatever the size)
//	float32, float64          → float
//	string                    → str
//	[]byte                    → bytes (a copy)
//	*sabview.View[T] in Pyodide's heap (Alloc, ViewOf, CopyIn, Subs of them)
//	                          → an ndarray (NumPy) or memoryview of T's format,
//	                            one dimension, aliasing the view's bytes
//
// and the result, converted back, is nil (None), bool, int, float64,
// string or []byte (bytes, bytearray or a memoryview, copied); NumPy scalars
// arrive as their Python value. Arrays travel through views: Python writes
// into a view argument, or into memory from Alloc, and Go reads it in place.
//
// Errors: a name that does not resolve is ErrName naming what is missing;
// an argument or result of another type is ErrType saying which types work;
// a Python exception is ErrPython wrapping a *PythonError. Cancellation is
// as for Run: on a LoadWorker bridge a call the worker has not started is
// skipped and a running one gets KeyboardInterrupt; a dead worker is
// ErrWorkerDead.
func (b *Bridge) Call(ctx context.Context, name string, args ...any) (any, error) {
	const op = "Call"
	if err := checkDotted(op, name); err != nil {
		return nil, err
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	var enc encoder
	if err := enc.args(op, b, args); err != nil {
		return nil, err
	}
	r, err := b.py.request(ctx, op, "call", append([]any{name, enc.tags.String()}, enc.flat...)...)
	if err != nil {
		return nil, err
	}
	return decodeResult(op, name, r)
}

// Func is a Python callable looked up once by Bridge.Func and kept alive
// until Free, so each call skips the lookup. Its methods may be called
// from several goroutines.
type Func struct {
	b      *Bridge
	name   string
	handle int

	mu       sync.Mutex
	released bool
}

// Func looks name up as Call does and returns a handle to the callable it
// refers to at this moment (rebinding the name later does not change it).
func (b *Bridge) Func(ctx context.Context, name string) (*Func, error) {
	const op = "Func"
	if err := checkDotted(op, name); err != nil {
		return nil, err
	}
	if err := b.begin(ctx, op); err != nil {
		return nil, err
	}
	r, err := b.py.request(ctx, op, "resolve", name)
	if completed(err) && r.Type() == js.TypeNumber {
		// Nobody will Free it: let Python drop it with the next request.
		b.mu.Lock()
		b.unpinned = append(b.unpinned, r.Int())
		b.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	if r.Type() == js.TypeString {
		return nil, errorf(op, ErrName, "define it in __main__ (Run) or name an importable module's attribute", "%s", r.String())
	}
	handle := r.Int()
	b.mu.Lock()
	b.funcs[handle] = true
	b.mu.Unlock()
	return &Func{b: b, name: name, handle: handle}, nil
}

// Name returns the name the callable was looked up by.
func (f *Func) Name() string { return f.name }

// Call calls the callable with args, converted as for Bridge.Call.
func (f *Func) Call(ctx context.Context, args ...any) (any, error) {
	const op = "Func.Call"
	f.mu.Lock()
	released := f.released
	f.mu.Unlock()
	if released {
		return nil, errorf(op, ErrFreed, "get a new handle with Bridge.Func", "%s was released", f.name)
	}
	if err := f.b.begin(ctx, op); err != nil {
		return nil, err
	}
	var enc encoder
	if err := enc.args(op, f.b, args); err != nil {
		return nil, err
	}
	r, err := f.b.py.request(ctx, op, "call", append([]any{f.handle, enc.tags.String()}, enc.flat...)...)
	if err != nil {
		return nil, err
	}
	return decodeResult(op, f.name, r)
}

// Free lets Python drop the callable; later calls return ErrFreed.
// Freeing twice is a no-op. On a LoadWorker bridge the worker hears of it
// with the bridge's next call, so Free never waits.
func (f *Func) Free() {
	f.mu.Lock()
	released := f.released
	f.released = true
	f.mu.Unlock()
	if released {
		return
	}
	b := f.b
	b.mu.Lock()
	delete(b.funcs, f.handle)
	closed := b.closed
	if !closed {
		b.unpinned = append(b.unpinned, f.handle)
	}
	b.mu.Unlock()
	if _, inWorker := b.py.(*workerThread); !inWorker && !closed {
		b.flushUnpinned(context.Background())
	}
}

// flushUnpinned tells Python about released Funcs.
func (b *Bridge) flushUnpinned(ctx context.Context) error {
	b.mu.Lock()
	handles := b.unpinned
	b.unpinned = nil
	b.mu.Unlock()
	if len(handles) == 0 {
		return nil
	}
	if _, err := b.py.request(ctx, "Func.Free", "unpin", anys(handles)...); settled(err) != nil {
		b.mu.Lock()
		b.unpinned = append(b.unpinned, handles...)
		b.mu.Unlock()
		return err
	}
	return nil
}

// checkDotted accepts dotted Python names: identifiers joined by dots.
func checkDotted(op, name string) error {
	const fix = "name a callable as in Python: identifiers joined by dots, such as \"math.hypot\" or \"obj.method\""
	if name == "" {
		return errorf(op, ErrName, fix, "empty name")
	}
	for _, part := range strings.Split(name, ".") {
		if msg := identifierProblem(part); msg != "" {
			return errorf(op, ErrName, fix, "%q: %s", name, msg)
		}
	}
	return nil
}

// Argument tags, one per argument; the Python helper decodes them.
const (
	tagNone     = 'n'
	tagBool     = '?'
	tagInt      = 'i' // a JavaScript number holding an exact integer
	tagBigInt   = 'I' // decimal text, beyond 2**53
	tagFloat    = 'f'
	tagFloatStr = 'g' // decimal text: -0.0, whose sign a JavaScript number loses on the way
	tagStr      = 's'
	tagBytes    = 'y' // a Uint8Array (copied into Python bytes)
	tagView     = 'v' // handle, offset, nbytes, format, ndim, shape...
)

const maxExactInt = 1 << 53

// encoder turns Go arguments into tags and flat JavaScript-ready values.
type encoder struct {
	tags strings.Builder
	flat []any
}

func (e *encoder) add(tag byte, v ...any) {
	e.tags.WriteByte(tag)
	e.flat = append(e.flat, v...)
}

func (e *encoder) int64(x int64) {
	if x > -maxExactInt && x < maxExactInt {
		e.add(tagInt, int(x))
		return
	}
	e.add(tagBigInt, strconv.FormatInt(x, 10))
}

func (e *encoder) args(op string, b *Bridge, args []any) error {
	e.flat = make([]any, 0, len(args)+2)
	for i, a := range args {
		var err error
		switch x := a.(type) {
		case nil:
			e.tags.WriteByte(tagNone)
		case bool:
			e.add(tagBool, x)
		case int:
			e.int64(int64(x))
		case int8:
			e.int64(int64(x))
		case int16:
			e.int64(int64(x))
		case int32:
			e.int64(int64(x))
		case int64:
			e.int64(x)
		case uint8:
			e.int64(int64(x))
		case uint16:
			e.int64(int64(x))
		case uint32:
			e.int64(int64(x))
		case uint:
			e.uint64(uint64(x))
		case uint64:
			e.uint64(x)
		case float32:
			e.float(float64(x))
		case float64:
			e.float(x)
		case string:
			e.add(tagStr, x)
		case []byte:
			u8 := js.Global().Get("Uint8Array").New(len(x))
			js.CopyBytesToJS(u8, x)
			e.add(tagBytes, u8)
		case *sabview.View[int8]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[uint8]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[int16]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[uint16]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[int32]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[uint32]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[int64]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[uint64]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[float32]:
			err = viewArg(e, op, b, i, x)
		case *sabview.View[float64]:
			err = viewArg(e, op, b, i, x)
		default:
			return errorf(op, ErrType,
				"pass nil, bool, an integer or float type, string, []byte, or a *sabview.View of a built-in element type "+
					"in Pyodide's heap (Alloc, ViewOf, CopyIn; sabview.Cast a view of a named element type)",
				"argument %d is a %T", i, a)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) uint64(x uint64) {
	if x < maxExactInt {
		e.add(tagInt, int(x))
		return
	}
	e.add(tagBigInt, strconv.FormatUint(x, 10))
}

func (e *encoder) float(x float64) {
	if x == 0 && math.Signbit(x) {
		e.add(tagFloatStr, "-0.0")
		return
	}
	e.add(tagFloat, x)
}

// viewArg passes a heap view as (handle, offset, nbytes, format, 1, len):
// Python builds an array over the same bytes, holding the entry's owner
// when the bridge holds the memory.
func viewArg[T sabview.Element](e *encoder, op string, b *Bridge, i int, v *sabview.View[T]) error {
	handle, offset, err := b.heapRef(op, v, v.ByteOffset(), leaseOf(v))
	if err != nil {
		if be, ok := err.(*Error); ok {
			be.Detail = "argument " + strconv.Itoa(i) + ": " + be.Detail
		}
		return err
	}
	e.add(tagView, handle, offset, v.ByteLength(), dtypeOf[T]().Format, 1, v.Len())
	return nil
}

// heapRef checks that a view lies in this bridge's heap and returns where
// Python finds its bytes: an entry handle and the offset in it, or handle 0
// and the address for heap views the bridge does not hold.
func (b *Bridge) heapRef(op string, v interface {
	Memory() js.Value
	String() string
}, addr int, lease *sabview.Lease) (handle, offset int, err error) {
	if mem := v.Memory(); mem.IsUndefined() || !mem.Equal(b.mem) {
		return 0, 0, errorf(op, ErrOutsideHeap,
			"copy it in with pyodidebridge.CopyIn (one copy), or allocate it in Pyodide's heap with Alloc and write there",
			"%v is not in this Pyodide's heap", v)
	}
	if lease != nil && lease.Revoked() {
		return 0, 0, errorf(op, ErrFreed, "pass a live view", "%v was freed", v)
	}
	if e, ok := b.entryOf(lease); ok {
		return e.handle, addr - e.addr, nil
	}
	return 0, addr, nil
}

// decodeResult converts the helper's encoded result: a string whose first
// byte is its type, or the bytes of a bytes-like result.
func decodeResult(op, name string, r js.Value) (any, error) {
	if r.Type() != js.TypeString {
		if r.Type() != js.TypeObject {
			return nil, errorf(op, ErrWorker, "keep the bridge's helper module and worker.js from the same sabkit", "%s returned an undecodable %s", name, r.Type())
		}
		u8 := r
		if !js.Global().Get("ArrayBuffer").Get("isView").Invoke(r).Bool() {
			u8 = js.Global().Get("Uint8Array").New(r)
		}
		out := make([]byte, u8.Get("byteLength").Int())
		js.CopyBytesToGo(out, u8)
		return out, nil
	}
	s := r.String()
	if s == "" {
		return nil, errorf(op, ErrWorker, "keep the bridge's helper module and worker.js from the same sabkit", "%s returned an empty encoding", name)
	}
	body := s[1:]
	switch s[0] {
	case 'n':
		return nil, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'i':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return nil, errorf(op, ErrType, "return ints that fit in int64, or str(n) for larger ones",
				"%s returned the int %s, beyond int64", name, body)
		}
		return int(n), nil
	case 'd':
		x, err := strconv.ParseFloat(body, 64)
		if err != nil {
			return nil, errorf(op, ErrWorker, "keep the bridge's helper module from the same sabkit", "%s returned the float %q", name, body)
		}
		return x, nil
	case 's':
		return body, nil
	case '!':
		return nil, errorf(op, ErrName, "define it in __main__ (Run) or name an importable module's attribute", "%s", body)
	case '?':
		return nil, errorf(op, ErrType,
			"return None, bool, int, float, str or bytes; hand arrays over through a view argument or Alloc",
			"%s returned a %s", name, body)
	}
	return nil, errorf(op, ErrWorker, "keep the bridge's helper module from the same sabkit", "%s returned the encoding %q", name, s)
}
