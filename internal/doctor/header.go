//go:build !js

package doctor

import "strings"

// policy is a header whose value is an RFC 8941 structured-field item: a
// token with optional parameters, as COOP, COEP, CORP and
// Document-Isolation-Policy are (`require-corp; report-to="r"`).
type policy struct {
	Raw   string // the header as sent, "" when absent
	Token string // the item's token, "" when absent or not a valid item
}

// parsePolicy parses raw. Chromium joins repeated header lines with a
// newline; a list or a malformed item is not a policy, so Token stays "".
func parsePolicy(raw string) policy {
	p := policy{Raw: raw}
	s := strings.Trim(raw, " \t")
	if s == "" || strings.ContainsAny(s, "\n,") {
		return p
	}
	tok, rest := token(s)
	if tok == "" {
		return p
	}
	for rest != "" {
		if rest[0] != ';' {
			return p
		}
		rest = strings.TrimLeft(rest[1:], " ")
		var ok bool
		if rest, ok = param(rest); !ok {
			return p
		}
	}
	p.Token = tok
	return p
}

// token reads an sf-token: ALPHA or "*", then tchar, ":" or "/".
func token(s string) (string, string) {
	if s == "" || !(isAlpha(s[0]) || s[0] == '*') {
		return "", s
	}
	i := 1
	for i < len(s) && (isTchar(s[i]) || s[i] == ':' || s[i] == '/') {
		i++
	}
	return s[:i], s[i:]
}

// param reads key[=bare-item] and returns what follows it.
func param(s string) (string, bool) {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || strings.IndexByte("_-.*", s[i]) >= 0) {
		if i == 0 && !(s[0] >= 'a' && s[0] <= 'z' || s[0] == '*') {
			return s, false
		}
		i++
	}
	if i == 0 {
		return s, false
	}
	s = s[i:]
	if s == "" || s[0] != '=' {
		return s, true // a boolean true parameter
	}
	s = s[1:]
	switch {
	case s == "":
		return s, false
	case s[0] == '"':
		for j := 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return s[j+1:], true
			}
		}
		return s, false
	case s[0] == '?':
		if len(s) >= 2 && (s[1] == '0' || s[1] == '1') {
			return s[2:], true
		}
		return s, false
	case s[0] == '-' || s[0] >= '0' && s[0] <= '9':
		j := 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		return s[j:], true
	}
	tok, rest := token(s)
	return rest, tok != ""
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isTchar(c byte) bool {
	return isAlpha(c) || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// Isolating values of each header.
const (
	coopIsolating = "same-origin"
	coepRequire   = "require-corp"
	coepCredless  = "credentialless"
	dipRequire    = "isolate-and-require-corp"
	dipCredless   = "isolate-and-credentialless"
)

// embedding reports whether a COEP policy makes the context require CORP
// or CORS of cross-origin subresources.
func (p policy) embedding() bool { return p.Token == coepRequire || p.Token == coepCredless }

// isolating reports whether a Document-Isolation-Policy isolates the
// document on its own.
func (p policy) isolating() bool { return p.Token == dipRequire || p.Token == dipCredless }

// show quotes a header value for a report.
func show(h string) string {
	if h == "" {
		return "(none)"
	}
	return "`" + h + "`"
}
