//go:build js && wasm

package sharedheap_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sabkit/sabkit/internal/jsenv"
	"github.com/sabkit/sabkit/internal/jsinterop"
)

// smokeScript exercises the stdlib paths that touch the browser APIs the
// shims cover (text decoding, random bytes, text encoding for input()) and
// the C extensions most likely to notice a different heap. Its result must
// be the same on the shared heap and on stock Pyodide.
const smokeScript = `
import json, re, hashlib, random, sqlite3, zlib, asyncio, os, sys, unicodedata

text = "héllo wörld ✓ 日本"
out = {}
out["json"] = json.loads(json.dumps({"t": text, "n": [1, 2.5, None, True]}, ensure_ascii=False))
out["re"] = re.findall(r"\w+", text)
out["sha256"] = hashlib.sha256(text.encode()).hexdigest()
out["md5"] = hashlib.md5(b"sabkit").hexdigest()
random.seed(1234)
out["random"] = [random.random() for _ in range(3)] + [random.randrange(10**9)]
out["text"] = [len(text), len(text.encode("utf-8")), text.upper(), unicodedata.name("✓"), text.encode("utf-16-le").hex()]
db = sqlite3.connect(":memory:")
db.execute("create table t (k integer primary key, v text)")
db.executemany("insert into t (v) values (?)", [(text,), ("plain",)])
out["sqlite3"] = [list(r) for r in db.execute("select k, v, length(v) from t order by k")] + [sqlite3.sqlite_version != ""]
blob = zlib.compress(text.encode() * 100, 9)
out["zlib"] = [zlib.crc32(text.encode()), zlib.adler32(b"sabkit"), zlib.decompress(blob).decode() == text * 100, len(blob) < 200]

async def twice(x):
    await asyncio.sleep(0)
    return x * 2
out["asyncio"] = await asyncio.gather(twice(1), twice(21))
out["urandom"] = [len(os.urandom(32)), os.urandom(32) != os.urandom(32)]
first = input("name? ")
second = input()
try:
    input()
    eof = False
except EOFError:
    eof = True
out["input"] = [first, second, eof]
json.dumps(out, ensure_ascii=False, sort_keys=True)
`

// TestStdlibSmoke runs smokeScript in the shared worker and in a stock
// Pyodide worker, with the same input() lines, and compares the results.
func TestStdlibSmoke(t *testing.T) {
	sw, st := shared(t), stock(t)
	if st.Shared() || !st.Memory().IsUndefined() {
		t.Fatalf("the stock worker reports a shared heap")
	}
	const stdin = "Zoë ✓\n日本語 line\n"
	results := map[string]string{}
	for name, w := range map[string]*testWorker{"shared": sw, "stock": st} {
		ctx := ctxFor(t, time.Minute)
		if err := w.Stdin(ctx, stdin); err != nil {
			t.Fatalf("%s: Stdin: %v", name, err)
		}
		v, err := w.Run(ctx, smokeScript)
		if err != nil {
			t.Fatalf("%s Pyodide: %v", name, err)
		}
		results[name] = v.String()
	}
	if results["shared"] != results["stock"] {
		t.Errorf("the shared heap and stock Pyodide disagree:\nshared: %s\nstock:  %s", results["shared"], results["stock"])
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(results["shared"]), &got); err != nil {
		t.Fatal(err)
	}
	// Spot checks that do not depend on Pyodide: what any Python computes.
	want := map[string]any{
		"json":    map[string]any{"t": "héllo wörld ✓ 日本", "n": []any{1.0, 2.5, nil, true}},
		"re":      []any{"héllo", "wörld", "日本"},
		"md5":     "cec67add855bf9971d891791a85e5d8a",
		"input":   []any{"Zoë ✓", "日本語 line", true},
		"asyncio": []any{2.0, 42.0},
		"urandom": []any{32.0, true},
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: got %#v, want %#v", k, got[k], w)
		}
	}
	if rows, _ := got["sqlite3"].([]any); len(rows) != 3 || !strings.Contains(results["shared"], `[1, "héllo wörld ✓ 日本", 16]`) {
		t.Errorf("sqlite3: got %v", got["sqlite3"])
	}
	info, err := sw.Info(ctxFor(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shared worker (%s): heap %d MiB; hooks %v; rewritten %d, passed through %d; shim hits %v",
		jsenv.Describe(), info.HeapBytes>>20, info.Stats.Hooks, info.Stats.Rewritten, info.Stats.PassedThrough, info.Stats.ShimHits)
	if info.Stats.Rewritten < 1 {
		t.Errorf("the shared worker rewrote no module: %+v", info.Stats)
	}
	if jsinterop.InBrowser() {
		// Booting decodes Python source from the heap, and input() encodes
		// into it: without those shims the script above could not run.
		for _, shim := range []string{"decode", "encodeInto"} {
			if info.Stats.ShimHits[shim] == 0 {
				t.Errorf("shim %s was never hit in the browser worker: %v", shim, info.Stats.ShimHits)
			}
		}
	} else if info.Stats.ShimsInstalled {
		t.Errorf("shims installed under Node, which needs none")
	}
}
