package extract

import "strings"

// isSpace reports whether r is whitespace for Python's str.isspace, the set
// upstream's strip() and \s use. It differs from unicode.IsSpace: it adds
// U+001C–U+001F and drops nothing else that matters here.
func isSpace(r rune) bool {
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

// trim removes Python whitespace at both ends.
func trim(s string) string { return strings.TrimFunc(s, isSpace) }
