// Run by TestDifferential (differential_test.go): node testdata/differential.js
// Reads a JSON array of base64 modules on stdin, rewrites each with
// assets/sharedheap.js's rewriter and prints the outputs or errors as JSON.
"use strict";
const path = require("path");
const sh = require(path.join(__dirname, "..", "assets", "sharedheap.js"));
let input = "";
process.stdin.on("data", (d) => input += d).on("end", () => {
  const out = JSON.parse(input).map((b64) => {
    try {
      const r = sh.rewrite(Buffer.from(b64, "base64"));
      return { output: Buffer.from(r.module).toString("base64"), changed: r.changed };
    } catch (e) {
      return { error: e.message, kind: e.kind || e.name };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
