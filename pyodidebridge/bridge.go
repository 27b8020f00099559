//go:build js && wasm

package pyodidebridge

import (
	"context"
	_ "embed"
	"errors"
	"sync"
	"syscall/js"

	"github.com/sabkit/sabkit/internal/jsinterop"
	"github.com/sabkit/sabkit/sabview"
)

// helperSource is the Python half of the bridge, installed into Pyodide's
// file system as /sabkit/sabkit_bridge.py on Attach.
//
//go:embed assets/sabkit_bridge.py
var helperSource string

// atomicsSource is the Python implementation of the atomicsx protocols
// (Mutex, Seqlock, FrameWriter, FrameReader, Ring over heap addresses),
// installed as the module sabkit_atomics by Attach, Load and LoadWorker.
//
//go:embed assets/sabkit_atomics.py
var atomicsSource string

const (
	helperDir     = "/sabkit"
	helperModule  = "sabkit_bridge"
	atomicsModule = "sabkit_atomics"
)

// helperModules are installed into helperDir, which goes on sys.path.
var helperModules = []struct{ name, source string }{
	{helperModule, helperSource},
	{atomicsModule, atomicsSource},
}

// Bridge connects Go (and JavaScript) to one Pyodide instance running on
// this thread. Arrays it allocates live in Pyodide's heap, where Go views
// (package sabview) and Python names see the same bytes.
//
// Its methods may be called from several goroutines; calls into Python are
// served one at a time, in order.
type Bridge struct {
	api     js.Value // the Pyodide API object
	mem     js.Value // Pyodide's heap
	version string
	py      interpreter

	mu       sync.Mutex
	entries  map[*sabview.Lease]*entry
	shares   map[shareKey]int // prepared bindings, so a repeated Share is one cheap call
	orphans  []int            // handles whose release was canceled, released by the next call
	funcs    map[int]bool     // live Func handles
	unpinned []int            // released Func handles Python has not heard of yet
	closed   bool
	dead     *Error // why the worker died (LoadWorker only)
}

// shareKey identifies a Share call's arguments; shapes of up to four
// dimensions are cached.
type shareKey struct {
	name      string
	lease     *sabview.Lease // nil for a view the bridge does not hold
	offset, n int            // offset in the entry (address without lease), bytes
	format    string
	ndim      int
	shape     [maxCachedDims]int
}

const (
	maxCachedDims   = 4
	maxCachedShares = 256
)

// entry is memory the bridge keeps alive for Go views: an allocation made by
// Alloc or CopyIn, or a Python buffer pinned by ViewOf.
type entry struct {
	handle int    // key of the Python-side record
	addr   int    // byte address in the heap
	nbytes int    //
	shape  []int  //
	name   string // global bound by Alloc; "" when the object belongs to Python code
	lease  *sabview.Lease
}

// interpreter is the bridge's whole conversation with Python: the
// requests of the helper module (REQUESTS in sabkit_bridge.py: alloc,
// export, prepare, rebind, forget, release, numpy, resolve, unpin, call,
// region) with numbers and strings as arguments, plus the user's own code
// (run) and loadPackage. Only run parses source. The same-thread
// implementation calls the helper's functions through PyProxies; the
// worker implementation sends each as one request to worker.js.
type interpreter interface {
	// request runs the helper's function req; op names the Go function for
	// errors.
	request(ctx context.Context, op, req string, args ...any) (js.Value, error)
	run(ctx context.Context, code string) error
	loadPackages(ctx context.Context, packages []string) error
	close()
}

// completed reports whether err says a request ran to completion after its
// context ended (LoadWorker only): its effects must be kept or rolled back.
func completed(err error) bool {
	var r *ranToEnd
	return errors.As(err, &r)
}

// settled treats a bookkeeping request that ran to completion after its
// context ended as done: its effect needs nobody to receive it.
func settled(err error) error {
	if completed(err) {
		return nil
	}
	return err
}

// release drops the helper's entry handle.
func (b *Bridge) release(ctx context.Context, handle int) error {
	_, err := b.py.request(ctx, "Free", "release", handle)
	return settled(err)
}

