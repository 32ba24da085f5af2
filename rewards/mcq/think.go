package mcq

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
	"unicode/utf8"
)

// Steps 2 and 3 of common.md §5, on the raw answer (before TeX conversion and
// normalisation, as upstream runs them). Matching is case-insensitive as
// Python's re.IGNORECASE is, so "</THINK>" and even "</thinK>" (Kelvin sign)
// count.

// removeThink keeps only what follows the last closing think tag
// (</\s*think\s*>), left-trimmed. Without one, an opening tag
// (<\s*think\b[^>]*>) empties the text: the model never finished thinking.
func removeThink(s string) string {
	lastEnd := -1
	openSeen := false
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		if end, ok := matchTag(s, i+1, "think", true); ok {
			lastEnd = end
			i = end - 1
			continue
		}
		if !openSeen {
			openSeen = matchThinkOpen(s, i+1)
		}
	}
	if lastEnd >= 0 {
		return strings.TrimLeftFunc(s[lastEnd:], pytext.IsSpace)
	}
	if openSeen {
		return ""
	}
	return s
}

// matchTag matches `/` (when closing), spaces, name (folded), spaces, `>` at
// byte i (just after '<'); it returns the index after '>'.
func matchTag(s string, i int, name string, closing bool) (int, bool) {
	if closing {
		if i >= len(s) || s[i] != '/' {
			return 0, false
		}
		i++
	}
	i = skipSpaces(s, i)
	i, ok := matchFold(s, i, name)
	if !ok {
		return 0, false
	}
	i = skipSpaces(s, i)
	if i < len(s) && s[i] == '>' {
		return i + 1, true
	}
	return 0, false
}

// matchThinkOpen matches \s*think\b[^>]*> at byte i (just after '<').
func matchThinkOpen(s string, i int) bool {
	i, ok := matchFold(s, skipSpaces(s, i), "think")
	if !ok {
		return false
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		if isWord(r) {
			return false
		}
	}
	return strings.IndexByte(s[i:], '>') >= 0
}

func skipSpaces(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !pytext.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// matchFold matches the ASCII lower-case word lit at byte i under Python's
// re.IGNORECASE.
func matchFold(s string, i int, lit string) (int, bool) {
	for k := 0; k < len(lit); k++ {
		if i >= len(s) {
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !foldEq(rune(lit[k]), r) {
			return 0, false
		}
		i += n
	}
	return i, true
}

// replaceAnswerTags replaces every <answer> and </answer> tag
// (</?\s*answer\s*>, case-insensitive) by a space.
func replaceAnswerTags(s string) string {
	var b strings.Builder
	copied := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '/' {
			j++
		}
		end, ok := matchTag(s, j, "answer", false)
		if !ok {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[copied:i])
		b.WriteByte(' ')
		copied = end
		i = end - 1
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}
