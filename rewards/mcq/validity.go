package mcq

// Validity of a candidate option (common.md §5, "Validity of a candidate
// option"), as upstream's _candidate_is_valid decides it.

// valid reports whether the option o read at text[start:end] stands: not
// negated, not entangled with another option, not contradicted.
func (g *grader) valid(text []rune, start, end int, o option) bool {
	ctx, rs, re := localContext(text, start, end)
	return !g.negated(ctx, rs) && !g.entangled(ctx, rs, re, o) && !g.contradicted(ctx, re, o)
}

// localContext is the candidate's line widened to the previous and next
// non-empty lines, capped at 160 characters before and 240 after.
func localContext(text []rune, start, end int) (ctx []rune, rs, re int) {
	ls, le := lineBounds(text, start, end)
	cs := prevNonEmptyLineStart(text, ls)
	ce := nextNonEmptyLineEnd(text, le)
	cs = max(cs, start-contextBefore)
	ce = min(ce, end+contextAfter)
	return text[cs:ce], start - cs, end - cs
}

func prevNonEmptyLineStart(s []rune, lineStart int) int {
	for cur := lineStart; cur > 0; {
		pe := cur - 1
		ps := lastIndexRuneIn(s, '\n', 0, pe) + 1
		if a, b := trimBounds(s, ps, pe); a < b {
			return ps
		}
		cur = ps
	}
	return lineStart
}

func nextNonEmptyLineEnd(s []rune, lineEnd int) int {
	for cur := lineEnd; cur < len(s); {
		ns := cur
		if s[cur] == '\n' {
			ns++
		}
		ne := indexRuneFrom(s, '\n', ns, len(s))
		if ne < 0 {
			ne = len(s)
		}
		if a, b := trimBounds(s, ns, ne); a < b {
			return ne
		}
		if ne == len(s) {
			break
		}
		cur = ne
	}
	return lineEnd
}

// negated: the 48 characters before the token, normalised and stripped of
// trailing spaces and opening brackets, end in a negation. Upstream also
// compares the 40 characters after the token with " is incorrect" and the
// like, but only after trimming them, so that test never succeeds and is
// left out: "Answer: C is incorrect" counts as C.
func (g *grader) negated(ctx []rune, rs int) bool {
	g.tmp2 = g.normMatch(g.tmp2[:0], ctx[max(0, rs-48):rs])
	p := g.tmp2
	for len(p) > 0 {
		switch p[len(p)-1] {
		case ' ', '(', '[', '{', '<', '【':
			p = p[:len(p)-1]
			continue
		}
		break
	}
	return negatedPrefix(&g.m, p, 32)
}

// negatedPrefix is the shared negation test on a prefix: a negation word and
// at most three more words at its end, or "rather than"/"except" at its end,
// or "wrong/incorrect diagnosis is" within its last tailLen characters.
func negatedPrefix(m *machine, p []rune, tailLen int) bool {
	if reNegationPrefix.searchFirst(m, p, 0, negationFirst, negationCanStart) {
		return true
	}
	if hasSuffixRunes(p, "rather than") || hasSuffixRunes(p, "except") {
		return true
	}
	last := p[max(0, len(p)-tailLen):]
	return containsRunes(last, "wrong diagnosis is") || containsRunes(last, "incorrect diagnosis is")
}

// entangled: another option token of the label's kind, with a different
// value, lies in the context separated from the candidate by at most 24
// (normalised) characters of connector glue ("C or D", "A, C").
func (g *grader) entangled(ctx []rune, rs, re int, o option) bool {
	for from := 0; ; {
		a, b, ok := nextToken(ctx, from)
		if !ok {
			return false
		}
		from = b
		if harmlessToken(ctx, a, b) {
			continue
		}
		other := tokenOption(ctx, a, b)
		if !g.kindOK(other) || other == o {
			continue
		}
		var between []rune
		switch {
		case b <= rs:
			between = ctx[b:rs]
		case re <= a:
			between = ctx[re:a]
		default:
			continue
		}
		g.tmp2 = g.normMatch(g.tmp2[:0], between)
		if len(g.tmp2) > 24 {
			continue
		}
		if isConnector(g.tmp2) {
			return true
		}
	}
}

