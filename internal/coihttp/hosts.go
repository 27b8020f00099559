package coihttp

import (
	"fmt"
	"sort"
	"strings"
)

// HostFile is a server configuration that makes a host send what Isolate
// and TypedFiles send: the isolation headers on every response and the
// strict MIME types.
type HostFile struct {
	Name string // file name, as the host expects it
	For  string // which hosts read it, and how it is used
	Data []byte
}

// HostFiles returns the configuration for each common host, all made from
// the same header and type tables.
func HostFiles() []HostFile {
	return []HostFile{
		{"nginx.conf", "nginx: `include` it inside the server { } or location { } that serves this folder", nginxConf()},
		{"_headers", "Netlify and Cloudflare Pages: read from the published folder as it is", netlifyHeaders()},
		{".htaccess", "Apache (mod_headers, mod_mime, AllowOverride FileInfo): read from the folder as it is", htaccess()},
		{"Caddyfile", "Caddy: paste the header block inside the site block that serves this folder", caddyfile()},
	}
}

// typeExts groups the type table by MIME type (without parameters), each
// with its extensions (without the dot), sorted for stable output.
func typeExts() ([]string, map[string][]string) {
	byType := map[string][]string{}
	for ext, ct := range contentTypes {
		t := strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])
		byType[t] = append(byType[t], strings.TrimPrefix(ext, "."))
	}
	types := make([]string, 0, len(byType))
	for t, exts := range byType {
		sort.Strings(exts)
		types = append(types, t)
	}
	sort.Strings(types)
	return types, byType
}

// utf8Types are the text types whose charset the configurations declare.
func utf8Types() []string {
	var out []string
	types, _ := typeExts()
	for _, t := range types {
		for _, ct := range contentTypes {
			if strings.HasPrefix(ct, t+";") && strings.Contains(ct, "charset=utf-8") {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

func nginxConf() []byte {
	var b strings.Builder
	b.WriteString(`# sabkit: serves this folder cross-origin isolated. Include it inside the
# server { } or location { } block that serves the folder, for example
#     location /app/ { alias /srv/app/; include /srv/app/nginx.conf; }
# The types block below becomes the whole MIME map of that block (it replaces
# the one inherited from http { }), so it lists every type an app needs.
types {
`)
	types, byType := typeExts()
	for _, t := range types {
		fmt.Fprintf(&b, "    %s %s;\n", t, strings.Join(byType[t], " "))
	}
	b.WriteString("}\ndefault_type application/octet-stream;\n")
	fmt.Fprintf(&b, "charset utf-8;\ncharset_types %s;\n", strings.Join(utf8Types(), " "))
	b.WriteString("# always: on error responses too. A location with add_header of its own\n# must repeat these lines.\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "add_header %s %s always;\n", h.Name, h.Value)
	}
	return []byte(b.String())
}

func netlifyHeaders() []byte {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	return []byte(b.String())
}

func htaccess() []byte {
	var b strings.Builder
	b.WriteString("# sabkit: serves this folder cross-origin isolated (mod_headers, mod_mime;\n# the folder needs AllowOverride FileInfo).\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "Header always set %s %q\n", h.Name, h.Value)
	}
	types, byType := typeExts()
	for _, t := range types {
		fmt.Fprintf(&b, "AddType %s .%s\n", t, strings.Join(byType[t], " ."))
	}
	var exts []string
	for _, t := range utf8Types() {
		exts = append(exts, byType[t]...)
	}
	sort.Strings(exts)
	fmt.Fprintf(&b, "AddCharset utf-8 .%s\n", strings.Join(exts, " ."))
	return []byte(b.String())
}

func caddyfile() []byte {
	var b strings.Builder
	b.WriteString("# sabkit: paste inside the site block that serves this folder (Caddy's own\n# MIME types already cover .wasm and .mjs).\nheader {\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "\t%s %s\n", h.Name, h.Value)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}
