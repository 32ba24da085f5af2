// Package pytext holds the few CPython string facts several parsers need,
// written once: what str.isspace() accepts (also the \s of a str regex and
// what strip() removes).
package pytext

import "strings"

// IsSpace reports whether r is whitespace for Python's str.isspace():
// U+0009–U+000D, U+001C–U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A,
// U+2028, U+2029, U+202F, U+205F and U+3000. It differs from
// unicode.IsSpace by U+001C–U+001F.
func IsSpace(r rune) bool {
	switch {
	case r <= 0x20:
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// Trim removes Python whitespace at both ends, as str.strip() does.
func Trim(s string) string { return strings.TrimFunc(s, IsSpace) }
