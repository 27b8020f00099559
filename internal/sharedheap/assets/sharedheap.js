// sharedheap.js: shared-heap Pyodide for sabkit.
//
// A plain script (no imports, no exports syntax) for a <script> tag, for
// importScripts in a worker, and for Node (require, vm, or eval). It defines
// one global, globalThis.sabkitSharedHeap (also module.exports under
// CommonJS):
//
//   shareMemory(bytes, {maxPages}) -> Uint8Array
//       The wasm module with every memory, defined or imported, made shared;
//       the JavaScript twin of sabkit's internal/wasmrewrite (same test
//       vectors). Throws a ShareError (kind "malformed" or "unsupported",
//       offset, section) instead of returning a broken module.
//   rewrite(bytes, {maxPages}) -> {module, changed, memories}
//   install(options) / uninstall() / stats()
//       Hooks WebAssembly.Module, compile, instantiate, compileStreaming and
//       instantiateStreaming so modules that define or import memory are
//       compiled shared, and (in browsers) shims TextDecoder.decode,
//       Crypto.getRandomValues, TextEncoder.encodeInto and the Blob, File
//       and Response constructors for views on shared memory. Run it in the Pyodide thread before Pyodide loads.
//   loadPyodide(options) -> Promise<{pyodide, memory, memoryProperty}>
//       install + loadPyodide + a check that the heap is a
//       SharedArrayBuffer.
//       With shared: false, the same loader boots stock Pyodide (no hooks,
//       no isolation needed) and memory is null.
//   installHelpers(pyodide, {dir, main, modules: {name: source}}) -> {op: fn}
//       Writes Python modules into dir, puts dir on sys.path, imports them
//       and returns the functions that module main lists in REQUESTS, as
//       PyProxies: the bridge's requests (worker.js describes them).
//   loadPackages(pyodide, names[, baseURL]) -> Promise
//       pyodide.loadPackage, but a package that did not load rejects with a
//       PackageLoadError naming it, the URL and the server's answer or the
//       install error, and the fix.
//
// The worker protocol, client and server, is worker.js.
"use strict";
(function (root) {
  const VERSION = "2";
  if (root.sabkitSharedHeap && root.sabkitSharedHeap.scriptVersion === VERSION) {
    if (typeof module === "object" && module && module.exports) module.exports = root.sabkitSharedHeap;
    return;
  }

  // ---- The rewriter: a port of internal/wasmrewrite (parse.go, share.go). ----

  const MAX_PAGES_32 = 65536;
  const LIMITS_HAS_MAX = 0x01;
  const LIMITS_SHARED = 0x02;
  const LIMITS_64 = 0x04;
  const LIMITS_PAGE = 0x08;
  const SEC_CUSTOM = 0;
  const SEC_IMPORT = 2;
  const SEC_MEMORY = 5;
  const SECTION_NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export",
    "start", "element", "code", "data", "data count", "tag"];
  // Position a non-custom section must take: tag (13) and data count (12)
  // sit between lower ids.
  const SECTION_RANK = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

  class ShareError extends Error {
    constructor(offset, section, reason, kind) {
      const where = section === "header" ? "module header" : section + " section";
      super("sabkitSharedHeap: " + where + " at offset 0x" + offset.toString(16) + ": " + reason);
      this.name = "ShareError";
      this.offset = offset;
      this.section = section;
      this.reason = reason;
      this.kind = kind; // "malformed" or "unsupported"
    }
  }

  const hex2 = (c) => "0x" + (c < 16 ? "0" : "") + c.toString(16);
  const hexBytes = (b) => Array.from(b, (c) => (c < 16 ? "0" : "") + c.toString(16)).join(" ");

  let fatalDecoder = null;
  function validUTF8(bytes) {
    // TextDecoder's fatal mode rejects what Go's utf8.Valid rejects
    // (overlongs, surrogates, code points past U+10FFFF).
    if (!fatalDecoder) fatalDecoder = new TextDecoder("utf-8", { fatal: true });
    try {
      fatalDecoder.decode(bytes.slice()); // slice: a private copy, never a shared view
      return true;
    } catch (e) {
      return false;
    }
  }

  class Reader {
    constructor(b, pos, end, section) {
      this.b = b;
      this.pos = pos;
      this.end = end;
      this.section = section;
      this.entry = 0; // 1 + index of the import being decoded
    }
    err(kind, off, reason) {
      if (this.entry > 0) reason += " in import " + (this.entry - 1);
      return new ShareError(off, this.section, reason, kind);
    }
    byte(what) {
      if (this.pos >= this.end) throw this.err("malformed", this.pos, "truncated " + what);
      return this.b[this.pos++];
    }
    // An unsigned LEB128 of at most 32 bits in at most 5 bytes.
    u32(what) {
      const start = this.pos;
      let v = 0;
      for (let i = 0; ; i++) {
        if (this.pos >= this.end) throw this.err("malformed", start, "truncated " + what + ": LEB128 runs past end");
        const c = this.b[this.pos++];
        if (i === 4) {
          if (c & 0x80) throw this.err("malformed", start, what + ": LEB128 longer than 5 bytes");
          if (c & 0x70) throw this.err("malformed", start, what + ": LEB128 value overflows 32 bits");
          return v + c * 2 ** 28;
        }
        v += (c & 0x7f) * 2 ** (7 * i);
        if (!(c & 0x80)) return v;
      }
    }
    skipU64(what) {
      const start = this.pos;
      for (let i = 0; ; i++) {
        if (this.pos >= this.end) throw this.err("malformed", start, "truncated " + what + ": LEB128 runs past end");
        const c = this.b[this.pos++];
        if (i === 9) {
          if (c & 0x80) throw this.err("malformed", start, what + ": LEB128 longer than 10 bytes");
          if (c & 0x7e) throw this.err("malformed", start, what + ": LEB128 value overflows 64 bits");
          return;
        }
        if (!(c & 0x80)) return;
      }
    }
    // A signed LEB128 of at most 33 bits (heap types).
    s33(what) {
      const start = this.pos;
      let v = 0;
      for (let i = 0; ; i++) {
        if (this.pos >= this.end) throw this.err("malformed", start, "truncated " + what + ": LEB128 runs past end");
        const c = this.b[this.pos++];
        if (i === 4) {
          if (c & 0x80) throw this.err("malformed", start, what + ": LEB128 longer than 5 bytes");
          const hi = c & 0x70;
          if (hi !== 0 && hi !== 0x70) throw this.err("malformed", start, what + ": LEB128 value overflows 33 bits");
          v += (c & 0x7f) * 2 ** 28;
          return v >= 2 ** 34 ? v - 2 ** 35 : v;
        }
        v += (c & 0x7f) * 2 ** (7 * i);
        if (!(c & 0x80)) {
          const bits = 7 * (i + 1);
          return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
        }
      }
    }
    name(what, lengthWhat) {
      const start = this.pos;
      const n = this.u32(lengthWhat);
      const left = this.end - this.pos;
      if (n > left) throw this.err("malformed", start, what + " length " + n + " runs past end of section (" + left + " bytes left)");
      if (!validUTF8(this.b.subarray(this.pos, this.pos + n))) throw this.err("malformed", this.pos, what + " is not valid UTF-8");
      this.pos += n;
    }
    refType(what) {
      const off = this.pos;
      const c = this.byte(what);
      if (heapTypeShort(c)) return;
      if (c === 0x63 || c === 0x64) { // (ref null ht), (ref ht)
        const hoff = this.pos;
        if (this.pos < this.end && (this.b[this.pos] & 0xc0) === 0x40) {
          if (!heapTypeShort(this.b[this.pos])) throw this.err("unsupported", hoff, "unsupported heap type " + hex2(this.b[this.pos]) + " in " + what);
          this.pos++;
          return;
        }
        const v = this.s33(what + " heap type");
        if (v < 0) throw this.err("unsupported", hoff, "unsupported heap type " + v + " in " + what);
        return;
      }
      throw this.err("unsupported", off, "unsupported " + what + " " + hex2(c));
    }
    valType(what) {
      if (this.pos < this.end && this.b[this.pos] >= 0x7b && this.b[this.pos] <= 0x7f) { // i32 i64 f32 f64 v128
        this.pos++;
        return;
      }
      this.refType(what);
    }
    tableLimits() {
      const off = this.pos;
      const flags = this.byte("table limits");
      if (flags & ~(LIMITS_HAS_MAX | LIMITS_64)) throw this.err("unsupported", off, "unsupported table limits flags " + hex2(flags));
      const skip = (what) => (flags & LIMITS_64 ? this.skipU64(what) : this.u32(what));
      skip("table min");
      if (flags & LIMITS_HAS_MAX) skip("table max");
    }
    memLimits(d) {
      d.offset = this.pos;
      const flags = this.byte("memory limits");
      if (flags & LIMITS_64) throw this.err("unsupported", d.offset, "unsupported memory64 limits (flags " + hex2(flags) + ")");
      if (flags & LIMITS_PAGE) throw this.err("unsupported", d.offset, "unsupported custom page size limits (flags " + hex2(flags) + ")");
      if (flags > (LIMITS_HAS_MAX | LIMITS_SHARED)) throw this.err("unsupported", d.offset, "unsupported memory limits flags " + hex2(flags));
      d.hasMax = (flags & LIMITS_HAS_MAX) !== 0;
      d.shared = (flags & LIMITS_SHARED) !== 0;
      d.min = this.u32("memory min");
      d.max = d.hasMax ? this.u32("memory max") : 0;
      d.end = this.pos;
      if (d.min > MAX_PAGES_32) throw this.err("malformed", d.offset, "memory min " + d.min + " pages exceeds " + MAX_PAGES_32);
      if (d.hasMax && d.max > MAX_PAGES_32) throw this.err("malformed", d.offset, "memory max " + d.max + " pages exceeds " + MAX_PAGES_32);
      if (d.hasMax && d.min > d.max) throw this.err("malformed", d.offset, "memory min " + d.min + " pages exceeds its max " + d.max);
    }
    done(count, what) {
      if (this.pos !== this.end) throw this.err("malformed", this.pos, (this.end - this.pos) + " bytes left over after " + count + " " + what);
    }
  }

  // One-byte (negative) heap types: exn, array, struct, i31, eq, any,
  // extern, func, none, noextern, nofunc, noexn.
  const heapTypeShort = (c) => c >= 0x69 && c <= 0x74;

  function parseImports(r, mems, sec) {
    const count = r.u32("import count");
    for (let i = 0; i < count; i++) {
      r.entry = i + 1;
      r.name("module name", "module name length");
      r.name("field name", "field name length");
      const off = r.pos;
      const kind = r.byte("import kind");
      switch (kind) {
        case 0x00: r.u32("function import type index"); break;
        case 0x01: r.refType("table element type"); r.tableLimits(); break;
        case 0x02: {
          const d = { sec, index: mems.length, imported: true };
          r.memLimits(d);
          mems.push(d);
          break;
        }
        case 0x03: {
          r.valType("global type");
          const moff = r.pos;
          const mut = r.byte("global mutability");
          if (mut > 1) throw r.err("unsupported", moff, "unsupported global mutability " + hex2(mut));
          break;
        }
        case 0x04: {
          const attr = r.byte("tag attribute");
          if (attr !== 0) throw r.err("unsupported", r.pos - 1, "unsupported tag attribute " + hex2(attr));
          r.u32("tag type index");
          break;
        }
        case 0x7e: case 0x7f:
          throw r.err("unsupported", off, "unsupported import kind " + hex2(kind) + " (compact import encoding)");
        default:
          throw r.err("unsupported", off, "unknown import kind " + hex2(kind));
      }
    }
    r.entry = 0;
    r.done(count, "imports");
  }

  function parseMemories(r, mems, sec) {
    const count = r.u32("memory count");
    for (let i = 0; i < count; i++) {
      const d = { sec, index: mems.length, imported: false };
      r.memLimits(d);
      mems.push(d);
    }
    r.done(count, "memories");
  }

  // parse decodes the header, the section framing, the import and memory
  // sections, and checks section order; every other section is skipped by
  // its size, which is what keeps the check cheap for a 10 MB module.
  function parse(b) {
    const h = new Reader(b, 0, b.length, "header");
    if (b.length < 8) throw h.err("malformed", 0, "truncated header: " + b.length + " bytes, want 8");
    if (b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
      throw h.err("malformed", 0, "bad magic " + hexBytes(b.subarray(0, 4)) + ", want 00 61 73 6d");
    }
    if (b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) {
      if (b[6] !== 0 || b[7] !== 0) {
        throw h.err("unsupported", 4, "unsupported version/layer " + hexBytes(b.subarray(4, 8)) + " (a component, not a core module?)");
      }
      throw h.err("unsupported", 4, "unsupported version " + (b[4] | (b[5] << 8)));
    }
    const secs = [];
    const mems = [];
    let lastRank = 0;
    for (let pos = 8; pos < b.length;) {
      const start = pos;
      const id = b[pos];
      if (id >= SECTION_NAMES.length) {
        h.section = "unknown (id " + id + ")";
        throw h.err("unsupported", start, "unknown section id " + id);
      }
      const r = new Reader(b, pos + 1, b.length, SECTION_NAMES[id]);
      const size = r.u32("section size");
      const s = { id, start, sizeLen: r.pos - start - 1, body: r.pos, end: 0 };
      if (size > b.length - s.body) {
        throw r.err("malformed", start, "section size " + size + " runs past end of module (" + (b.length - s.body) + " bytes left)");
      }
      s.end = s.body + size;
      r.end = s.end;
      if (id !== SEC_CUSTOM) {
        const rank = SECTION_RANK[id];
        if (rank <= lastRank) throw r.err("malformed", start, SECTION_NAMES[id] + " section duplicated or out of order");
        lastRank = rank;
      }
      if (id === SEC_CUSTOM) {
        r.name("custom section name", "custom section name length");
      } else if (id === SEC_IMPORT) {
        secs.push(s);
        parseImports(r, mems, secs.length - 1);
      } else if (id === SEC_MEMORY) {
        secs.push(s);
        parseMemories(r, mems, secs.length - 1);
      }
      pos = s.end;
    }
    return { secs, mems };
  }

  function lebBytes(v, width) {
    // Padded to width bytes when v fits, so a rewrite that does not outgrow
    // the old size field moves no offsets; minimal otherwise.
    let n = 1;
    for (let x = v; x >= 0x80; x = Math.floor(x / 128)) n++;
    if (!width || width < n || width > 5) width = n;
    const out = [];
    for (let i = 1; i < width; i++) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  }

  function toBytes(src, what) {
    if (src instanceof Uint8Array) return src;
    if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    const tag = Object.prototype.toString.call(src);
    if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(src);
    throw new TypeError("sabkitSharedHeap: " + what + " must be an ArrayBuffer, a SharedArrayBuffer or a view on one, not " + tag);
  }

  function maxPagesOption(opts) {
    const m = opts && opts.maxPages !== undefined ? opts.maxPages : 0;
    if (!Number.isInteger(m) || m < 0 || m > MAX_PAGES_32) {
      throw new RangeError("sabkitSharedHeap: maxPages " + m + " must be an integer from 0 (meaning 65536) to 65536");
    }
    return m === 0 ? MAX_PAGES_32 : m;
  }

  // rewrite returns {module, changed, memories}; module is the input view
  // itself when nothing changed.
  function rewrite(src, opts) {
    const b = toBytes(src, "the module");
    const maxPages = maxPagesOption(opts);
    const m = parse(b);
    const changes = [];
    for (const d of m.mems) {
      if (d.shared && d.hasMax) continue;
      if (!d.hasMax && d.min > maxPages) {
        throw new ShareError(d.offset, d.imported ? "import" : "memory",
          "memory " + d.index + " min " + d.min + " pages exceeds the max " + maxPages + " that would be added", "unsupported");
      }
      changes.push(d);
    }
    const memories = changes.map((d) => ({
      index: d.index, imported: d.imported, offset: d.offset,
      old: { min: d.min, max: d.hasMax ? d.max : undefined, shared: d.shared },
      new: { min: d.min, max: d.hasMax ? d.max : maxPages, shared: true },
    }));
    if (changes.length === 0) return { module: b, changed: false, memories };

    // Each section holding a change is written as id, size, contents with
    // the limits replaced; everything between is copied.
    const parts = [];
    let total = 0;
    const push = (p) => { parts.push(p); total += p.length; };
    let pos = 0;
    let next = 0;
    for (let si = 0; si < m.secs.length; si++) {
      const s = m.secs[si];
      const body = [];
      let bodyLen = 0;
      let cur = s.body;
      for (; next < changes.length && changes[next].sec === si; next++) {
        const d = changes[next];
        const limits = [LIMITS_HAS_MAX | LIMITS_SHARED];
        body.push(b.subarray(cur, d.offset), limits, b.subarray(d.offset + 1, d.end));
        bodyLen += d.offset - cur + 1 + (d.end - d.offset - 1);
        if (!d.hasMax) {
          const max = lebBytes(maxPages);
          body.push(max);
          bodyLen += max.length;
        }
        cur = d.end;
      }
      if (body.length === 0) continue;
      body.push(b.subarray(cur, s.end));
      bodyLen += s.end - cur;
      if (bodyLen > 0xffffffff) {
        throw new ShareError(s.start, SECTION_NAMES[s.id], "rewritten section size " + bodyLen + " overflows 32 bits", "unsupported");
      }
      push(b.subarray(pos, s.start + 1));
      push(lebBytes(bodyLen, s.sizeLen));
      for (const p of body) push(p);
      pos = s.end;
    }
    push(b.subarray(pos));
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return { module: out, changed: true, memories };
  }

  // isSideModule reports whether a module's first section is the custom
  // section dylink.0 (or dylink, its name before Emscripten 2.0.18), which
  // makes it a side module.
  function isSideModule(src) {
    let b;
    try {
      b = toBytes(src, "the module");
    } catch (e) {
      return false;
    }
    if (b.length < 10 || b[8] !== 0) return false;
    let pos = 9;
    while (pos < b.length && b[pos] & 0x80) pos++; // the section's size
    pos++;
    const n = b[pos++];
    if (n === undefined || n > 8 || pos + n > b.length) return false;
    const name = String.fromCharCode(...b.subarray(pos, pos + n));
    return name === "dylink.0" || name === "dylink";
  }

  // syncSideModules makes a stock WebAssembly (no shared heap installed)
  // compile and link side modules synchronously in a worker, as install()'s
  // hooks do for a shared heap: WebKit's asynchronous compile in a worker
  // sometimes never settles, and a package's .so would hang loadPackage.
  let sideModulesSync = false;
  function syncSideModules() {
    if (sideModulesSync || state || !isWorker()) return;
    sideModulesSync = true;
    const W = WebAssembly;
    const { compile, instantiate, Module, Instance } = W;
    W.compile = function compileSync(bytes, ...rest) {
      if (!isSideModule(bytes)) return compile.call(W, bytes, ...rest);
      try {
        return Promise.resolve(new Module(bytes));
      } catch (e) {
        return Promise.reject(e);
      }
    };
    W.instantiate = function instantiateSync(source, ...rest) {
      if (source instanceof Module || !isSideModule(source)) return instantiate.call(W, source, ...rest);
      return Promise.resolve().then(() => {
        const module = new Module(source);
        return { module, instance: new Instance(module, rest[0]) };
      });
    };
  }

  function shareMemory(src, opts) {
    return rewrite(src, opts).module;
  }

  // ---- Environment. ----

  const isNode = () => typeof process === "object" && process !== null && !!process.versions && typeof process.versions.node === "string";
  const isWorker = () => typeof WorkerGlobalScope !== "undefined" && typeof self !== "undefined" && self instanceof WorkerGlobalScope;
  const isBrowser = () => !isNode() && (typeof document !== "undefined" || isWorker());
  const isSharedBuffer = (buf) => Object.prototype.toString.call(buf) === "[object SharedArrayBuffer]";
  const isSharedView = (v) => ArrayBuffer.isView(v) && isSharedBuffer(v.buffer);

  const ISOLATION_FIX = "serve the page and its worker scripts with the headers " +
    "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp " +
    "(and Cross-Origin-Resource-Policy: same-origin on Pyodide's files), so that crossOriginIsolated is true";

  function checkIsolation() {
    if (isBrowser() && globalThis.crossOriginIsolated !== true) {
      const e = new Error("sabkitSharedHeap: not cross-origin isolated (crossOriginIsolated=" + globalThis.crossOriginIsolated +
        "), so SharedArrayBuffer is unavailable and the shared heap cannot be posted to other threads: " + ISOLATION_FIX);
      e.name = "NotIsolatedError";
      throw e;
    }
    if (typeof SharedArrayBuffer === "undefined") {
      const e = new Error("sabkitSharedHeap: SharedArrayBuffer is undefined here: " + ISOLATION_FIX);
      e.name = "NotIsolatedError";
      throw e;
    }
  }

  // ---- Hooks and shims. ----

  const HOOKS = ["Module", "compile", "instantiate", "compileStreaming", "instantiateStreaming"];

  function newStats() {
    return {
      rewritten: 0, // modules whose memories were made shared
      passedThrough: 0, // modules with no memory, or already shared
      failed: 0, // modules the rewriter refused
      hooks: { Module: 0, compile: 0, instantiate: 0, compileStreaming: 0, instantiateStreaming: 0 },
      shims: { decode: 0, getRandomValues: 0, encodeInto: 0, Blob: 0, File: 0, Response: 0 },
      lastError: "",
    };
  }

  let state = null; // non-null while installed
  let stats = newStats();

  function copyStats() {
    return JSON.parse(JSON.stringify(Object.assign({ installed: state !== null, shimsInstalled: !!(state && state.shimmed) }, stats)));
  }

  function install(options) {
    const opts = options || {};
    if (state) return copyStats();
    const maxPages = maxPagesOption(opts);
    stats = newStats(); // counts start with each installation
    const W = WebAssembly;
    const orig = {};
    for (const k of HOOKS) orig[k] = W[k];
    const OrigModule = orig.Module;

    const prepare = (hook, src) => {
      stats.hooks[hook]++;
      let r;
      try {
        r = rewrite(src, { maxPages });
      } catch (e) {
        stats.failed++;
        stats.lastError = String(e && e.message || e);
        const err = new Error("sabkitSharedHeap: WebAssembly." + hook + ": cannot make the module's memory shared: " + stats.lastError, { cause: e });
        err.name = "SharedHeapRewriteError";
        throw err;
      }
      if (r.changed) stats.rewritten++; else stats.passedThrough++;
      return r.changed ? r.module : src;
    };

    const hooked = {};
    // A Proxy, so `x instanceof WebAssembly.Module` and the static methods
    // (imports, exports, customSections) keep working.
    hooked.Module = new Proxy(OrigModule, {
      construct(target, args, newTarget) {
        const a = Array.from(args);
        a[0] = prepare("Module", a[0]);
        return Reflect.construct(target, a, newTarget === hooked.Module ? target : newTarget);
      },
    });
    // In a worker a side module is compiled synchronously: side modules are
    // small, a worker may block, and WebKit's asynchronous compile in a
    // worker sometimes never settles (a package's .so then hangs
    // loadPackage for good).
    const syncHere = (b) => isWorker() && isSideModule(b);
    hooked.compile = function compile(bytes, ...rest) {
      try {
        const b = prepare("compile", bytes);
        if (syncHere(b)) return Promise.resolve(new OrigModule(b));
        return orig.compile.call(W, b, ...rest);
      } catch (e) {
        return Promise.reject(e);
      }
    };
    // Emscripten reports a failed instantiation to the console and never
    // settles its own promise, so a link failure or a refused heap is also
    // told to the boot that is waiting (bootFailed), which then
    // fails at once.
    const linked = (p) => p.then(undefined, (e) => {
      bootFailed(e);
      throw e;
    });
    hooked.instantiate = function instantiate(source, ...rest) {
      if (source instanceof OrigModule) return linked(orig.instantiate.call(W, source, ...rest));
      try {
        const b = prepare("instantiate", source);
        if (syncHere(b)) {
          const module = new OrigModule(b);
          return linked(Promise.resolve().then(() => ({ module, instance: new W.Instance(module, rest[0]) })));
        }
        return linked(orig.instantiate.call(W, b, ...rest));
      } catch (e) {
        return Promise.reject(e);
      }
    };
    // Streaming compiles as the bytes arrive, before any hook could rewrite
    // them, so the streaming forms buffer the response and compile that.
    const buffered = async (hook, source) => {
      const resp = await source;
      if (!resp || typeof resp.arrayBuffer !== "function") {
        throw new TypeError("sabkitSharedHeap: WebAssembly." + hook + " needs a Response or a promise of one");
      }
      if (resp.ok === false) {
        throw new TypeError("sabkitSharedHeap: WebAssembly." + hook + ": HTTP status " + resp.status + " for " + resp.url);
      }
      return prepare(hook, new Uint8Array(await resp.arrayBuffer()));
    };
    hooked.compileStreaming = async function compileStreaming(source) {
      return orig.compile.call(W, await buffered("compileStreaming", source));
    };
    hooked.instantiateStreaming = async function instantiateStreaming(source, ...rest) {
      return linked(orig.instantiate.call(W, await buffered("instantiateStreaming", source), ...rest));
    };
    for (const k of HOOKS) {
      if (orig[k] !== undefined) W[k] = hooked[k];
    }

    state = { orig, hooked, shimmed: null };
    const wantShims = opts.shims === undefined || opts.shims === "auto" ? isBrowser() : !!opts.shims;
    if (wantShims) state.shimmed = installShims();
    return copyStats();
  }

  // The browser APIs that refuse views on shared memory (or mistreat them):
  // the three Pyodide's core calls with views on its heap, and the
  // constructors a page hands heap views to. Each copies through a private
  // buffer, and only when the view is shared.
  function installShims() {
    const saved = [];
    const patch = (proto, name, make) => {
      if (!proto || typeof proto[name] !== "function") return;
      const original = proto[name];
      saved.push({ proto, name, original });
      proto[name] = make(original);
    };
    const privateCopy = (v) => {
      if (isSharedBuffer(v)) return new Uint8Array(v).slice();
      return v.slice(); // a TypedArray's slice is a fresh non-shared buffer
    };
    patch(typeof TextDecoder !== "undefined" && TextDecoder.prototype, "decode", (original) => function decode(input, options) {
      if (input !== undefined && (isSharedView(input) || isSharedBuffer(input))) {
        stats.shims.decode++;
        input = input instanceof DataView
          ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice()
          : privateCopy(input);
      }
      return original.call(this, input, options);
    });
    patch(typeof Crypto !== "undefined" && Crypto.prototype, "getRandomValues", (original) => function getRandomValues(view) {
      if (!isSharedView(view) || view instanceof DataView) return original.call(this, view);
      stats.shims.getRandomValues++;
      const tmp = new view.constructor(view.length);
      original.call(this, tmp);
      view.set(tmp);
      return view;
    });
    patch(typeof TextEncoder !== "undefined" && TextEncoder.prototype, "encodeInto", (original) => function encodeInto(source, dest) {
      if (!isSharedView(dest)) return original.call(this, source, dest);
      stats.shims.encodeInto++;
      const tmp = new Uint8Array(dest.length);
      const r = original.call(this, source, tmp);
      dest.set(tmp.subarray(0, r.written));
      return r;
    });
    // Blob, File and Response take their bytes at construction. Given a
    // shared view, Chromium and Firefox throw, and WebKit silently stores
    // the view's text form ("104,105") instead of its bytes: the shim
    // hands them a private copy instead. Proxies keep instanceof and the
    // static members working.
    const unshare = (p) => {
      if (isSharedBuffer(p)) return new Uint8Array(p).slice();
      if (isSharedView(p)) return new Uint8Array(p.buffer, p.byteOffset, p.byteLength).slice();
      return p;
    };
    const anyShared = (p) => isSharedBuffer(p) || isSharedView(p);
    const patchConstructor = (name, fix) => {
      const Original = globalThis[name];
      if (typeof Original !== "function") return;
      const proxy = new Proxy(Original, {
        construct(target, args, newTarget) {
          const a = Array.from(args);
          if (fix(a)) stats.shims[name]++;
          return Reflect.construct(target, a, newTarget === proxy ? target : newTarget);
        },
      });
      saved.push({ proto: globalThis, name, original: Original });
      globalThis[name] = proxy;
    };
    const fixParts = (a) => {
      if (a[0] == null || typeof a[0] === "string" || typeof a[0][Symbol.iterator] !== "function") return false;
      const parts = Array.from(a[0]);
      if (!parts.some(anyShared)) return false;
      a[0] = parts.map(unshare);
      return true;
    };
    patchConstructor("Blob", fixParts);
    patchConstructor("File", fixParts);
    patchConstructor("Response", (a) => {
      if (!anyShared(a[0])) return false;
      a[0] = unshare(a[0]);
      return true;
    });
    return saved;
  }

  function uninstall() {
    if (!state) return false;
    for (const k of HOOKS) {
      if (state.orig[k] !== undefined && WebAssembly[k] === state.hooked[k]) WebAssembly[k] = state.orig[k];
    }
    for (const s of state.shimmed || []) s.proto[s.name] = s.original;
    state = null;
    return true;
  }

  // ---- Booting: the heap's Memory, and link failures. ----

  let bootWatch = null; // non-null while loadPyodide waits for Pyodide

  // bootFailed ends the boot that is waiting when a module's instantiation
  // fails in a way Emscripten never reports to its promise: a module that
  // does not link with a shared memory (LinkError), or a heap the engine
  // refuses to create (RangeError from WebAssembly.Memory or instantiate; an
  // engine that reserves address space per memory, like WebKit, refuses once
  // enough heaps are alive, ended workers' heaps included until this
  // thread's garbage collector has run). Other errors are left to the boot.
  function bootFailed(cause) {
    if (!bootWatch) return;
    const what = cause && cause.message || String(cause);
    let e;
    if (cause instanceof WebAssembly.LinkError) {
      e = new Error("sabkitSharedHeap: a module compiled with shared memory did not link: " + what, { cause });
      e.name = "SharedHeapLinkError";
    } else if (cause instanceof RangeError) {
      e = new Error("sabkitSharedHeap: the browser refused to create Pyodide's heap (RangeError: " + what + ")", { cause });
      e.name = "SharedHeapMemoryError";
    } else {
      return;
    }
    bootWatch.fail(e);
  }

  // watchBoot lasts one boot. Pyodide builds whose main module imports its
  // memory (rather than defining it) create that memory in JavaScript:
  // while the boot runs, WebAssembly.Memory makes memories that have a
  // maximum shared (the rewritten import demands it) and remembers them,
  // since such builds keep the Memory in a private variable. failed rejects
  // on the first link failure.
  function watchBoot() {
    const W = WebAssembly;
    const Orig = W.Memory;
    const created = [];
    let fail;
    const failed = new Promise((_, reject) => { fail = reject; });
    failed.catch(() => {});
    const Hooked = new Proxy(Orig, {
      construct(target, args, newTarget) {
        const a = Array.from(args);
        const d = a[0];
        if (d && typeof d === "object" && d.maximum !== undefined && !d.shared) a[0] = Object.assign({}, d, { shared: true });
        let m;
        try {
          m = Reflect.construct(target, a, newTarget === Hooked ? target : newTarget);
        } catch (e) {
          bootFailed(e);
          throw e;
        }
        created.push(m);
        return m;
      },
    });
    W.Memory = Hooked;
    bootWatch = { fail, created };
    return {
      failed,
      created,
      end() {
        if (W.Memory === Hooked) W.Memory = Orig;
        bootWatch = null;
      },
    };
  }

  function resetStats() {
    stats = newStats();
  }

  // ---- Loading Pyodide. ----

  function normalizeIndexURL(u) {
    if (typeof u !== "string" || u === "") {
      throw new TypeError("sabkitSharedHeap.loadPyodide: set options.indexURL to the folder that serves pyodide.mjs, pyodide.asm.wasm and python_stdlib.zip");
    }
    if (!u.endsWith("/")) u += "/";
    if (isBrowser() && typeof location !== "undefined") u = new URL(u, location.href).href;
    return u;
  }

  function bootError(indexURL, what, cause) {
    const msg = cause && cause.message ? cause.message : String(cause);
    const e = new Error("sabkitSharedHeap: Pyodide failed to boot from indexURL " + indexURL + ": " + what + ": " + msg +
      " (check that " + indexURL + " serves pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm, python_stdlib.zip and pyodide-lock.json)", { cause });
    e.name = "PyodideBootError";
    return e;
  }

  // Pyodide refuses classic workers, which it recognises by a working
  // importScripts; hiding it sends Pyodide down its module-worker path
  // (dynamic import), which classic workers support too.
  function hideImportScripts() {
    if (!isWorker() || typeof importScripts !== "function") return () => {};
    const saved = globalThis.importScripts;
    globalThis.importScripts = function () { throw new TypeError("importScripts is hidden while Pyodide loads"); };
    return () => { globalThis.importScripts = saved; };
  }

  async function findLoader(indexURL, opts) {
    let req = null;
    if (isNode()) {
      req = typeof require === "function" ? require : globalThis.require;
      if (typeof req !== "function") throw bootError(indexURL, "require is unavailable to load pyodide.js", "pass options.loadPyodide");
      const fs = req("fs");
      // A missing file would otherwise surface as an unhandled rejection
      // inside Pyodide, which ends the Node process, whichever loader runs.
      // Pyodide's Emscripten glue is pyodide.asm.mjs from 314 on,
      // pyodide.asm.js before.
      for (const f of ["pyodide.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]) {
        if (!fs.existsSync(indexURL + f)) throw bootError(indexURL, f + " not found", "no such file");
      }
      if (!fs.existsSync(indexURL + "pyodide.asm.mjs") && !fs.existsSync(indexURL + "pyodide.asm.js")) {
        throw bootError(indexURL, "neither pyodide.asm.mjs nor pyodide.asm.js found", "no such file");
      }
    }
    if (typeof opts.loadPyodide === "function") return opts.loadPyodide;
    if (typeof globalThis.loadPyodide === "function") return globalThis.loadPyodide;
    if (req) return req(indexURL + "pyodide.js").loadPyodide;
    const importModule = new Function("u", "return import(u)");
    const mod = await importModule(indexURL + "pyodide.mjs");
    return mod.loadPyodide;
  }

  async function loadPyodide(options) {
    const opts = Object.assign({}, options || {});
    const shared = opts.shared !== false;
    if (shared) checkIsolation();
    const indexURL = normalizeIndexURL(opts.indexURL);
    if (shared) install(opts);
    const boot = shared ? watchBoot() : null;
    const restore = hideImportScripts();
    let pyodide;
    try {
      let loader;
      try {
        loader = await findLoader(indexURL, opts);
      } catch (e) {
        throw e && e.name === "PyodideBootError" ? e : bootError(indexURL, "loading pyodide.mjs", e);
      }
      const cfg = Object.assign({}, opts, { indexURL });
      for (const k of ["loadPyodide", "shims", "maxPages", "shared"]) delete cfg[k];
      try {
        pyodide = await (boot ? Promise.race([loader(cfg), boot.failed]) : loader(cfg));
      } catch (e) {
        if (stats.failed > 0 || (e && (e.name === "SharedHeapLinkError" || e.name === "SharedHeapMemoryError"))) throw e;
        throw bootError(indexURL, "loadPyodide", e);
      }
    } finally {
      if (boot) boot.end();
      restore();
    }
    if (!shared) return { pyodide, memory: null, memoryProperty: "" };
    const m = pyodide && pyodide._module;
    if (!m || !(m.HEAPU8 instanceof Uint8Array)) {
      const e = new Error("sabkitSharedHeap: Pyodide " + (pyodide && pyodide.version) +
        " lacks pyodide._module.HEAPU8 (a Uint8Array), the view of its heap");
      e.name = "PyodideFeatureError";
      throw e;
    }
    const found = findMemory(pyodide, boot.created);
    if (!found.memory || !isSharedBuffer(pyodide._module.HEAPU8.buffer)) {
      const e = new Error("sabkitSharedHeap: Pyodide booted but its heap is not a SharedArrayBuffer (" +
        Object.prototype.toString.call(pyodide._module.HEAPU8.buffer) + "; " + stats.rewritten +
        " modules rewritten): pyodide.asm.wasm was compiled before install() ran, or by an API the hooks do not cover");
      e.name = "SharedHeapError";
      throw e;
    }
    return { pyodide, memory: found.memory, memoryProperty: found.property };
  }

  // installHelpers writes the Python helper modules into Pyodide's file
  // system, imports them, and returns the request functions of the main
  // one, held here by reference: nothing the user binds in __main__
  // reaches them.
  function installHelpers(pyodide, helpers) {
    const dir = String(helpers.dir);
    pyodide.FS.mkdirTree(dir);
    for (const [name, source] of Object.entries(helpers.modules)) pyodide.FS.writeFile(dir + "/" + name + ".py", source);
    const sys = pyodide.pyimport("sys");
    const path = sys.path;
    if (!path.toJs().includes(dir)) path.insert(0, dir);
    path.destroy();
    sys.destroy();
    const importlib = pyodide.pyimport("importlib");
    importlib.invalidate_caches();
    importlib.destroy();
    for (const name of Object.keys(helpers.modules)) {
      if (name !== helpers.main) pyodide.pyimport(name).destroy();
    }
    const main = pyodide.pyimport(String(helpers.main));
    const names = main.REQUESTS;
    const fns = {};
    for (const name of names) {
      const f = main[name];
      // An attribute proxy is borrowed from main: keep a copy that outlives it.
      fns[name] = typeof f.copy === "function" ? f.copy() : f;
    }
    names.destroy();
    main.destroy();
    return fns;
  }

  // ---- Packages. ----

  // A wheel's package name, from its file name (name-version-...whl), in
  // the normalised form Pyodide reports it by; a lock-file name as itself.
  function packageName(src) {
    const file = src.split(/[?#]/)[0].split("/").pop();
    const base = /\.whl$/i.test(file) ? file.split("-")[0] : src;
    return base.toLowerCase().replace(/[-_.]+/g, "_");
  }

  const isURLish = (src) => src.includes("/") || /\.whl$/i.test(src);

  // probe asks the server for src as Pyodide fetched it and says what went
  // wrong with the download, or "" when the file is there.
  async function probe(src) {
    if (isNode() && !/^https?:/i.test(src)) {
      const req = typeof require === "function" ? require : globalThis.require;
      if (typeof req !== "function" || req("fs").existsSync(src)) return "";
      return "no file at " + src + ": pass the path of the wheel";
    }
    const url = src;
    try {
      // Bounded: a server that never answers must not hold the error back.
      const signal = typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(10000) : undefined;
      const r = await fetch(url, { method: "HEAD", cache: "no-store", signal });
      if (r.ok) return "";
      return "the server answered " + r.status + " " + r.statusText + " for " + url +
        ": put the wheel at that URL, or pass the URL where it is served";
    } catch (e) {
      return "the browser refused to fetch " + url + " (" + (e && e.message || e) + "): a wheel from another origin " +
        "needs CORS (Access-Control-Allow-Origin) on a cross-origin-isolated page, and Cross-Origin-Resource-Policy: " +
        "cross-origin under COEP require-corp; serve it from this page's origin instead";
    }
  }

  // loadPackages installs packages (names in Pyodide's lock file, or URLs
  // and paths of wheels) and throws a PackageLoadError naming each one that
  // did not load and why. Pyodide itself resolves when a download or an
  // install fails and only reports it on its error callback.
  async function loadPackages(pyodide, names, baseURL) {
    // Relative URLs are resolved here against baseURL (or this thread's
    // location): a worker started from a blob: URL cannot resolve them.
    const base = baseURL || (isBrowser() && typeof location !== "undefined" ? String(location.href) : "");
    const list = Array.from(names, (n) => {
      const s = String(n);
      if (!base || !isURLish(s)) return s;
      try {
        return new URL(s, base).href;
      } catch (e) {
        return s;
      }
    });
    const lines = [];
    const opts = {
      checkIntegrity: true,
      messageCallback: (m) => console.log(m),
      errorCallback: (m) => { lines.push(String(m)); console.warn(m); },
    };
    const fail = (problems) => {
      const e = new Error("sabkitSharedHeap.loadPackages: " + problems.map((p) => p.name + ": " + p.problem).join("; "));
      e.name = "PackageLoadError";
      e.packages = problems;
      return e;
    };
    syncSideModules();
    try {
      await pyodide.loadPackage(list, opts);
    } catch (e) {
      throw fail([{ name: list.join(", "), problem: String(e && e.message || e) +
        " (a name must be in Pyodide's pyodide-lock.json; load anything else by the URL of its wheel)" }]);
    }
    if (lines.length === 0) return;
    const problems = [];
    for (let i = 0; i < lines.length; i++) {
      const m = /^The following error occurred while loading (.+):$/.exec(lines[i]);
      if (!m) continue;
      // A Python traceback: its last line says what went wrong.
      const text = (lines[++i] || "").trim();
      problems.push({ name: m[1], problem: text.startsWith("Traceback") ? text.split("\n").pop().trim() : text });
    }
    if (problems.length === 0) problems.push({ name: list.join(", "), problem: lines.join("\n") });
    for (const p of problems) {
      const src = list.find((s) => packageName(s) === packageName(p.name));
      if (!src) continue;
      p.source = src;
      const download = isURLish(src) ? await probe(src) : "";
      if (download) {
        p.problem = download;
      } else if (isURLish(src)) {
        p.problem += " (" + src + " was found: check that it is a wheel built for Pyodide " + pyodide.version +
          ", and that its .so files are side modules: clang -fPIC, wasm-ld --shared --experimental-pic)";
      }
    }
    throw fail(problems);
  }


  // findMemory returns the WebAssembly.Memory behind pyodide's heap and the
  // property of pyodide._module that holds it: "" when Pyodide keeps it
  // private and it is one of the memories created during boot (created).
  function findMemory(pyodide, created) {
    const m = pyodide && pyodide._module;
    if (!m || !m.HEAPU8) return { memory: null, property: "" };
    for (const p of ["memory", "wasmMemory"]) {
      const v = m[p];
      if (v instanceof WebAssembly.Memory && v.buffer === m.HEAPU8.buffer) return { memory: v, property: p };
    }
    for (const v of created || []) {
      if (v.buffer === m.HEAPU8.buffer) return { memory: v, property: "" };
    }
    return { memory: null, property: "" };
  }

  const api = {
    scriptVersion: VERSION,
    ShareError,
    shareMemory,
    rewrite,
    install,
    uninstall,
    installed: () => state !== null,
    stats: copyStats,
    resetStats,
    loadPyodide,
    installHelpers,
    loadPackages,
    findMemory,
    checkIsolation,
    isSharedView,
    ISOLATION_FIX,
  };
  root.sabkitSharedHeap = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
