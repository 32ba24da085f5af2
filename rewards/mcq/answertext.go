package mcq

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"slices"
)

// Strategy 7 (answer-text fallback) and the answer-text guard (step 17).

// textRegions returns the bounds in t of the regions strategy 7 searches, in
// order: the long-mode tail; the whole response up to 800 characters; else a
// tail and a head window aligned to nearby line breaks (the head alone when
// both are the same text).
func textRegions(t []rune, goldLen int, long bool) (regions [2][2]int, n int) {
	if long {
		return [2][2]int{{len(t) - terminalWindow, len(t)}}, 1
	}
	if len(t) <= 800 {
		return [2][2]int{{0, len(t)}}, 1
	}
	window := max(600, min(1400, goldLen+400))
	const slack = 200
	headEnd := indexRuneFrom(t, '\n', min(window, len(t)), min(len(t), window+slack+1))
	if headEnd < 0 {
		headEnd = min(len(t), window)
	}
	tailStart := max(0, len(t)-window)
	if nl := lastIndexRuneIn(t, '\n', max(0, tailStart-slack), tailStart); nl >= 0 {
		tailStart = nl + 1
	}
	if slices.Equal(t[:headEnd], t[tailStart:]) {
		return [2][2]int{{0, headEnd}}, 1
	}
	return [2][2]int{{tailStart, len(t)}, {0, headEnd}}, 2
}

// answerText is strategy 7: the gold text occurs validly in the first
// region that has such an occurrence. It leaves that region, normalised, in
// g.region for the guard.
func (g *grader) answerText(long bool) bool {
	regions, n := textRegions(g.t, len(g.gold), long)
	for _, r := range regions[:n] {
		g.region = g.normStructure(g.region[:0], g.t[r[0]:r[1]])
		if len(g.region) == 0 {
			continue
		}
		for from := 0; ; {
			a, b, ok := findText(g.region, g.gold, from)
			if !ok {
				break
			}
			from = b
			if g.textMatchValid(g.region, a, b) {
				return true
			}
		}
	}
	return false
}

// findText is upstream's answer-text pattern: the first occurrence at or
// after from of text, compared as re.IGNORECASE does, with each space of text
// matching a run of whitespace, not preceded or followed by a word character.
func findText(s, text []rune, from int) (start, end int, ok bool) {
	if len(text) == 0 {
		return 0, 0, false
	}
	for i := from; i < len(s); i++ {
		if i > 0 && isWord(s[i-1]) {
			continue
		}
		if e, ok := matchTextAt(s, text, i); ok && (e == len(s) || !isWord(s[e])) {
			return i, e, true
		}
	}
	return 0, 0, false
}

func matchTextAt(s, text []rune, i int) (int, bool) {
	for _, p := range text {
		if p == ' ' {
			// \s+ is greedy; the next pattern character is never
			// whitespace (the text is collapsed), so greed is exact.
			if i >= len(s) || !pytext.IsSpace(s[i]) {
				return 0, false
			}
			for i < len(s) && pytext.IsSpace(s[i]) {
				i++
			}
			continue
		}
		if i >= len(s) || !(s[i] == p || foldEq(p, s[i])) {
			return 0, false
		}
		i++
	}
	return i, true
}

// textMatchValid is upstream's _answer_text_match_is_valid on the normalised
// region: the match is not negated by the 64 characters before it, its line
// is not option-led, and it is not an option-analysis bullet ("- X: …").
func (g *grader) textMatchValid(region []rune, start, end int) bool {
	p := region[max(0, start-64):start]
	for len(p) > 0 && pytext.IsSpace(p[len(p)-1]) {
		p = p[:len(p)-1]
	}
	if negatedPrefix(&g.m, p, 40) {
		return false
	}
	ls, le := lineBounds(region, start, end)
	line := region[ls:le]
	if reLeadingOption.match(&g.m, trimSpace(line), false) {
		s := trimSpace(line)
		a, b := g.m.span(gLeadOpt)
		if g.kindOK(tokenOption(s, a, b)) {
			return false
		}
	}
	if reBulletLine.match(&g.m, line, false) {
		before := line[:start-ls]
		after := line[end-ls:]
		for len(after) > 0 && isAnyOf(after[0], " *_`~)]}>】") {
			after = after[1:]
		}
		if hasRune(before, ':') || containsRunes(before, " - ") ||
			containsRuneSeq(before, " – ") || containsRuneSeq(before, " — ") {
			return false
		}
		if len(after) > 0 && isAnyOf(after[0], ":-–—") {
			return false
		}
	}
	return true
}

// containsRuneSeq reports whether lit occurs in s (lit may be non-ASCII).
func containsRuneSeq(s []rune, lit string) bool {
	l := []rune(lit)
outer:
	for i := 0; i+len(l) <= len(s); i++ {
		for k, r := range l {
			if s[i+k] != r {
				continue outer
			}
		}
		return true
	}
	return false
}

// guardRejects is the answer-text guard (step 17): in the region where
// strategy 7 found the gold text, another option's text (normalised like the
// gold text; skipped when empty, equal to the gold text or a bare label)
// occurs validly outside every valid match of the gold text.
func (g *grader) guardRejects(others []string, _ string) bool {
	region := g.region
	g.spans = g.spans[:0]
	for from := 0; ; {
		a, b, ok := findText(region, g.gold, from)
		if !ok {
			break
		}
		from = b
		if g.textMatchValid(region, a, b) {
			g.spans = append(g.spans, [2]int{a, b})
		}
	}
	for _, o := range others {
		g.tmp = appendRunes(g.tmp[:0], stripTeX(o))
		g.other = answerTextNorm(g.other[:0], g.tmp)
		if len(g.other) == 0 || slices.Equal(g.other, g.gold) || isBareLabel(g.other) {
			continue
		}
		for from := 0; ; {
			a, b, ok := findText(region, g.other, from)
			if !ok {
				break
			}
			from = b
			if g.insideGold(a, b) || !g.textMatchValid(region, a, b) {
				continue
			}
			return true
		}
	}
	return false
}

func (g *grader) insideGold(a, b int) bool {
	for _, s := range g.spans {
		if s[0] <= a && b <= s[1] {
			return true
		}
	}
	return false
}
