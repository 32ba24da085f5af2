package mcq

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"unicode"
)

// Python character predicates. The grader reproduces upstream verdicts, and
// upstream's regexes and str methods use Python's Unicode definitions, which
// differ from Go's: \w is Unicode letters and numbers (not ASCII), \s adds
// U+001C–U+001F, and str.isdigit accepts circled and other digits.

// asciiClass holds the ASCII answers of the predicates below.
var asciiClass = func() (t [128]uint8) {
	for r := range 128 {
		c := rune(r)
		if c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) {
			t[r] |= clsSpace
		}
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			t[r] |= clsWord | clsLetter
		}
		if c >= '0' && c <= '9' {
			t[r] |= clsWord | clsDigit
		}
		if c == '_' {
			t[r] |= clsWord
		}
	}
	return t
}()

const (
	clsSpace uint8 = 1 << iota
	clsWord
	clsLetter
	clsDigit
)

// isWord is Python's regex \w for str patterns: str.isalnum() or '_', which is
// exactly the Unicode L and N categories plus '_'.
func isWord(r rune) bool {
	if r < 128 {
		return asciiClass[r]&clsWord != 0
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isDecimal is Python's regex \d: Unicode decimal digits (Nd).
func isDecimal(r rune) bool {
	if r < 128 {
		return asciiClass[r]&clsDigit != 0
	}
	return unicode.IsDigit(r)
}

// pyDigitExtra lists the characters for which Python's str.isdigit is true
// but which are not decimal digits (Numeric_Type=Digit: superscripts,
// circled digits and the like), as of Unicode 14.
var pyDigitExtra = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0xb2, 0xb3, 1}, {0xb9, 0xb9, 1}, {0x1369, 0x1371, 1}, {0x19da, 0x19da, 1},
		{0x2070, 0x2070, 1}, {0x2074, 0x2079, 1}, {0x2080, 0x2089, 1},
		{0x2460, 0x2468, 1}, {0x2474, 0x247c, 1}, {0x2488, 0x2490, 1},
		{0x24ea, 0x24ea, 1}, {0x24f5, 0x24fd, 1}, {0x24ff, 0x24ff, 1},
		{0x2776, 0x277e, 1}, {0x2780, 0x2788, 1}, {0x278a, 0x2792, 1},
	},
	R32: []unicode.Range32{
		{0x10a40, 0x10a43, 1}, {0x10e60, 0x10e68, 1}, {0x11052, 0x1105a, 1},
		{0x1f100, 0x1f10a, 1},
	},
}

// isPyDigit is Python's str.isdigit for one character.
func isPyDigit(r rune) bool {
	return isDecimal(r) || (r >= 0xb2 && unicode.Is(pyDigitExtra, r))
}

// isPyAlpha is Python's str.isalpha for one character (categories L*).
func isPyAlpha(r rune) bool {
	if r < 128 {
		return asciiClass[r]&clsLetter != 0
	}
	return unicode.IsLetter(r)
}

