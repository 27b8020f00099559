// A small in-memory file system behind Go's js/wasm syscalls, for browsers,
// where wasm_exec.js only provides stdout/stderr. Go's testing package needs
// temp files (examples capture their output in one), and tests may use
// os.CreateTemp / os.ReadFile too. Files live for the life of the program.
"use strict";
globalThis.sabkitInstallMemFS = function (fs, forwardOutput) {
  const files = new Map(); // path → {data: Uint8Array, size, mode, mtimeMs}
  const dirs = new Set(["/", "/tmp"]);
  const fds = new Map();   // fd → {path, pos, append}
  let nextFD = 10;

  const fail = (code) => { const e = new Error(code); e.code = code; return e; };
  const norm = (p) => {
    const out = [];
    for (const part of String(p).split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") out.pop(); else out.push(part);
    }
    return "/" + out.join("/");
  };
  const parent = (p) => norm(p + "/..");
  const now = () => Date.now();
  const statOf = (path) => {
    const f = files.get(path);
    const isDir = !f && dirs.has(path);
    if (!f && !isDir) return null;
    const size = f ? f.size : 0;
    const t = f ? f.mtimeMs : 0;
    return {
      dev: 1, ino: 1, mode: isDir ? 0o40755 : (f.mode & 0o777) | 0o100000, nlink: 1, uid: 0, gid: 0, rdev: 0,
      size, blksize: 4096, blocks: Math.ceil(size / 512), atimeMs: t, mtimeMs: t, ctimeMs: t,
      isDirectory: () => isDir,
    };
  };
  const grow = (f, need) => {
    if (need <= f.data.length) return;
    const d = new Uint8Array(Math.max(need, f.data.length * 2, 64));
    d.set(f.data.subarray(0, f.size));
    f.data = d;
  };

  const C = { O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536 };
  fs.constants = C;
  const origWrite = fs.write.bind(fs);

  fs.open = (path, flags, mode, cb) => {
    path = norm(path);
    if (dirs.has(path)) {
      if (flags & (C.O_WRONLY | C.O_RDWR)) return cb(fail("EISDIR"));
      const fd = nextFD++;
      fds.set(fd, { path, pos: 0, dir: true });
      return cb(null, fd);
    }
    let f = files.get(path);
    if (f && (flags & C.O_CREAT) && (flags & C.O_EXCL)) return cb(fail("EEXIST"));
    if (!f) {
      if (!(flags & C.O_CREAT)) return cb(fail("ENOENT"));
      if (!dirs.has(parent(path))) return cb(fail("ENOENT"));
      f = { data: new Uint8Array(64), size: 0, mode, mtimeMs: now() };
      files.set(path, f);
    }
    if (flags & C.O_TRUNC) f.size = 0;
    const fd = nextFD++;
    fds.set(fd, { path, pos: 0, append: !!(flags & C.O_APPEND) });
    cb(null, fd);
  };
  fs.close = (fd, cb) => { if (!fds.delete(fd)) return cb(fail("EBADF")); cb(null); };
  fs.fsync = (fd, cb) => cb(fds.has(fd) || fd <= 2 ? null : fail("EBADF"));
  fs.fstat = (fd, cb) => {
    const h = fds.get(fd);
    if (!h) return cb(fail("EBADF"));
    cb(null, statOf(h.path));
  };
  fs.stat = fs.lstat = (path, cb) => {
    const st = statOf(norm(path));
    st ? cb(null, st) : cb(fail("ENOENT"));
  };
  fs.read = (fd, buf, off, len, pos, cb) => {
    const h = fds.get(fd);
    if (!h) return cb(fail("EBADF"));
    if (h.dir) return cb(fail("EISDIR"));
    const f = files.get(h.path);
    const at = pos === null || pos === undefined ? h.pos : pos;
    const n = Math.max(0, Math.min(len, f.size - at));
    buf.set(f.data.subarray(at, at + n), off);
    if (pos === null || pos === undefined) h.pos += n;
    cb(null, n);
  };
  fs.write = (fd, buf, off, len, pos, cb) => {
    if (fd === 1 || fd === 2) {
      forwardOutput(fd, buf.subarray(off, off + len));
      return cb(null, len);
    }
    const h = fds.get(fd);
    if (!h) return origWrite(fd, buf, off, len, pos, cb);
    const f = files.get(h.path);
    let at = pos === null || pos === undefined ? h.pos : pos;
    if (h.append) at = f.size;
    grow(f, at + len);
    f.data.set(buf.subarray(off, off + len), at);
    f.size = Math.max(f.size, at + len);
    f.mtimeMs = now();
    if (pos === null || pos === undefined) h.pos = at + len;
    cb(null, len);
  };
  fs.ftruncate = (fd, length, cb) => {
    const h = fds.get(fd);
    if (!h) return cb(fail("EBADF"));
    const f = files.get(h.path);
    grow(f, length);
    if (length > f.size) f.data.fill(0, f.size, length);
    f.size = length;
    cb(null);
  };
  fs.unlink = (path, cb) => { files.delete(norm(path)) ? cb(null) : cb(fail("ENOENT")); };
  fs.mkdir = (path, perm, cb) => {
    path = norm(path);
    if (dirs.has(path) || files.has(path)) return cb(fail("EEXIST"));
    if (!dirs.has(parent(path))) return cb(fail("ENOENT"));
    dirs.add(path);
    cb(null);
  };
  fs.rmdir = (path, cb) => { dirs.delete(norm(path)) ? cb(null) : cb(fail("ENOENT")); };
  fs.readdir = (path, cb) => {
    path = norm(path);
    if (!dirs.has(path)) return cb(fail("ENOTDIR"));
    const prefix = path === "/" ? "/" : path + "/";
    const names = new Set();
    for (const p of [...files.keys(), ...dirs]) {
      if (p !== path && p.startsWith(prefix)) names.add(p.slice(prefix.length).split("/")[0]);
    }
    cb(null, [...names]);
  };
  fs.rename = (from, to, cb) => {
    from = norm(from); to = norm(to);
    const f = files.get(from);
    if (!f) return cb(fail("ENOENT"));
    files.delete(from);
    files.set(to, f);
    cb(null);
  };
  globalThis.path = globalThis.path || {
    resolve: (...parts) => norm(parts.reduce((acc, p) => (String(p).startsWith("/") ? p : acc + "/" + p), "/")),
  };
  if (globalThis.process) {
    globalThis.process.cwd = () => "/";
  }
};