// Attach connects to a Pyodide instance the page already loaded (the value
// loadPyodide resolved to). It installs the bridge's helper module into
// Pyodide's file system and binds its functions once.
//
// It works with the releases TestedPyodide lists and with any other that has
// the features the bridge detects; one that lacks a
// feature fails with ErrVersion naming it. On 0.27 to 0.29, which keep
// their WebAssembly.Memory private, Memory() of an attached bridge is a
// stand-in that follows the heap's buffer (views work; it cannot be grown
// or posted); Load with SharedHeap finds the real one.
func Attach(pyodide js.Value) (*Bridge, error) {
	return attach("Attach", pyodide, js.Undefined())
}

// attach is Attach with the heap's Memory when the caller knows it
// (undefined: found by heapMemory).
func attach(op string, pyodide, mem js.Value) (*Bridge, error) {
	if err := checkPyodide(op, pyodide); err != nil {
		return nil, err
	}
	version := pyodide.Get("version").String()
	if mem.IsUndefined() {
		var err error
		if mem, err = heapMemory(op, pyodide); err != nil {
			return nil, err
		}
	}
	py, err := newSameThread(op, pyodide)
	if err != nil {
		return nil, err
	}
	return &Bridge{api: pyodide, mem: mem, version: version, py: py, entries: map[*sabview.Lease]*entry{}, shares: map[shareKey]int{}, funcs: map[int]bool{}}, nil
}

func checkPyodide(op string, v js.Value) error {
	const fix = "pass the object that loadPyodide() resolves to (not the loadPyodide function, nor a promise)"
	if v.Type() != js.TypeObject {
		return errorf(op, ErrNotPyodide, fix, "got %s", jsinterop.Describe(v))
	}
	if v.Get("then").Type() == js.TypeFunction {
		return errorf(op, ErrNotPyodide, "await the promise (loadPyodide() is async) and pass its value",
			"got %s (a thenable)", jsinterop.Describe(v))
	}
	for _, want := range []struct{ name, typ string }{
		{"version", "string"}, {"runPythonAsync", "function"}, {"pyimport", "function"},
		{"FS", "object"}, {"_module", "object"},
	} {
		if got := jsinterop.TypeOf(v.Get(want.name)); got != want.typ {
			return errorf(op, ErrNotPyodide, fix, "property %q is %s, want %s", want.name, got, want.typ)
		}
	}
	return nil
}

// Pyodide returns the Pyodide API object (undefined for a nil Bridge).
func (b *Bridge) Pyodide() js.Value {
	if b == nil {
		return js.Undefined()
	}
	return b.api
}

// Memory returns the WebAssembly.Memory that holds Pyodide's heap; views
// from Alloc, ViewOf and CopyIn are views of it.
func (b *Bridge) Memory() js.Value {
	if b == nil {
		return js.Undefined()
	}
	return b.mem
}

// Version returns the Pyodide version string.
func (b *Bridge) Version() string {
	if b == nil {
		return ""
	}
	return b.version
}

// Run runs Python code in the global namespace (pyodide.globals) and waits
// for it, including top-level await. A Python exception becomes an error of
// kind ErrPython wrapping a *PythonError with the exception's type, message
// and traceback.
//
// When ctx ends first, Run returns an ErrCanceled error that also matches
// ctx.Err() with errors.Is. On a LoadWorker bridge the running code gets
// KeyboardInterrupt (through Pyodide's interrupt buffer) and the worker is
// ready for the next call; code blocked outside the interpreter (in C, or
// in Atomics.wait) does not see it, and after a second Run gives up on it,
// saying so. On the same-thread bridge Python cannot be interrupted: it
// holds this thread while it runs, and code that awaits carries on when it
// resumes.
//
// Run parses code on every call (tens of microseconds): keep it off paths
// that hand data over, which are Alloc, Share and the views themselves.
func (b *Bridge) Run(ctx context.Context, code string) error {
	if err := b.begin(ctx, "Run"); err != nil {
		return err
	}
	return b.py.run(ctx, code)
}

// LoadPackage loads Pyodide packages (names in Pyodide's lock file, or URLs
// and paths of wheels, whose .so files Pyodide links into its heap: on a
// shared heap they are made to import it shared as they load) and lets
// arrays handed over afterwards become NumPy arrays if NumPy is now
// importable. A package that did not load is an ErrLoad error naming it,
// the URL and the server's answer (404, refused by the browser) or the
// install error (not a wheel, a module that does not link).
func (b *Bridge) LoadPackage(ctx context.Context, packages ...string) error {
	const op = "LoadPackage"
	if err := b.begin(ctx, op); err != nil {
		return err
	}
	if err := b.py.loadPackages(ctx, packages); err != nil {
		return err
	}
	_, err := b.numpy(ctx, op)
	return err
}

