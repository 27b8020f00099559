// Types for sabkit.mjs: Python in a worker on a shared heap, for a page's
// own JavaScript.

export type DType = "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64" | "int64" | "uint64";
export type HeapArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array |
  Float32Array | Float64Array | BigInt64Array | BigUint64Array;
export type CallArg = number | string | boolean | null | undefined | HeapArray;

export interface StartOptions {
  /** The folder that serves Pyodide (pyodide.mjs, pyodide.asm.wasm), relative to the page. */
  indexURL: string;
  /** Aborting it stops the boot; AbortSignal.timeout(ms) bounds it. */
  signal?: AbortSignal;
  /** Python's stdout and stderr. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

export interface CallOptions {
  /**
   * Aborting it skips a request the worker has not started and interrupts
   * Python (KeyboardInterrupt) in run and call; other requests the worker
   * started run to their end. A Python that does not stop within a second
   * is left running and the call rejects with CanceledError.
   */
  signal?: AbortSignal;
}

export declare class SabkitError extends Error {}
/** The signal was aborted: the request was skipped, or Python was interrupted. */
export declare class CanceledError extends SabkitError {}
/** The worker died (a trap in C code, js.close(), a crash); every later call fails too. */
export declare class WorkerDeadError extends SabkitError {}
/** close() ended the worker. */
export declare class ClosedError extends SabkitError {}
/** The page is not cross-origin isolated; the message names the headers. */
export declare class NotIsolatedError extends SabkitError {}
/** The Pyodide at indexURL lacks what the shared heap needs; the message names what is missing. */
export declare class VersionError extends SabkitError {}
/** Python raised; pythonType is the exception class. */
export declare class PythonError extends SabkitError {
  pythonType: string;
  traceback: string;
}

export interface Python {
  /** The worker's heap, a shared WebAssembly.Memory. */
  readonly memory: WebAssembly.Memory;
  /** Pyodide's version. */
  readonly version: string;
  /** Runs the user's Python source; resolves to its value (JSON-able values as themselves, others as repr). Copies. */
  run(code: string, options?: CallOptions): Promise<unknown>;
  /** Allocates an array in Python's heap bound to name; the typed array aliases it. */
  alloc(name: string, dtype: DType, shape: number | number[], options?: CallOptions): Promise<HeapArray>;
  /** A typed array over the buffer Python bound to name, pinned until free. Aliases. */
  view(name: string, options?: CallOptions): Promise<HeapArray>;
  /** Releases an array from alloc or view. */
  free(array: HeapArray, options?: CallOptions): Promise<void>;
  /** Calls a Python callable by dotted name; heap arrays alias, other arguments are values. Last argument may be {signal}. */
  call(name: string, ...args: (CallArg | CallOptions)[]): Promise<number | string | boolean | null>;
  /** An Int32Array region for frames of up to frameBytes; Python's name is a sabkit_atomics.FrameWriter. Aliases. */
  allocFrames(name: string, frameBytes: number, options?: CallOptions): Promise<Int32Array>;
  /** A Seqlock region for values of up to maxBytes (sabkit_atomics.Seqlock in Python). Aliases. */
  allocSeqlock(name: string, maxBytes: number, options?: CallOptions): Promise<Int32Array>;
  /** A Ring region of capacity elements of bytesPerElement (sabkit_atomics.Ring in Python). Aliases. */
  allocRing(name: string, capacity: number, bytesPerElement: number, options?: CallOptions): Promise<Int32Array>;
  /** An unlocked Mutex word (sabkit_atomics.Mutex in Python). Aliases. */
  allocMutex(name: string, options?: CallOptions): Promise<Int32Array>;
  /** Ends the worker (detaches from an attached Pyodide); pending and later calls fail with ClosedError. */
  close(): Promise<void>;
}

/**
 * The same API over a Pyodide the page booted on its own thread (loadPyodide).
 * An abort skips a request that has not started; close() detaches and leaves
 * Pyodide running. On a heap that is not shared, growth detaches earlier arrays.
 */
export declare function attach(pyodide: object, options?: CallOptions): Promise<Python>;
/** Boots Pyodide in a worker on a shared heap (needs cross-origin isolation). */
export declare function startWorker(options: StartOptions): Promise<Python>;
