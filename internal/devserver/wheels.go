//go:build !js

package devserver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// wheelFile matches a wheel's file name: name-version(-build)?-py-abi-platform.whl.
var wheelFile = regexp.MustCompile(`^([A-Za-z0-9_.]+)-([A-Za-z0-9_.!+]+)(-[0-9][A-Za-z0-9_.]*)?-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\.whl$`)

var separators = regexp.MustCompile(`[-_.]+`)

// normalize is a package name in the form pyodide-lock.json keys it by.
func normalize(name string) string {
	return strings.ToLower(separators.ReplaceAllString(name, "-"))
}

// wheels serves the wheels a user dropped in a folder as if they were part
// of Pyodide: each under Pyodide's prefix by its file name, and
// pyodide-lock.json with an entry pointing at each (the stock entry of the
// same package updated, or a new one), so loadPackage("name") installs them
// offline. The lock is made again whenever a wheel changes.
type wheels struct {
	dir     string // the folder of wheels
	pyodide string // the Pyodide package, for its pyodide-lock.json
	next    http.Handler

	mu    sync.Mutex
	sums  map[string]wheelSum // file name -> its hash, while size and time match
	lock  []byte
	stamp string
}

type wheelSum struct {
	size int64
	mod  time.Time
	hex  string
}

func (wh *wheels) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "pyodide-lock.json" {
		data, mod, err := wh.lockFile()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		(&files{}).serve(w, r, name, mod, strings.NewReader(string(data)))
		return
	}
	if wheelFile.MatchString(name) && !strings.Contains(name, "/") {
		if fi, err := os.Stat(filepath.Join(wh.dir, name)); err == nil && fi.Mode().IsRegular() {
			f, err := os.Open(filepath.Join(wh.dir, name))
			if err != nil {
				http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
				return
			}
			defer f.Close()
			(&files{}).serve(w, r, name, fi.ModTime(), f)
			return
		}
	}
	wh.next.ServeHTTP(w, r)
}

// lockFile returns Pyodide's pyodide-lock.json with the folder's wheels in
// it, and the time of the newest input.
func (wh *wheels) lockFile() ([]byte, time.Time, error) {
	stockPath := filepath.Join(wh.pyodide, "pyodide-lock.json")
	stockInfo, err := os.Stat(stockPath)
	if err != nil {
		return nil, time.Time{}, err
	}
	entries, _ := os.ReadDir(wh.dir) // no folder: no wheels
	var found []os.FileInfo
	for _, e := range entries {
		if !wheelFile.MatchString(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			found = append(found, fi)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Name() < found[j].Name() })
	mod := stockInfo.ModTime()
	stamp := fmt.Sprint(stockInfo.Size(), stockInfo.ModTime().UnixNano())
	for _, fi := range found {
		stamp += fmt.Sprint("|", fi.Name(), fi.Size(), fi.ModTime().UnixNano())
		if fi.ModTime().After(mod) {
			mod = fi.ModTime()
		}
	}

	wh.mu.Lock()
	defer wh.mu.Unlock()
	if wh.lock != nil && wh.stamp == stamp {
		return wh.lock, mod, nil
	}
	raw, err := os.ReadFile(stockPath)
	if err != nil {
		return nil, time.Time{}, err
	}
	var lock map[string]json.RawMessage
	if err := json.Unmarshal(raw, &lock); err != nil {
		return nil, time.Time{}, fmt.Errorf("devserver: %s: %w", stockPath, err)
	}
	var packages map[string]map[string]any
	if err := json.Unmarshal(lock["packages"], &packages); err != nil {
		return nil, time.Time{}, fmt.Errorf("devserver: %s: packages: %w", stockPath, err)
	}
	if wh.sums == nil {
		wh.sums = map[string]wheelSum{}
	}
	for _, fi := range found {
		sum, err := wh.hash(fi)
		if err != nil {
			return nil, time.Time{}, err
		}
		m := wheelFile.FindStringSubmatch(fi.Name())
		key := normalize(m[1])
		entry, ok := packages[key]
		if !ok {
			entry = map[string]any{"name": m[1], "depends": []string{}, "imports": []string{strings.ReplaceAll(strings.ToLower(m[1]), "-", "_")},
				"install_dir": "site", "package_type": "package", "unvendored_tests": false}
		}
		entry["version"] = m[2]
		entry["file_name"] = fi.Name()
		entry["sha256"] = sum
		packages[key] = entry
	}
	if lock["packages"], err = json.Marshal(packages); err != nil {
		return nil, time.Time{}, err
	}
	out, err := json.Marshal(lock)
	if err != nil {
		return nil, time.Time{}, err
	}
	wh.lock, wh.stamp = out, stamp
	return out, mod, nil
}

// hash returns a wheel's SHA-256 (Pyodide checks it against the lock),
// computed again only when the file's size or time changed.
func (wh *wheels) hash(fi os.FileInfo) (string, error) {
	if s, ok := wh.sums[fi.Name()]; ok && s.size == fi.Size() && s.mod.Equal(fi.ModTime()) {
		return s.hex, nil
	}
	data, err := os.ReadFile(filepath.Join(wh.dir, fi.Name()))
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(data)
	s := wheelSum{size: fi.Size(), mod: fi.ModTime(), hex: hex.EncodeToString(h[:])}
	wh.sums[fi.Name()] = s
	return s.hex, nil
}

// LockFile returns the pyodide-lock.json of the Pyodide package in
// pyodide with the wheels of wheelsDir in it, as the server serves it: what
// a built app folder ships beside its copy of Pyodide.
func LockFile(pyodide, wheelsDir string) ([]byte, error) {
	data, _, err := (&wheels{dir: wheelsDir, pyodide: pyodide}).lockFile()
	return data, err
}

// Wheels returns the file names of the wheels in dir that LockFile lists.
func Wheels(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if wheelFile.MatchString(e.Name()) && e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out
}