// isLineBoundary reports whether Python's str.splitlines splits at r.
// (\r\n counts as one boundary; callers handle that pair.)
func isLineBoundary(r rune) bool {
	switch r {
	case '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isOptLetter is Python's [A-Za-z] under re.IGNORECASE: the compiled class
// also holds the characters whose simple lowercase is an ASCII letter (İ, K)
// and the special equivalents of i and s (ı, ſ).
func isOptLetter(r rune) bool {
	if r < 128 {
		return asciiClass[r]&clsLetter != 0
	}
	return r == 0x130 || r == 0x131 || r == 0x17f || r == 0x212a
}

// pyExtraCases is CPython's re._casefix table: pairs that re.IGNORECASE
// treats as equal beyond simple lowercasing (i/ı, s/ſ, µ/μ, Greek symbol
// variants, old Cyrillic forms).
var pyExtraCases = map[rune][]rune{
	0x69: {0x131}, 0x73: {0x17f}, 0xb5: {0x3bc}, 0x131: {0x69}, 0x17f: {0x73},
	0x345: {0x3b9, 0x1fbe}, 0x390: {0x1fd3}, 0x3b0: {0x1fe3}, 0x3b2: {0x3d0},
	0x3b5: {0x3f5}, 0x3b8: {0x3d1}, 0x3b9: {0x345, 0x1fbe}, 0x3ba: {0x3f0},
	0x3bc: {0xb5}, 0x3c0: {0x3d6}, 0x3c1: {0x3f1}, 0x3c2: {0x3c3}, 0x3c3: {0x3c2},
	0x3c6: {0x3d5}, 0x3d0: {0x3b2}, 0x3d1: {0x3b8}, 0x3d5: {0x3c6}, 0x3d6: {0x3c0},
	0x3f0: {0x3ba}, 0x3f1: {0x3c1}, 0x3f5: {0x3b5}, 0x432: {0x1c80}, 0x434: {0x1c81},
	0x43e: {0x1c82}, 0x441: {0x1c83}, 0x442: {0x1c84, 0x1c85}, 0x44a: {0x1c86},
	0x463: {0x1c87}, 0x1c80: {0x432}, 0x1c81: {0x434}, 0x1c82: {0x43e},
	0x1c83: {0x441}, 0x1c84: {0x442, 0x1c85}, 0x1c85: {0x442, 0x1c84},
	0x1c86: {0x44a}, 0x1c87: {0x463}, 0x1c88: {0xa64b}, 0x1e61: {0x1e9b},
	0x1e9b: {0x1e61}, 0x1fbe: {0x345, 0x3b9}, 0x1fd3: {0x390}, 0x1fe3: {0x3b0},
	0xa64b: {0x1c88}, 0xfb05: {0xfb06}, 0xfb06: {0xfb05},
}

// pyCasedExtra holds the characters that have no simple case mapping but a
// full uppercase one (ß → SS, ligatures, some Greek): CPython's
// unicode_iscased counts them as cased, via the first character of the full
// mapping.
var pyCasedExtra = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0xdf, 0xdf, 1}, {0x149, 0x149, 1}, {0x1f0, 0x1f0, 1}, {0x390, 0x390, 1},
		{0x3b0, 0x3b0, 1}, {0x587, 0x587, 1}, {0x1e96, 0x1e9a, 1}, {0x1f50, 0x1f56, 2},
		{0x1fb2, 0x1fb4, 2}, {0x1fb6, 0x1fb7, 1}, {0x1fc2, 0x1fc4, 2}, {0x1fc6, 0x1fc7, 1},
		{0x1fd2, 0x1fd3, 1}, {0x1fd6, 0x1fd7, 1}, {0x1fe2, 0x1fe4, 1}, {0x1fe6, 0x1fe7, 1},
		{0x1ff2, 0x1ff4, 2}, {0x1ff6, 0x1ff7, 1}, {0xfb00, 0xfb06, 1}, {0xfb13, 0xfb17, 1},
	},
}

// foldEq reports whether text character c matches pattern literal p under
// Python's re.IGNORECASE: an uncased p matches only itself; a cased p matches
// every c whose simple lowercase is p's, or one of its _casefix equivalents.
func foldEq(p, c rune) bool {
	if p == c {
		return true
	}
	if p < 128 && c < 128 {
		return asciiClass[p]&clsLetter != 0 && p|0x20 == c|0x20
	}
	lp := unicode.ToLower(p)
	if lp == p && unicode.ToUpper(p) == p && !unicode.Is(pyCasedExtra, p) {
		return false // uncased
	}
	lc := unicode.ToLower(c)
	if lc == lp {
		return true
	}
	for _, e := range pyExtraCases[lp] {
		if lc == e {
			return true
		}
	}
	return false
}

// trimSpace returns the bounds of s without Python whitespace at both ends.
func trimSpace(s []rune) []rune {
	i, j := 0, len(s)
	for i < j && pytext.IsSpace(s[i]) {
		i++
	}
	for j > i && pytext.IsSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// trimBounds is trimSpace returning indices into s.
func trimBounds(s []rune, i, j int) (int, int) {
	for i < j && pytext.IsSpace(s[i]) {
		i++
	}
	for j > i && pytext.IsSpace(s[j-1]) {
		j--
	}
	return i, j
}

// toUpper is the simple uppercase mapping, which for every character that can
// be an option token equals Python's str.upper (ı → I, ſ → S).
func toUpper(r rune) rune { return unicode.ToUpper(r) }
