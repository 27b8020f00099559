package coihttp

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestHostFiles: every generated configuration carries every header of the
// table, and the ones that set types set every type of the table.
func TestHostFiles(t *testing.T) {
	lines := map[string]func(Header) string{
		"nginx.conf": func(h Header) string { return "add_header " + h.Name + " " + h.Value + " always;" },
		"_headers":   func(h Header) string { return "  " + h.Name + ": " + h.Value },
		".htaccess":  func(h Header) string { return "Header always set " + h.Name + ` "` + h.Value + `"` },
		"Caddyfile":  func(h Header) string { return "\t" + h.Name + " " + h.Value },
	}
	files := HostFiles()
	if len(files) != len(lines) {
		t.Fatalf("%d host files, want %d", len(files), len(lines))
	}
	for _, f := range files {
		want, ok := lines[f.Name]
		if !ok {
			t.Errorf("unexpected host file %s", f.Name)
			continue
		}
		got := strings.Split(string(f.Data), "\n")
		for _, h := range Headers() {
			if !contains(got, want(h)) {
				t.Errorf("%s lacks %q:\n%s", f.Name, want(h), f.Data)
			}
		}
		if f.For == "" {
			t.Errorf("%s does not say what it is for", f.Name)
		}
	}
	nginx, apache := string(files[0].Data), string(files[2].Data)
	for ext, ct := range contentTypes {
		typ := strings.SplitN(ct, ";", 2)[0]
		e := strings.TrimPrefix(ext, ".")
		if !regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(typ) + ` ([a-z0-9]+ )*` + e + `[ ;]`).MatchString(nginx) {
			t.Errorf("nginx.conf does not map %s to %s", ext, typ)
		}
		if !regexp.MustCompile(`(?m)^AddType ` + regexp.QuoteMeta(typ) + `( \.[a-z0-9]+)* \.` + e + `( |$)`).MatchString(apache) {
			t.Errorf(".htaccess does not map %s to %s", ext, typ)
		}
	}
}

// TestServiceWorkerHeaders: the service worker adds the headers of the
// same table.
func TestServiceWorkerHeaders(t *testing.T) {
	m := regexp.MustCompile(`const HEADERS = (\{.*\});`).FindSubmatch(ServiceWorker())
	if m == nil {
		t.Fatal("no HEADERS table in the service worker")
	}
	var got map[string]string
	if err := json.Unmarshal(m[1], &got); err != nil {
		t.Fatal(err)
	}
	for _, h := range Headers() {
		if got[h.Name] != h.Value {
			t.Errorf("the service worker sends %s: %q, want %q", h.Name, got[h.Name], h.Value)
		}
	}
	if len(got) != len(Headers()) {
		t.Errorf("the service worker sends %d headers, want %d", len(got), len(Headers()))
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
