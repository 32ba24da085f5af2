package mcq

import "github.com/medarc-ai/medmarks-t/internal/pytext"

// Text helpers over code points, mirroring the Python string operations
// upstream applies (strip, splitlines, slicing, rfind).

var wrapperPairs = [...][2]rune{
	{'"', '"'}, {'\'', '\''}, {'“', '”'}, {'‘', '’'},
	{'(', ')'}, {'[', ']'}, {'{', '}'}, {'<', '>'}, {'【', '】'},
}

var wrapperMarkers = [...]string{"**", "__", "*", "_", "`"}

// stripWrappers is upstream's outer-wrapper peeling (common.md §5 step 7):
// trim, then repeatedly remove <answer>…</answer>, \boxed{…}, a markdown
// marker at both ends, or a bracket or quote pair, trimming after each. It
// returns a subslice of s.
func stripWrappers(s []rune) []rune {
	s = trimSpace(s)
	for len(s) > 0 {
		switch {
		case len(s) >= 17 && hasPrefixFoldASCII(s, "<answer>") && hasSuffixFoldASCII(s, "</answer>"):
			s = trimSpace(s[8 : len(s)-9])
			continue
		case hasPrefixFoldASCII(s, `\boxed{`) && s[len(s)-1] == '}':
			s = trimSpace(s[7 : len(s)-1])
			continue
		}
		changed := false
		for _, m := range wrapperMarkers {
			if len(s) > 2*len(m) && hasPrefixRunes(s, m) && hasSuffixRunes(s, m) {
				s = trimSpace(s[len(m) : len(s)-len(m)])
				changed = true
				break
			}
		}
		if changed {
			continue
		}
		for _, p := range wrapperPairs {
			if len(s) > 2 && s[0] == p[0] && s[len(s)-1] == p[1] {
				s = trimSpace(s[1 : len(s)-1])
				changed = true
				break
			}
		}
		if !changed {
			break
		}
	}
	return s
}

// hasPrefixFoldASCII compares against an ASCII lower-case literal after
// lower-casing ASCII letters of s, as upstream's text.lower()[:k] == lit does
// (no other character lowers to these).
func hasPrefixFoldASCII(s []rune, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lowerRune(s[i]) != rune(lit[i]) {
			return false
		}
	}
	return true
}

func hasSuffixFoldASCII(s []rune, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	return hasPrefixFoldASCII(s[len(s)-len(lit):], lit)
}

func lowerRune(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func hasPrefixRunes(s []rune, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if s[i] != rune(lit[i]) {
			return false
		}
	}
	return true
}

func hasSuffixRunes(s []rune, lit string) bool {
	return len(s) >= len(lit) && hasPrefixRunes(s[len(s)-len(lit):], lit)
}

// equalRunes compares s with an ASCII literal.
func equalRunes(s []rune, lit string) bool { return len(s) == len(lit) && hasPrefixRunes(s, lit) }

// containsRunes reports whether lit (ASCII) occurs in s.
func containsRunes(s []rune, lit string) bool {
	for i := 0; i+len(lit) <= len(s); i++ {
		if hasPrefixRunes(s[i:], lit) {
			return true
		}
	}
	return false
}

func indexRuneFrom(s []rune, r rune, from, to int) int {
	for i := from; i < to; i++ {
		if s[i] == r {
			return i
		}
	}
	return -1
}

// lastIndexRuneIn is Python's s.rfind(r, from, to), clamped.
func lastIndexRuneIn(s []rune, r rune, from, to int) int {
	from = max(from, 0)
	to = min(to, len(s))
	for i := to - 1; i >= from; i-- {
		if s[i] == r {
			return i
		}
	}
	return -1
}

func hasRune(s []rune, r rune) bool { return indexRuneFrom(s, r, 0, len(s)) >= 0 }

// lineBounds is upstream's _line_bounds: the \n-delimited line holding
// [start, end).
func lineBounds(s []rune, start, end int) (int, int) {
	ls := lastIndexRuneIn(s, '\n', 0, start) + 1
	le := indexRuneFrom(s, '\n', end, len(s))
	if le < 0 {
		le = len(s)
	}
	return ls, le
}

// forLines calls fn with the bounds of each line of Python's
// str.splitlines() (boundaries \n \r \r\n \v \f \x1c–\x1e \x85 U+2028
// U+2029; no empty line after a final boundary). fn returns false to stop.
func forLines(s []rune, fn func(start, end int) bool) {
	start := 0
	for i := 0; i < len(s); i++ {
		if !isLineBoundary(s[i]) {
			continue
		}
		if !fn(start, i) {
			return
		}
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		start = i + 1
	}
	if start < len(s) {
		fn(start, len(s))
	}
}

// lastNonEmptyLine is upstream's _last_nonempty_line: the last
// str.splitlines() line that is not blank, trimmed, as bounds into s.
// ok is false when there is none.
//
// It scans backwards: the line holding the last non-space character is that
// line, and it starts after the line boundary before it.
func lastNonEmptyLine(s []rune) (start, end int, ok bool) {
	end = len(s)
	for end > 0 && pytext.IsSpace(s[end-1]) {
		end--
	}
	if end == 0 {
		return 0, 0, false
	}
	start = end - 1
	for start > 0 && !isLineBoundary(s[start-1]) {
		start--
	}
	for pytext.IsSpace(s[start]) {
		start++
	}
	return start, end, true
}

// isB reports whether r may not border an option token: Python \w, '+', '-'
// or '/'.
func isB(r rune) bool { return isWord(r) || r == '+' || r == '-' || r == '/' }

// nextToken finds the first standalone option token at or after from
// (upstream's _OPTION_TOKEN_RE: one letter, or one or two digits, not next to
// \w, '+', '-' or '/'). It returns its bounds, or ok false.
func nextToken(s []rune, from int) (start, end int, ok bool) {
	for i := from; i < len(s); i++ {
		if i > 0 && isB(s[i-1]) {
			continue
		}
		switch r := s[i]; {
		case isOptLetter(r):
			if i+1 == len(s) || !isB(s[i+1]) {
				return i, i + 1, true
			}
		case isDecimal(r):
			e := i + 1
			if e < len(s) && isDecimal(s[e]) {
				e++
			}
			if e == len(s) || !isB(s[e]) {
				return i, e, true
			}
		}
	}
	return 0, 0, false
}

// option is a normalised option token: a letter upper-cased (Python
// str.upper, so ı reads as I) or one or two digits kept as they are. The zero
// value is no option.
type option struct {
	r     [2]rune
	digit bool
}

func (o option) valid() bool { return o.r[0] != 0 }

func (o option) String() string {
	switch {
	case o.r[0] <= 0:
		return ""
	case o.r[1] != 0:
		return string(o.r[:])
	case o.r[0] < 128:
		return asciiStrings[o.r[0]] // no allocation for the usual letter
	}
	return string(o.r[0])
}

var asciiStrings = func() (t [128]string) {
	for c := range 128 {
		t[c] = string(rune(c))
	}
	return t
}()

// tokenOption normalises the token s[start:end] found by a pattern or by
// nextToken (one letter or one or two decimal digits).
func tokenOption(s []rune, start, end int) option {
	if isDecimal(s[start]) {
		o := option{digit: true}
		copy(o.r[:], s[start:end])
		return o
	}
	return option{r: [2]rune{upperRune(s[start])}}
}

func upperRune(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - ('a' - 'A')
	}
	if r < 128 {
		return r
	}
	return toUpper(r)
}
