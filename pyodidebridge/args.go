//go:build js && wasm

package pyodidebridge

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// argsJSON encodes a request's arguments as one JSON array when each is a
// string, an integer, a finite float or a bool, and reports whether it
// could. Handing worker.js one string instead of a JavaScript array saves a
// call into JavaScript per argument, which for a small request costs more
// than its work in Python. Typed arrays (call's data) keep the array form.
func argsJSON(args []any) (string, bool) {
	b := make([]byte, 0, 64)
	b = append(b, '[')
	for i, a := range args {
		if i > 0 {
			b = append(b, ',')
		}
		switch x := a.(type) {
		case string:
			if !utf8.ValidString(x) {
				return "", false
			}
			b = appendJSONString(b, x)
		case int:
			b = strconv.AppendInt(b, int64(x), 10)
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) || (x == 0 && math.Signbit(x)) {
				return "", false
			}
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		case bool:
			b = strconv.AppendBool(b, x)
		default:
			return "", false
		}
	}
	return string(append(b, ']')), true
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, everything else as its UTF-8.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
