package mcq

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// fold is Unicode full case folding. A Fold Caser is stateless, so one value
// serves every goroutine.
var fold = cases.Fold()

// punctMap is upstream's translation table, applied after NFKC: NBSP to a
// space, hyphens, dashes and minus to '-', curly quotes to straight ones.
func punctMap(r rune) rune {
	switch {
	case r == 0xa0:
		return ' '
	case r >= 0x2010 && r <= 0x2015, r == 0x2212:
		return '-'
	case r == 0x2018, r == 0x2019:
		return '\''
	case r == 0x201c, r == 0x201d:
		return '"'
	}
	return r
}

// normalizeStructure is upstream's normalize_for_structure: NFKC, the
// punctuation map, then Python's str.casefold. Line breaks and token
// boundaries are kept.
func normalizeStructure(s string) string {
	if isASCII(s) {
		return lowerASCII(s)
	}
	s = norm.NFKC.String(s)
	// Every character punctMap changes is encoded with a leading byte C2 or
	// E2; most text has none, and then Map's rune-by-rune pass is skipped.
	if strings.IndexByte(s, 0xc2) >= 0 || strings.IndexByte(s, 0xe2) >= 0 {
		s = strings.Map(punctMap, s)
	}
	return casefold(s)
}

// casefold is Python's str.casefold. x/text's Fold agrees with it on every
// code point except Cherokee capitals (U+13A0–U+13F5), which CaseFolding.txt
// leaves alone but Fold lowercases; those runs are kept as they are.
//
// Folding is context-free, so ASCII runs are lower-cased directly and only
// the other runs go through x/text, which is much slower.
func casefold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		// ASCII run.
		i := 0
		for i < len(s) && s[i] < utf8.RuneSelf {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
		}
		s = s[i:]
		// Non-ASCII run, up to the next ASCII byte or Cherokee capital.
		j := 0
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isCherokeeUpper(r) {
				break
			}
			j += n
		}
		if j > 0 {
			b.WriteString(fold.String(s[:j]))
			s = s[j:]
		} else if len(s) > 0 && s[0] >= utf8.RuneSelf {
			_, n := utf8.DecodeRuneInString(s)
			b.WriteString(s[:n]) // a Cherokee capital stays
			s = s[n:]
		}
	}
	return b.String()
}

func isCherokeeUpper(r rune) bool { return r >= 0x13a0 && r <= 0x13f5 }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func runesASCII(rs []rune) bool {
	for _, r := range rs {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendNormStructure appends normalizeStructure(src) to dst.
func appendNormStructure(dst, src []rune) []rune {
	if runesASCII(src) {
		for _, r := range src {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, r)
		}
		return dst
	}
	for _, r := range normalizeStructure(string(src)) {
		dst = append(dst, r)
	}
	return dst
}

// appendNormMatchFixed appends upstream's normalize_for_match(src) to dst:
// normalizeStructure, every run of whitespace collapsed to one space,
// trimmed. fixed says src is already normalised (see grader.fixed), so only
// whitespace is collapsed.
func appendNormMatchFixed(dst, src []rune, fixed bool) []rune {
	start := len(dst)
	if fixed {
		dst = append(dst, src...)
	} else {
		dst = appendNormStructure(dst, src)
	}
	// Collapse in place over the appended part.
	w := start
	inSpace := false
	for _, r := range dst[start:] {
		if pytext.IsSpace(r) {
			inSpace = true
			continue
		}
		if inSpace && w > start {
			dst[w] = ' '
			w++
		}
		inSpace = false
		dst[w] = r
		w++
	}
	return dst[:w]
}

// answerTextNorm is upstream's normalize_for_answer_text_match: outer
// wrappers removed, normalize_for_match, trailing ".,:;!?" removed, trimmed.
func answerTextNorm(dst, src []rune) []rune { return answerTextNormFixed(dst, src, false) }

func answerTextNormFixed(dst, src []rune, fixed bool) []rune {
	start := len(dst)
	dst = appendNormMatchFixed(dst, stripWrappers(src), fixed)
	j := len(dst)
	for j > start && strings.ContainsRune(".,:;!?", dst[j-1]) {
		j--
	}
	for j > start && pytext.IsSpace(dst[j-1]) {
		j--
	}
	return dst[:j]
}

// isBareLabel is upstream's _norm_option(text) is not None: the text is all
// digits (str.isdigit, any length) or a single letter. Such a gold text is no
// answer text (strategy 7 skips it) and such another option is not searched
// by the guard.
func isBareLabel(s []rune) bool {
	s = trimSpace(s)
	if len(s) == 0 {
		return false
	}
	if len(s) == 1 && isPyAlpha(s[0]) {
		return true
	}
	for _, r := range s {
		if !isPyDigit(r) {
			return false
		}
	}
	return true
}
