// Run by TestNode (node_test.go) with the cases as JSON on stdin: compiles each
// rewritten output, instantiates it with stub imports and one shared memory,
// and for an input that imports memory, instantiates the input too.
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const memory = new WebAssembly.Memory({initial: input.provided.initial, maximum: input.provided.maximum, shared: true});
function imports(mod) {
  const o = {};
  for (const imp of WebAssembly.Module.imports(mod)) {
    const t = imp.type || {};
    let v;
    switch (imp.kind) {
    case "function": v = () => {}; break;
    case "table": v = new WebAssembly.Table({element: t.element, initial: t.minimum, maximum: t.maximum}); break;
    case "global": v = new WebAssembly.Global({value: t.value, mutable: t.mutable}, t.value === "i64" ? 0n : 0); break;
    case "memory": v = memory; break;
    case "tag": v = new WebAssembly.Tag({parameters: []}); break;
    }
    (o[imp.module] ??= {})[imp.name] = v;
  }
  return o;
}
const out = [];
for (const c of input.cases) {
  const r = {name: c.name};
  try {
    const mod = new WebAssembly.Module(fs.readFileSync(c.output));
    r.memoryImports = WebAssembly.Module.imports(mod).filter(i => i.kind === "memory").map(i => i.type);
    try {
      const inst = new WebAssembly.Instance(mod, imports(mod));
      r.linked = true;
      r.sharedExports = Object.values(inst.exports).filter(e => e instanceof WebAssembly.Memory)
        .map(m => m.buffer instanceof SharedArrayBuffer);
    } catch (e) { r.linkError = String(e); }
  } catch (e) { r.compileError = String(e); }
  if (c.input) {
    try {
      const mod = new WebAssembly.Module(fs.readFileSync(c.input));
      new WebAssembly.Instance(mod, imports(mod));
      r.inputLinked = true;
    } catch (e) { r.inputError = String(e); }
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
