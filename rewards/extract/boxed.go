package extract

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
)

const boxedOpen = `\boxed{`

// Boxed returns the content of the last \boxed{ up to its matching brace,
// counting nested braces (verifiers extract_boxed_answer, non-strict). With no
// \boxed{, or when the braces after the last one never balance, it returns
// text unchanged and false: the caller passes the whole text to the grader,
// whose free-text strategies then apply. The content is not trimmed, as
// upstream does not trim it. Braces are counted without regard to escapes,
// as upstream counts them.
func Boxed(text string) (string, bool) {
	i := strings.LastIndex(text, boxedOpen)
	if i < 0 {
		return text, false
	}
	start := i + len(boxedOpen)
	depth := 1
	for j := start; j < len(text); j++ {
		switch text[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return text[start:j], true
			}
		}
	}
	return text, false
}

// AfterThink applies the boxed format's use_think rule (verifiers
// ThinkParser): keep what follows the last exact, case-sensitive </think>,
// trimmed. Without one the text is empty and ok is false: an unfinished
// think block gives no answer.
func AfterThink(text string) (string, bool) {
	i := strings.LastIndex(text, "</think>")
	if i < 0 {
		return "", false
	}
	return pytext.Trim(text[i+len("</think>"):]), true
}
