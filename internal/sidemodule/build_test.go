//go:build !js

package sidemodule_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"github.com/sabkit/sabkit/internal/sidemodule"
)

// TestBuild checks what the loaders rely on: the module is WebAssembly, its
// first section is dylink.0, it imports env.memory and exports the library's
// functions; the wheel holds the package, the module and a RECORD.
func TestBuild(t *testing.T) {
	lib, ok := sidemodule.ForTest(t)
	if !ok {
		t.Skip("no toolchain")
	}
	so, err := os.ReadFile(lib.SO)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(so, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("%s is not a WebAssembly module: % x", lib.SO, so[:min(8, len(so))])
	}
	// Section 0 (custom) named dylink.0 must come first.
	if len(so) < 10 || so[8] != 0 {
		t.Fatalf("first section id %d, want a custom section (dylink.0)", so[8])
	}
	_, n := binary.Uvarint(so[9:])
	body := so[9+n:]
	nameLen, m := binary.Uvarint(body)
	if name := string(body[m : m+int(nameLen)]); name != "dylink.0" {
		t.Fatalf("first custom section %q, want dylink.0", name)
	}
	for _, want := range []string{"env", "memory", "scale_f32", "sum_f32", "fill_f32", "crash", "sabnative_version"} {
		if !bytes.Contains(so, []byte(want)) {
			t.Errorf("the module names no %q", want)
		}
	}
	zr, err := zip.OpenReader(lib.Wheel)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]bool{}
	for _, f := range zr.File {
		got[f.Name] = true
	}
	info := sidemodule.Package + "-" + sidemodule.Version + ".dist-info/"
	for _, want := range []string{"sabnative/__init__.py", "sabnative/" + sidemodule.SOName, info + "METADATA", info + "WHEEL", info + "RECORD"} {
		if !got[want] {
			t.Errorf("the wheel lacks %s; it holds %v", want, got)
		}
	}
}
