//go:build js && wasm

/*
Package sabview gives Go typed views over memory that JavaScript owns: a
SharedArrayBuffer, an ArrayBuffer (or any region of one, or of a typed
array), or a WebAssembly.Memory such as Pyodide's heap.

Go's own heap can never be shared: js/wasm Go has a private, non-shared
linear memory. So the bytes that the UI thread, a worker, Python and the GPU
work on live outside Go, and Go holds a View over them. A View is a (memory,
byte offset, length) triple plus cached typed arrays; it does not own or copy
the bytes.

# What aliases and what copies

	Operation                              Effect    Notes
	NewShared[T](n)                        allocates a new SharedArrayBuffer (zeroed)
	FromBuffer[T](buf, off, n)             aliases   ArrayBuffer, SharedArrayBuffer or typed array region
	FromTypedArray[T](ta)                  aliases   element type must be T's
	FromMemory[T](mem, off, n)             aliases   follows memory growth
	v.Sub(i, j), Cast[U](v)                aliases   same bytes, narrower or retyped
	v.Array(), v.Bytes(), v.Buffer()       aliases   JS objects over the same bytes
	v.At(i), v.Set(i, x)                   aliases   reads/writes the shared element in place
	v.CopyFrom(src []T)                    copies    once, Go → view, in bulk
	v.CopyTo(dst []T), v.ToSlice()         copies    once, view → Go, in bulk
	posting v.Array() to a worker          aliases   only when Shared() (SharedArrayBuffer)

CopyFrom and CopyTo are single bulk copies through a Uint8Array over the
view's bytes (syscall/js CopyBytesToJS / CopyBytesToGo), never a loop of
element accesses. At and Set cross into JavaScript once per call (twice for
64-bit elements, whose BigInt values cannot cross syscall/js and are read as
two uint32 halves), so they suit a few elements, not bulk data.

# Memory growth

A WebAssembly.Memory replaces its buffer when it grows. A non-shared memory
detaches the old buffer (every typed array over it reads as empty); a shared
memory keeps the old SharedArrayBuffer valid but at its old length. A view
made with FromMemory caches the buffer and its typed arrays and re-reads
memory.buffer only when the cached buffer no longer describes the memory:
when the memory's byteLength changed (a shared memory grew) or the cached
buffer was detached (a non-shared one grew). The check is one JavaScript call
that returns a number, so a view over a memory that did not grow allocates
nothing in Go. Sub-views and casts
share the cache, so a growth one of them notices is known to all. Array,
Bytes and Buffer always return objects over the current buffer; element
access (At, Set, CopyFrom, CopyTo) on a shared memory skips the check, since
the old SharedArrayBuffer still covers the view's bytes. Do not keep the
js.Value returned by Array across code that may grow the memory; ask the
view again.

# Threads and ordering

At, Set, CopyFrom and CopyTo are plain (non-atomic) accesses. Memory that
another thread writes concurrently must be coordinated with package atomicsx
(Atomics on an Int32 view, or one of its protocols), or reads may tear.

# Errors

Functions return *Error values (sabkit.Error, the one error type of every
sabkit package), never panic on bad input. Match them with errors.Is
against ErrNotIsolated (SharedArrayBuffer missing: the page lacks the
COOP/COEP headers), ErrMisaligned, ErrOutOfRange, ErrDetached, ErrSource,
ErrElementType and ErrRevoked. Error messages say what to change.
ErrNotIsolated, ErrNotShared, ErrMisaligned, ErrOutOfRange and ErrRevoked
are sabkit's shared kinds: the same values in every package.

# Element types

ElementType is sabkit's one table of element types: for each Element its Go
name, typed-array constructor, size, Python struct format and NumPy kind
(TypeOf for one, ElementTypes for all).
*/
package sabview