// NumPy reports whether NumPy can be imported in this Pyodide, that is
// whether Alloc binds ndarrays (true) or memoryviews (false).
func (b *Bridge) NumPy(ctx context.Context) (bool, error) {
	if err := b.begin(ctx, "NumPy"); err != nil {
		return false, err
	}
	return b.numpy(ctx, "NumPy")
}

func (b *Bridge) numpy(ctx context.Context, op string) (bool, error) {
	v, err := b.py.request(ctx, op, "numpy")
	if err = settled(err); err != nil {
		return false, err
	}
	return v.Bool(), nil
}

// Close revokes every view the bridge made (they report sabview.ErrRevoked
// wrapping ErrClosed) and ends the bridge; closing twice is a no-op.
//
// On a LoadWorker bridge it terminates the worker at once, whatever Python
// is doing, without a round trip per view: it never waits for Python, and
// pending calls fail with ErrClosed. The worker's heap is freed once nothing
// refers to it: drop the Bridge and its views too. On the same-thread bridge it releases
// each Python-side entry (one synchronous call each) and the helper
// functions; Pyodide itself keeps running.
func (b *Bridge) Close() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	entries, shares, funcs := b.entries, b.shares, b.funcs
	b.entries, b.shares, b.orphans = map[*sabview.Lease]*entry{}, map[shareKey]int{}, nil
	b.funcs, b.unpinned = map[int]bool{}, nil
	b.mu.Unlock()
	revoked := &Error{Package: "pyodidebridge", Op: "Close", Kind: ErrClosed, Detail: "the bridge that owned this memory was closed"}
	for lease := range entries {
		lease.Revoke(revoked)
	}
	var first error
	if _, inWorker := b.py.(*workerThread); !inWorker {
		ctx := context.Background()
		for _, e := range entries {
			if err := b.release(ctx, e.handle); err != nil && first == nil {
				first = err
			}
		}
		for _, binding := range shares {
			b.py.request(ctx, "Close", "forget", binding)
		}
		if len(funcs) > 0 {
			handles := make([]any, 0, len(funcs))
			for h := range funcs {
				handles = append(handles, h)
			}
			b.py.request(ctx, "Close", "unpin", handles...)
		}
	}
	b.py.close()
	return first
}

// begin checks that the bridge can take a call for op and that ctx has not
// ended, and releases entries whose Free was canceled.
func (b *Bridge) begin(ctx context.Context, op string) error {
	if err := b.usable(op); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &Error{Package: "pyodidebridge", Op: op, Kind: ErrCanceled, Detail: "the context had ended before the call", Err: err}
	}
	b.mu.Lock()
	orphans := b.orphans
	b.orphans = nil
	b.mu.Unlock()
	for i, h := range orphans {
		if err := b.release(ctx, h); err != nil {
			b.mu.Lock()
			b.orphans = append(b.orphans, orphans[i:]...)
			b.mu.Unlock()
			return err
		}
	}
	return b.flushUnpinned(ctx)
}

func (b *Bridge) usable(op string) error {
	if b == nil {
		return errorf(op, ErrClosed, "create a Bridge with Attach or Load", "nil *Bridge")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errorf(op, ErrClosed, "attach a new Bridge", "the bridge was closed")
	}
	if b.dead != nil {
		e := *b.dead
		e.Op = op
		return &e
	}
	return nil
}

// addEntry remembers memory the bridge holds for a view.
func (b *Bridge) addEntry(e *entry) {
	b.mu.Lock()
	b.entries[e.lease] = e
	b.mu.Unlock()
}

// takeEntry forgets and returns the entry of lease, and drops the prepared
// bindings over it (the helper drops its side in release).
func (b *Bridge) takeEntry(lease *sabview.Lease) (*entry, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[lease]
	if !ok || lease == nil {
		return nil, false
	}
	delete(b.entries, lease)
	for k := range b.shares {
		if k.lease == lease {
			delete(b.shares, k)
		}
	}
	return e, true
}

func (b *Bridge) entryOf(lease *sabview.Lease) (*entry, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[lease]
	return e, ok
}
