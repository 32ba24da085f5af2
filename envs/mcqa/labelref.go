package mcqa

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"unicode"
)

// RefersToLabels reports whether text refers to other option labels, which
// stops the shuffle of its row. It is true exactly when Medmarks'
// LABEL_REF.search(text) finds a match: two label tokens joined by a
// separator (../spec/common.md §6 rule 3). The pattern's optional leading
// qualifier (both, either, …) and its optional further tokens cannot change
// whether a match exists, so only "token separator token" is searched for.
//
// A label token is an upper-case ASCII letter at a word start, optionally
// followed by ")", "." or ":"; or Unicode decimal digits at a word start,
// optionally followed by one of those; or "(" or "[", upper-case ASCII
// letters or ASCII digits, then ")" or "]". A separator is a run of ",", "&"
// or "/" with optional whitespace around it, or whitespace, "and/or", "and",
// "or" or "nor" (any case), whitespace.
func RefersToLabels(text string) bool {
	var stack [128]rune
	rs := runes(stack[:0], text)
	var e1, e2 []int
	var buf [3][8]int
	for i := range rs {
		e1 = tokenEnds(rs, i, buf[0][:0])
		for _, a := range e1 {
			e2 = sepEnds(rs, a, buf[1][:0])
			for _, b := range e2 {
				if len(tokenEnds(rs, b, buf[2][:0])) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// runes appends the runes of s to buf; a short text stays on the caller's
// stack.
func runes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// tokenEnds appends to ends every position at which a label token starting
// at i can end.
func tokenEnds(rs []rune, i int, ends []int) []int {
	if i >= len(rs) {
		return ends
	}
	c := rs[i]
	if c == '(' || c == '[' {
		closer := ')'
		if c == '[' {
			closer = ']'
		}
		j := i + 1
		for j < len(rs) && (isUpperASCII(rs[j]) || '0' <= rs[j] && rs[j] <= '9') {
			j++
		}
		if j > i+1 && j < len(rs) && rs[j] == closer {
			ends = append(ends, j+1)
		}
		return ends
	}
	if !wordStart(rs, i) {
		return ends
	}
	switch {
	case isUpperASCII(c):
		ends = append(ends, i+1)
		if i+1 < len(rs) && isTokenPunct(rs[i+1]) {
			ends = append(ends, i+2)
		}
	case unicode.IsDigit(c):
		j := i
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			j++
			ends = append(ends, j)
		}
		if j < len(rs) && isTokenPunct(rs[j]) {
			ends = append(ends, j+1)
		}
	}
	return ends
}

// sepConjunctions are the separator words, tried in the pattern's order.
var sepConjunctions = []string{"and/or", "and", "or", "nor"}

// sepEnds appends to ends every position at which a separator starting at i
// can end.
func sepEnds(rs []rune, i int, ends []int) []int {
	j := i
	for j < len(rs) && pytext.IsSpace(rs[j]) {
		j++
	}
	// \s*[,&/]+\s* — the run can only start after all the whitespace.
	if j < len(rs) && isSepPunct(rs[j]) {
		k := j
		for k < len(rs) && isSepPunct(rs[k]) {
			k++
			ends = append(ends, k)
		}
		for k < len(rs) && pytext.IsSpace(rs[k]) {
			k++
			ends = append(ends, k)
		}
	}
	// \s+(?:and/or|and|or|nor)\s+
	if j > i {
		for _, w := range sepConjunctions {
			k, ok := hasFoldPrefix(rs, j, w)
			if !ok || k >= len(rs) || !pytext.IsSpace(rs[k]) {
				continue
			}
			for k < len(rs) && pytext.IsSpace(rs[k]) {
				k++
				ends = append(ends, k)
			}
		}
	}
	return ends
}

// anchorQuantifiers and anchorNouns are ANCHOR's two word lists.
var (
	anchorQuantifiers = []string{"all", "none", "some", "both", "neither"}
	anchorNouns       = []string{
		"above", "following", "these", "choices", "choice", "options", "option",
		"answers", "answer", "statements", "statement", "responses", "response",
		"listed", "apply", "applicable", "them",
	}
)

// IsAnchor reports whether text is an anchor option that stays in place: it
// is true exactly when Medmarks' ANCHOR.search(text) finds a match, i.e.
// text contains, as whole words and in any case, all, none, some, both or
// neither, whitespace, an optional "of" + whitespace (optionally followed
// by "the" + whitespace), then above, following, these, choice(s),
// option(s), answer(s), statement(s), response(s), listed, apply,
// applicable or them (../spec/common.md §6 rule 4).
func IsAnchor(text string) bool {
	var stack [128]rune
	rs := runes(stack[:0], text)
	for i := range rs {
		if !isBoundary(rs, i) {
			continue
		}
		for _, q := range anchorQuantifiers {
			k, ok := hasFoldPrefix(rs, i, q)
			if !ok {
				continue
			}
			j := k
			for j < len(rs) && pytext.IsSpace(rs[j]) {
				j++
			}
			if j == k {
				continue
			}
			if anchorTail(rs, j) {
				return true
			}
		}
	}
	return false
}

// anchorTail reports whether (?:of\s+(?:the\s+)?)?(?:nouns)\b matches at i.
func anchorTail(rs []rune, i int) bool {
	if nounAt(rs, i) {
		return true
	}
	k, ok := hasFoldPrefix(rs, i, "of")
	if !ok {
		return false
	}
	j := skipSpace(rs, k)
	if j == k {
		return false
	}
	if nounAt(rs, j) {
		return true
	}
	k, ok = hasFoldPrefix(rs, j, "the")
	if !ok {
		return false
	}
	l := skipSpace(rs, k)
	return l > k && nounAt(rs, l)
}

func nounAt(rs []rune, i int) bool {
	for _, w := range anchorNouns {
		if k, ok := hasFoldPrefix(rs, i, w); ok && isBoundary(rs, k) {
			return true
		}
	}
	return false
}

func skipSpace(rs []rune, i int) int {
	for i < len(rs) && pytext.IsSpace(rs[i]) {
		i++
	}
	return i
}

// hasFoldPrefix reports whether rs[i:] starts with the lower-case ASCII word
// w under Python's re.IGNORECASE, and where the match ends.
func hasFoldPrefix(rs []rune, i int, w string) (int, bool) {
	if len(rs)-i < len(w) {
		return 0, false
	}
	for k := 0; k < len(w); k++ {
		if !foldEq(rs[i+k], w[k]) {
			return 0, false
		}
	}
	return i + len(w), true
}

// foldEq reports whether r matches the lower-case ASCII byte b under
// Python's re.IGNORECASE with Unicode: besides the two ASCII cases, "i"
// matches U+0130 and U+0131, "s" matches U+017F (long s) and "k" matches
// U+212A (Kelvin sign).
func foldEq(r rune, b byte) bool {
	if r == rune(b) {
		return true
	}
	if 'a' <= b && b <= 'z' && r == rune(b-'a'+'A') {
		return true
	}
	switch b {
	case 'i':
		return r == 0x130 || r == 0x131
	case 's':
		return r == 0x17f
	case 'k':
		return r == 0x212a
	}
	return false
}

// isWord is Python's Unicode \w: str.isalnum() or "_"; for Python 3.11 that
// is exactly the letters (L*) and numbers (N*).
func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isBoundary is Python's \b at position i.
func isBoundary(rs []rune, i int) bool {
	before := i > 0 && isWord(rs[i-1])
	after := i < len(rs) && isWord(rs[i])
	return before != after
}

// wordStart is \b before the word character rs[i].
func wordStart(rs []rune, i int) bool {
	return i == 0 || !isWord(rs[i-1])
}

func isUpperASCII(r rune) bool { return 'A' <= r && r <= 'Z' }

func isTokenPunct(r rune) bool { return r == ')' || r == '.' || r == ':' }

func isSepPunct(r rune) bool { return r == ',' || r == '&' || r == '/' }
