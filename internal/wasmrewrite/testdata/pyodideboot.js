// Run by TestPyodide's "node-boot" subtest (pyodide_test.go) with {pkg, dir} as
// JSON on stdin: boots Pyodide from dir, a package whose main module is the
// rewritten one, and prints whether its heap is shared and sum(range(10)).
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(0, "utf8"));
const { loadPyodide } = require(p.pkg);
loadPyodide({indexURL: p.dir + "/"}).then(py => {
  const shared = py._module.HEAPU8.buffer instanceof SharedArrayBuffer;
  process.stdout.write(JSON.stringify({shared, result: py.runPython("sum(range(10))")}));
}).catch(e => process.stdout.write(JSON.stringify({error: String(e)})));
