// Run by TestPyodide's "node" subtest (pyodide_test.go) with the path of the
// rewritten pyodide.asm.wasm as JSON on stdin: compiles it and prints the
// names of its exported memories, or the error.
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(0, "utf8"));
try {
  const mod = new WebAssembly.Module(fs.readFileSync(p));
  process.stdout.write(JSON.stringify({exports: WebAssembly.Module.exports(mod).filter(e => e.kind === "memory").map(e => e.name)}));
} catch (e) { process.stdout.write(JSON.stringify({error: String(e)})); }
