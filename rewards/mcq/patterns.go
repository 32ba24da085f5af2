package mcq

import "github.com/medarc-ai/medmarks-t/internal/pytext"

// The upstream grader's patterns (medarc_verifiers multiple_choice_accuracy),
// in the syntax of re.go. \L stands for Python's [A-Za-z] under IGNORECASE.
// They run on normalised, case-folded text.

// Fragments shared by the option-led forms.
const (
	reListMarker = `(?:(?:[-*+]\s+)|(?:\d{1,3}[.)]\s+))?`
	reOpeners    = `(?:\\boxed\{\s*)?[\(\[\{<【]*\s*`
	reToken      = `(?P<opt>\L|\d{1,2})`
	reClosers    = `\s*[\)\]\}>】]*\s*(?:\}\s*)?`
)

var (
	// reAnchor finds anchored commitments (strategy 4).
	reAnchor = mustCompile(
		`(?P<label>\bfinal\s+answer\b|\bthe\s+correct\s+answer\b|\bcorrect\s+answer\b|\bthe\s+answer\b|\banswer\b|\btherefore\b|\bi\s+choose\b)`+
			`\s*[:\-]?\s*(?:is\s+)?(?P<neg>not\s+|isn't\s+|isnt\s+)?(?:(?:option|choice)\s+)?`+
			`(?:[*_`+"`"+`~]+\s*)*`+reOpeners+reToken+reClosers+`(?:[*_`+"`"+`~]+\s*)?(?![\w+\-/])`, true)

	// reLeadingOption is an option-led line: "B. text", "**(2)** text".
	reLeadingOption = mustCompile(
		`^\s*(?:>\s*)?`+reListMarker+`(?:[*_`+"`"+`~]+\s*)?`+reOpeners+reToken+reClosers+
			`\s*(?:[).:\-])?\s*(?:[*_`+"`"+`~]+\s*)*\s+(?P<rest>.+?)\s*$`, true)

	// reSentenceOptionStart is the start of an enumerated option, "B)".
	reSentenceOptionStart = mustCompile(
		`^\s*(?:>\s*)?`+reListMarker+`(?:[*_`+"`"+`~]+\s*)*`+reOpeners+reToken+reClosers+`\s*(?:[).:\-])`, true)

	// reExactOption is a whole response of one option (strategy 1).
	reExactOption = mustCompile(`^\s*(?:(?:option|choice)\s+)?`+reToken+`\s*[.!?]?\s*$`, true)

	// reTerminalOptionLine is a last line holding only an option.
	reTerminalOptionLine = mustCompile(
		`^\s*(?:>\s*)?`+reListMarker+`(?:[*_`+"`"+`~]+\s*)?(?:(?:option|choice)\s+)?`+reOpeners+reToken+reClosers+
			`(?:[*_`+"`"+`~]+\s*)?\s*[.!?]?\s*$`, true)

	// reTailChoice is an option ending a short tail segment.
	reTailChoice = mustCompile(
		`(?<![\w+\-/])(?:(?:option|choice)\s+)?`+reOpeners+reToken+reClosers+
			`(?:[*_`+"`"+`~]+\s*)?\s*[.!?]?\s*$`, true)

	// reNegationPrefix is a negation word followed by at most three words at
	// the end of a prefix.
	reNegationPrefix = mustCompile(`\b(?:not|isn't|isnt|wrong|incorrect|false)\b(?:\s+\w+){0,3}\s*$`, true)

	// reBulletLine is a bulleted or numbered line.
	reBulletLine = mustCompile(`^\s*(?:>\s*)?(?:[-*+]\s+|\d{1,3}[.)]\s+)`, false)
)

// Group indices, resolved once.
var (
	gAnchorNeg = reAnchor.group("neg")
	gAnchorOpt = reAnchor.group("opt")
	gLeadOpt   = reLeadingOption.group("opt")
	gLeadRest  = reLeadingOption.group("rest")
	gSentOpt   = reSentenceOptionStart.group("opt")
	gExactOpt  = reExactOption.group("opt")
	gTermOpt   = reTerminalOptionLine.group("opt")
	gTailOpt   = reTailChoice.group("opt")
)

// anchorFirst holds the ASCII letters an anchor phrase starts with.
var anchorFirst = asciiSet("fFtTcCaAiI")

// negationFirst holds the ASCII letters a negation word starts with.
var negationFirst = asciiSet("nNiIwWfF")

func asciiSet(chars string) *[128]bool {
	var t [128]bool
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return &t
}

// anchorCanStart skips positions where reAnchor's label group cannot match:
// it matches the labels by hand (final answer, the correct answer, correct
// answer, the answer, answer, therefore, i choose; \b around, \s+ between
// words, IGNORECASE), so the regex runs only where a label stands. The regex
// still decides.
func anchorCanStart(in []rune, i int) bool {
	if i >= len(in) || (i > 0 && isWord(in[i-1])) {
		return false
	}
	switch in[i] | 0x20 {
	case 'f':
		return wordsAt(in, i, "final", "answer")
	case 't':
		return wordsAt(in, i, "the", "correct", "answer") || wordsAt(in, i, "the", "answer") || wordsAt(in, i, "therefore")
	case 'c':
		return wordsAt(in, i, "correct", "answer")
	case 'a':
		return wordsAt(in, i, "answer")
	case 'i', 0x130 | 0x20, 0x131 | 0x20:
		return wordsAt(in, i, "i", "choose")
	}
	return false
}

// wordsAt matches words separated by whitespace runs at i, the last one
// followed by a word boundary.
func wordsAt(in []rune, i int, words ...string) bool {
	for k, w := range words {
		if k > 0 {
			if i >= len(in) || !pytext.IsSpace(in[i]) {
				return false
			}
			for i < len(in) && pytext.IsSpace(in[i]) {
				i++
			}
		}
		if !foldPrefix(in[i:], w) {
			return false
		}
		i += len(w)
	}
	return i == len(in) || !isWord(in[i])
}

// foldPrefix reports whether s starts with the ASCII lower-case word lit
// under Python's IGNORECASE.
func foldPrefix(s []rune, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for k := 0; k < len(lit); k++ {
		if c := s[k]; c != rune(lit[k]) && !foldEq(rune(lit[k]), c) {
			return false
		}
	}
	return true
}

// negationCanStart: each negation word starts with \b and n, i, w or f.
func negationCanStart(in []rune, i int) bool {
	if i >= len(in) || (i > 0 && isWord(in[i-1])) {
		return false
	}
	switch r := in[i] | 0x20; r {
	case 'n', 'i', 'w', 'f':
		return true
	case 0x130 | 0x20, 0x131 | 0x20:
		return in[i] == 0x130 || in[i] == 0x131
	}
	return false
}

// tailCanStart is the look-behind that opens reTailChoice.
func tailCanStart(in []rune, i int) bool { return i == 0 || !isB(in[i-1]) }
