// Run by TestVectors (vectors_test.go): node testdata/vectors.js <vectors dir>
// Runs every test vector of internal/wasmrewrite through assets/sharedheap.js's
// rewriter and prints, per vector, the output bytes (base64) or the error.
"use strict";
const fs = require("fs"), path = require("path");
const sh = require(path.join(__dirname, "..", "assets", "sharedheap.js"));
const dir = process.argv[2];
const vf = JSON.parse(fs.readFileSync(path.join(dir, "vectors.json"), "utf8"));
const out = [];
for (const v of vf.vectors) {
  const r = { name: v.name };
  try {
    const res = sh.rewrite(fs.readFileSync(path.join(dir, v.input)), { maxPages: v.maxPages || 0 });
    r.output = Buffer.from(res.module).toString("base64");
    r.changed = res.changed;
  } catch (e) {
    r.error = String(e.message);
    r.kind = e.kind || "";
    r.errorName = e.name;
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