// harmlessToken skips stray letters that are no option: the pronoun "i"
// between spaces or punctuation, an "i" opening the context, and any token
// next to an apostrophe ("it's").
func harmlessToken(ctx []rune, a, b int) bool {
	if b-a == 1 && (ctx[a] == 'i' || ctx[a] == 'I') {
		before, after := ' ', ' '
		if a > 0 {
			before = ctx[a-1]
		}
		if b < len(ctx) {
			after = ctx[b]
		}
		if isAnyOf(before, " \n\t,;.([") && isAnyOf(after, " \n\t,;.!?)]") {
			return true
		}
		if a == 0 {
			return true
		}
	}
	if a > 0 && (ctx[a-1] == '\'' || ctx[a-1] == '’') {
		return true
	}
	return b < len(ctx) && (ctx[b] == '\'' || ctx[b] == '’')
}

func isAnyOf(r rune, set string) bool {
	for _, c := range set {
		if r == c {
			return true
		}
	}
	return false
}

// connectors are the words that may join two options in a list.
var connectors = [...]string{"and", "or", "ou", "y", "e", "nor", "plus", "versus", "vs", "instead"}

// isConnector is upstream's _looks_like_option_connector on normalised text:
// empty, or after removing the words "option"/"choice" and stripping
// ",;:./&+()[]{}<>-\" and spaces from both ends, empty or one connector word.
func isConnector(s []rune) bool {
	s = trimSpace(s)
	if len(s) == 0 {
		return true
	}
	// Remove whole words "option" and "choice" (case-sensitive \b…\b), then
	// strip. Only the stripped remainder matters, so instead of building the
	// replaced string, blank the words into a copy.
	var buf [64]rune
	w := buf[:0]
	if len(s) <= len(buf) {
		w = append(w, s...)
	} else {
		w = append([]rune(nil), s...)
	}
	for i := 0; i < len(w); i++ {
		for _, word := range [...]string{"option", "choice"} {
			if hasPrefixRunes(w[i:], word) && (i == 0 || !isWord(w[i-1])) &&
				(i+len(word) == len(w) || !isWord(w[i+len(word)])) {
				w = append(w[:i], append([]rune{' '}, w[i+len(word):]...)...)
				break
			}
		}
	}
	w = trimSpace(w)
	const glue = ",;:./&+()[]{}<>-\\ "
	for len(w) > 0 && isAnyOf(w[0], glue) {
		w = w[1:]
	}
	for len(w) > 0 && isAnyOf(w[len(w)-1], glue) {
		w = w[:len(w)-1]
	}
	if len(w) == 0 {
		return true
	}
	for _, c := range connectors {
		if equalRunes(w, c) {
			return true
		}
	}
	return false
}

var contrastHints = [...]string{" but ", " however ", " instead ", " actually ", " rather "}

// contradicted: the 80 characters after the token, normalised and trimmed,
// hold a contrast word and an option token of the label's kind with a
// different value. The trim drops the space before a contrast word right
// after the token, so "C but D" is missed, as upstream misses it.
func (g *grader) contradicted(ctx []rune, re int, o option) bool {
	g.tmp2 = g.normMatch(g.tmp2[:0], ctx[re:min(len(ctx), re+80)])
	s := g.tmp2
	hint := false
	for _, h := range contrastHints {
		if containsRunes(s, h) {
			hint = true
			break
		}
	}
	if !hint {
		return false
	}
	for from := 0; ; {
		a, b, ok := nextToken(s, from)
		if !ok {
			return false
		}
		from = b
		if other := tokenOption(s, a, b); g.kindOK(other) && other != o {
			return true
		}
	}
}
