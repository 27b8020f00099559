//go:build !js

package devserver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// fakePyodide writes the files CheckPyodide wants and a pyodide-lock.json
// with one package, numpy, that the wheels folder overrides.
func fakePyodide(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range PyodideFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lock := `{"info": {"abi_version": "2026_0"}, "packages": {"numpy": {"name": "numpy", "version": "2.4.6",
		"file_name": "numpy-2.4.6-cp314-cp314-pyemscripten_2026_0_wasm32.whl", "sha256": "00", "depends": ["x"],
		"imports": ["numpy"], "install_dir": "site", "package_type": "package"}}}`
	if err := os.WriteFile(filepath.Join(dir, "pyodide-lock.json"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestWheels: a wheel dropped in the folder is served under /pyodide/ and
// /pyodide-shared/ with the isolation headers, and the lock file served
// there names it with its real hash, as a new entry or over the stock one.
func TestWheels(t *testing.T) {
	pyo := fakePyodide(t)
	whl := t.TempDir()
	files := map[string]string{
		"mylib-1.0-py3-none-any.whl":                             "PK mylib",
		"numpy-2.4.6-cp314-cp314-pyemscripten_2026_0_wasm32.whl": "PK numpy",
		"notawheel.txt": "x",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(whl, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := newServer(t, Config{Root: t.TempDir(), Pyodide: pyo, SharedHeap: false, Wheels: whl})
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		r, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, b
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

	r, body := get("/pyodide/mylib-1.0-py3-none-any.whl")
	if r.StatusCode != 200 || string(body) != "PK mylib" || r.Header.Get("Cross-Origin-Embedder-Policy") != "require-corp" {
		t.Fatalf("the wheel: %d %q, COEP %q", r.StatusCode, body, r.Header.Get("Cross-Origin-Embedder-Policy"))
	}
	if r, _ := get("/pyodide/notawheel.txt"); r.StatusCode != 404 {
		t.Errorf("a non-wheel file of the folder: %d, want 404", r.StatusCode)
	}
	if r, _ := get("/pyodide/other-1.0-py3-none-any.whl"); r.StatusCode != 404 {
		t.Errorf("a wheel in neither folder: %d, want 404", r.StatusCode)
	}

	r, body = get("/pyodide/pyodide-lock.json")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("the lock: %d, %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var lock struct {
		Info     map[string]any            `json:"info"`
		Packages map[string]map[string]any `json:"packages"`
	}
	if err := json.Unmarshal(body, &lock); err != nil {
		t.Fatal(err)
	}
	if lock.Info["abi_version"] != "2026_0" {
		t.Errorf("info: %v, want the stock one", lock.Info)
	}
	my := lock.Packages["mylib"]
	if my["file_name"] != "mylib-1.0-py3-none-any.whl" || my["sha256"] != sum("PK mylib") || my["version"] != "1.0" {
		t.Errorf("the new entry: %v", my)
	}
	np := lock.Packages["numpy"]
	if np["sha256"] != sum("PK numpy") || len(np["depends"].([]any)) != 1 {
		t.Errorf("the stock entry, updated: %v; want the file's hash and its depends kept", np)
	}
	if len(lock.Packages) != 2 {
		t.Errorf("%d packages, want 2", len(lock.Packages))
	}

	// An edited wheel changes the lock.
	if err := os.WriteFile(filepath.Join(whl, "mylib-1.0-py3-none-any.whl"), []byte("PK mylib 2"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, body = get("/pyodide/pyodide-lock.json")
	if err := json.Unmarshal(body, &lock); err != nil || lock.Packages["mylib"]["sha256"] != sum("PK mylib 2") {
		t.Errorf("after the wheel changed: %v, %v", lock.Packages["mylib"], err)
	}

	// Without the folder, the stock lock.
	plain := newServer(t, Config{Root: t.TempDir(), Pyodide: pyo})
	r2, err := http.Get(plain.URL + "/pyodide/pyodide-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	b2, _ := io.ReadAll(r2.Body)
	stock, _ := os.ReadFile(filepath.Join(pyo, "pyodide-lock.json"))
	if string(b2) != string(stock) {
		t.Errorf("without Wheels the lock is not the stock one")
	}
}
