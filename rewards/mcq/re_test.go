package mcq

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// The regex engine must give Python's first match: these cases were checked
// with Python's re module.
func TestRegexSemantics(t *testing.T) {
	type span struct{ A, B int }
	tests := []struct {
		pattern string
		icase   bool
		give    string
		full    bool
		want    bool
		group   int
		span    span // of group, in code points
	}{
		// Greedy quantifiers give back; lazy ones take as little as they can.
		{`a(?P<x>.*)b`, false, "a1b2b", false, true, 1, span{1, 4}},
		{`a(?P<x>.*?)b`, false, "a1b2b", false, true, 1, span{1, 2}},
		// The first alternative that leads to a match wins.
		{`(?P<x>ab|a)b?`, false, "ab", false, true, 1, span{0, 2}},
		{`(?P<x>a|ab)c`, false, "abc", false, true, 1, span{0, 2}},
		// fullmatch backtracks into an earlier choice to reach the end.
		{`(?P<x>a|ab)`, false, "ab", true, true, 1, span{0, 2}},
		// $ matches before a final \n; . does not match \n.
		{`a$`, false, "a\n", false, true, 0, span{0, 1}},
		{`a$`, false, "a\n\n", false, false, 0, span{}},
		{`.+`, false, "ab\ncd", true, false, 0, span{}},
		// \w, \s, \d and \b are Unicode.
		{`\w+`, false, "Ⅻé_1", true, true, 0, span{0, 4}},
		{`\s`, false, "\x1c", true, true, 0, span{0, 1}},
		{`\d`, false, "٣", true, true, 0, span{0, 1}},
		{`\bx\b`, false, "éx", false, false, 0, span{}},
		// One-character look-arounds.
		{`(?<![\w+\-/])\L(?![\w+\-/])`, true, "c++", false, false, 0, span{}},
		{`(?<![\w+\-/])\L(?![\w+\-/])`, true, "(c)", false, true, 0, span{1, 2}},
		// IGNORECASE as Python does it: K matches the Kelvin sign, i the
		// dotless i.
		{`think`, true, "THINK", true, true, 0, span{0, 5}},
		{`think`, true, "thin\u212a", true, true, 0, span{0, 5}},
		{`\L`, true, "ı", true, true, 0, span{0, 1}},
		{`i\s+choose`, true, "ı choose", true, true, 0, span{0, 8}},
		// Counted repeats.
		{`^\d{1,3}[.)]`, false, "123.", false, true, 0, span{0, 4}},
		{`^\d{1,3}[.)]`, false, "1234.", false, false, 0, span{}},
		{`(?:\s+\w+){0,3}$`, false, " a b c", true, true, 0, span{0, 6}},
		{`x(?:\s+\w+){0,3}$`, false, "x a b c d", false, false, 0, span{}},
	}
	var m machine
	for _, tt := range tests {
		re := mustCompile(tt.pattern, tt.icase)
		in := []rune(tt.give)
		var got bool
		if tt.full {
			got = re.match(&m, in, true)
		} else {
			got = re.search(&m, in, 0, nil)
		}
		if got != tt.want {
			t.Errorf("%s on %q: matched %v, want %v", tt.pattern, tt.give, got, tt.want)
			continue
		}
		if got {
			if a, b := m.span(tt.group); a != tt.span.A || b != tt.span.B {
				t.Errorf("%s on %q: group %d = [%d,%d), want [%d,%d)", tt.pattern, tt.give, tt.group, a, b, tt.span.A, tt.span.B)
			}
		}
	}
}

// TestRegexLinear: the visited set bounds the work by pattern × input even
// where plain backtracking is exponential (Python itself hangs on these).
func TestRegexLinear(t *testing.T) {
	tests := []struct {
		re   *regex
		give string
	}{
		{reLeadingOption, "b " + strings.Repeat("*", 5000) + "x"},
		{reLeadingOption, "b" + strings.Repeat(" *", 3000)},
		{reAnchor, "answer " + strings.Repeat("*_ ", 3000) + "ab"},
		{reTailChoice, strings.Repeat(" ", 5000) + "x"},
		{reNegationPrefix, strings.Repeat("not a ", 2000) + "."},
	}
	var m machine
	for _, tt := range tests {
		in := []rune(tt.give)
		steps := 0
		for from := 0; from <= len(in); {
			if !tt.re.search(&m, in, from, nil) {
				steps += m.steps
				break
			}
			steps += m.steps
			_, end := m.span(0)
			from = max(end, from+1)
		}
		if bound := len(tt.re.prog) * (len(in) + 1) * 2; steps > bound {
			t.Errorf("%.40q: %d steps, bound %d", tt.give, steps, bound)
		}
	}
}

func TestMustCompileRejects(t *testing.T) {
	for _, p := range []string{`a(b`, `*a`, `(?:a*)*`, `[a]`, `a{x}`} {
		icase := p == `[a]`
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("mustCompile(%q) did not panic", p)
				}
			}()
			mustCompile(p, icase)
		}()
	}
}

// TestFoldEq compares foldEq with Python's re.IGNORECASE over the Basic
// Multilingual Plane (where every case pair of these characters lies), for
// the pattern characters of testdata/python_ignorecase.json
// (generated with CPython 3.11's re).
func TestFoldEq(t *testing.T) {
	b, err := os.ReadFile("testdata/python_ignorecase.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]rune
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for p, matches := range want {
		pr, _ := utf8.DecodeRuneInString(p)
		set := map[rune]bool{}
		for _, c := range matches {
			set[c] = true
		}
		for c := rune(0); c <= 0xffff; c++ {
			if c >= 0xd800 && c < 0xe000 {
				continue
			}
			if got := foldEq(pr, c); got != set[c] {
				t.Errorf("foldEq(%q, %U) = %v, want %v", pr, c, got, set[c])
			}
		}
	}
}

// TestRegexHugeInput: past the memo's size the engine still answers, within
// its step budget, and gives up (no match) only on pathological input.
func TestRegexHugeInput(t *testing.T) {
	var m machine
	long := "c" + strings.Repeat(" ", 200_000) + "."
	if !reExactOption.match(&m, []rune(long), true) || m.memo {
		t.Errorf("exact option over 200k spaces: memo %v", m.memo)
	}
	lead := []rune("b) " + strings.Repeat("metformin ", 50_000))
	if !reLeadingOption.match(&m, lead, true) || m.memo {
		t.Errorf("leading option over 500k characters: memo %v", m.memo)
	}
	if a, b := m.span(gLeadRest); a != 3 || b != len(lead)-1 {
		t.Errorf("rest = [%d,%d)", a, b)
	}
	// Quadratic for plain backtracking: stopped by the budget.
	bad := []rune("c" + strings.Repeat(" ", 200_000) + "x")
	if reExactOption.match(&m, bad, true) {
		t.Error("matched")
	}
	if m.steps > m.budget {
		t.Errorf("%d steps over the budget %d", m.steps, m.budget)
	}
}
