package mcq

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Python's definitions, as CPython 3.11 (Unicode 14) reports them.
func TestPythonClasses(t *testing.T) {
	spaces := map[rune]bool{}
	for _, r := range []rune{0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
		0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000} {
		spaces[r] = true
	}
	lines := map[rune]bool{0xa: true, 0xb: true, 0xc: true, 0xd: true, 0x1c: true, 0x1d: true, 0x1e: true, 0x85: true, 0x2028: true, 0x2029: true}
	digits := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if pytext.IsSpace(r) != spaces[r] {
			t.Errorf("pytext.IsSpace(%U) = %v", r, pytext.IsSpace(r))
		}
		if isLineBoundary(r) != lines[r] {
			t.Errorf("isLineBoundary(%U) = %v", r, isLineBoundary(r))
		}
		if isPyDigit(r) && !isDecimal(r) {
			digits++
		}
	}
	// str.isdigit() but not isdecimal(): 128 characters in Unicode 14.
	if digits != 128 {
		t.Errorf("%d digit-but-not-decimal characters, want 128", digits)
	}
	tests := []struct {
		r            rune
		word, letter bool
	}{
		{'_', true, false}, {'é', true, true}, {'Ⅻ', true, false}, {'½', true, false},
		{'\u0301', false, false}, {'-', false, false}, {'ı', true, true}, {'٣', true, false},
	}
	for _, tt := range tests {
		if isWord(tt.r) != tt.word || isPyAlpha(tt.r) != tt.letter {
			t.Errorf("%U: word %v letter %v", tt.r, isWord(tt.r), isPyAlpha(tt.r))
		}
	}
}

func TestNormalizeStructure(t *testing.T) {
	tests := []struct{ give, want string }{
		{"ABC", "abc"},
		{"Straße", "strasse"},
		{"Ｃ", "c"},
		{"𝐂", "c"},
		{"a\u00a0b", "a b"},
		{"a\u2011b\u2013c\u2212d", "a-b-c-d"},
		{"\u2018x\u2019 \u201cy\u201d", "'x' \"y\""},
		{"İ", "i\u0307"},
		{"ſ", "s"},
		{"Kelvin \u212a", "kelvin k"},
		// Cherokee capitals are CaseFolding.txt's targets: left alone, while
		// the small letters fold to them.
		{"\u13a0\uab70", "\u13a0\u13a0"},
		{"ﬁ", "fi"},
		{"Σ", "σ"},
	}
	for _, tt := range tests {
		if got := normalizeStructure(tt.give); got != tt.want {
			t.Errorf("normalizeStructure(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestAnswerTextNorm(t *testing.T) {
	tests := []struct{ give, want string }{
		{"  Metformin.  ", "metformin"},
		{"**Vitamin   B12\tdeficiency**", "vitamin b12 deficiency"},
		{`\boxed{4}`, "4"},
		{"<answer>(C)</answer>", "c"},
		{"Perform percutaneous drainage\n\"", "perform percutaneous drainage \""},
		{"“Yes”", "yes"},
		{"...", ""},
	}
	for _, tt := range tests {
		if got := string(answerTextNorm(nil, []rune(tt.give))); got != tt.want {
			t.Errorf("answerTextNorm(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestRemoveThink(t *testing.T) {
	tests := []struct{ give, want string }{
		{"<think>a</think>  b", "b"},
		{"<think>a</think> b <think>c</think>\n\nd", "d"},
		{"x </ THINK > y", "y"},
		{"x < /think> y", "x < /think> y"},
		{"<think>unfinished", ""},
		{"< think class='x'>unfinished", ""},
		{"<thinking>x</thinking> C", "<thinking>x</thinking> C"},
		{"<think", "<think"},
		{"Reasoning...\n</think>\n\nA", "A"},
	}
	for _, tt := range tests {
		if got := removeThink(tt.give); got != tt.want {
			t.Errorf("removeThink(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestReplaceAnswerTags(t *testing.T) {
	tests := []struct{ give, want string }{
		{"<answer>C</answer>", " C "},
		{"< ANSWER >C</ answer >", " C "},
		{"<answers>C", "<answers>C"},
		{"a </ answer> b", "a   b"},
	}
	for _, tt := range tests {
		if got := replaceAnswerTags(tt.give); got != tt.want {
			t.Errorf("replaceAnswerTags(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

// pyCasedExtra must hold exactly the characters CPython counts as cased
// beyond simple case mappings.
func TestPyCasedExtra(t *testing.T) {
	n := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if unicode.Is(pyCasedExtra, r) {
			n++
			if unicode.ToLower(r) != r || unicode.ToUpper(r) != r {
				t.Errorf("%U has a simple case mapping", r)
			}
		}
	}
	if n != 48 {
		t.Errorf("pyCasedExtra holds %d characters, want 48", n)
	}
}
