package mcq

import (
	"errors"
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// Question is what the grader knows about one item.
type Question struct {
	// GoldLabel is the gold option: a letter A–Z (any case) or digits.
	GoldLabel string
	// GoldText is the gold option's text; it may be empty.
	GoldText string
	// OtherTexts are the other options' texts, read only by the guard.
	OtherTexts []string
}

// ErrBadLabel reports a gold label that is neither one letter nor digits.
var ErrBadLabel = errors.New("mcq: gold label must be one letter or digits")

// Validate checks the gold label, the one configuration error Grade cannot
// report itself (upstream raises ValueError there).
func (q Question) Validate() error {
	if !parseLabel(q.GoldLabel).valid() {
		return ErrBadLabel
	}
	return nil
}

// Options changes the grader's behaviour.
type Options struct {
	// Guard enables the answer-text guard of common.md §5 step 17: a
	// strategy-7 verdict is overturned when another option's text is named
	// validly too. Envs turn it on by default and off with compat "medmarks".
	Guard bool
}

// Verdict is the grader's decision.
type Verdict struct {
	Correct bool
	// Strategy is what decided; None when nothing matched.
	Strategy Strategy
	// Option is the option token the deciding strategy read ("C", "2"), if
	// any; empty for the answer-text strategies.
	Option string
}

// Lengths of upstream's long-response handling (common.md §5 step 12).
const (
	longThreshold  = 4000 // a response longer than this is "long"
	terminalWindow = 4000 // strategies 4 and 7 then search this tail
	strongTail     = 2000 // strategy 6 then searches this tail
	contextBefore  = 160  // validity context before a candidate
	contextAfter   = 240  // validity context after a candidate
	tailMaxWords   = 16   // strategy 6's longest trailing segment
)

// graders is a pool of scratch space; a grader's buffers grow to the
// largest response seen, so Grade allocates little after warm-up.
var graders = sync.Pool{New: func() any { return new(grader) }}

// Grade grades an extracted answer (after §4 extraction) against q: the
// verdict of upstream's multiple_choice_accuracy with its defaults, plus the
// answer-text guard when opt.Guard is set. It never panics; an invalid gold
// label (see Question.Validate) grades every answer wrong.
func Grade(answer string, q Question, opt Options) Verdict {
	if answer == "" {
		return Verdict{}
	}
	g := graders.Get().(*grader)
	v := g.grade(answer, q, opt)
	g.shrink()
	graders.Put(g)
	return v
}

// shrink drops scratch grown by an outsized response, so the pool does not
// keep megabytes for the next, ordinary one.
func (g *grader) shrink() {
	const keep = 1 << 16
	if cap(g.t) > keep {
		g.t = nil
	}
	if cap(g.tmp) > keep {
		g.tmp = nil
	}
	if cap(g.m.stack) > keep {
		g.m.stack = nil
	}
}

// grader holds the state and scratch of one Grade call.
type grader struct {
	m      machine
	label  option
	digit  bool   // the label is digits: only digit tokens count
	t      []rune // the normalised response ("structural text")
	gold   []rune // the normalised gold text
	tmp    []rune // scratch for short normalisations
	tmp2   []rune
	region []rune // normalised strategy-7 region
	fixed  bool   // normalizeStructure leaves g.t (and so its substrings) unchanged
	other  []rune
	spans  [][2]int
	toks   [][2]int
}

// parseLabel is upstream's _norm_option on the gold label: trimmed; digits
// (str.isdigit) as they are; one letter upper-cased. A label that cannot
// equal any token (three digits, say) gets an impossible value but keeps its
// kind.
func parseLabel(s string) option {
	rs := trimSpace([]rune(s))
	switch {
	case len(rs) == 0:
		return option{}
	case allPyDigits(rs):
		o := option{digit: true}
		if len(rs) <= 2 {
			copy(o.r[:], rs)
		} else {
			o.r = [2]rune{-1, -1}
		}
		return o
	case len(rs) == 1 && isPyAlpha(rs[0]):
		return option{r: [2]rune{toUpper(rs[0])}}
	}
	return option{}
}

func allPyDigits(rs []rune) bool {
	for _, r := range rs {
		if !isPyDigit(r) {
			return false
		}
	}
	return len(rs) > 0
}

func (g *grader) grade(answer string, q Question, opt Options) Verdict {
	// Steps 2–4: think blocks, answer tags, TeX.
	text := removeThink(answer)
	text = replaceAnswerTags(text)
	text = stripTeX(text)
	goldText := stripTeX(q.GoldText)

	// Step 5: the response.
	if isASCII(text) {
		g.t = appendLowerASCII(g.t[:0], text)
		g.fixed = true
	} else {
		n := normalizeStructure(text)
		g.t = appendRunes(g.t[:0], n)
		// Renormalising the response leaves it unchanged when it is in NFKC
		// (the punctuation map and case folding are idempotent), and then
		// so are its substrings (NFKC is closed under substrings, the rest
		// works per character): they need no renormalising below.
		g.fixed = norm.NFKC.IsNormalString(n)
	}
	g.t = trimSpace(g.t)
	// Step 6: label and gold text.
	g.label = parseLabel(q.GoldLabel)
	g.digit = g.label.digit
	g.tmp = appendRunes(g.tmp[:0], goldText)
	g.gold = answerTextNorm(g.gold[:0], g.tmp)
	if !g.label.valid() || len(g.t) == 0 {
		return Verdict{}
	}
	exactTextAllowed := len(g.gold) > 0
	fallbackAllowed := exactTextAllowed && !isBareLabel(g.gold)

	// Strategy 1, exact option.
	direct := g.exactOption()
	if direct.valid() && direct == g.label {
		return Verdict{Correct: true, Strategy: ExactOption, Option: direct.String()}
	}
	// Strategy 2, exact answer text.
	if exactTextAllowed && g.exactText() {
		return Verdict{Correct: true, Strategy: ExactText}
	}
	if direct.valid() {
		return Verdict{Strategy: ExactOption, Option: direct.String()}
	}
	// Strategy 3, option plus text.
	if o := g.optionPlusText(); o.valid() {
		return g.decide(OptionPlusText, o)
	}

	t := g.t
	long := len(t) > longThreshold
	terminal, tail := t, t
	if long {
		terminal = t[len(t)-terminalWindow:]
		tail = terminal[len(terminal)-strongTail:]
	}
	// Strategy 4, anchored commitment.
	if o := g.anchored(terminal); o.valid() {
		return g.decide(Anchored, o)
	}
	// Strategy 5, leading option line (short responses only).
	if !long {
		if o := g.leadingLine(t); o.valid() {
			return g.decide(LeadingLine, o)
		}
	}
	// Strategy 6, tail token.
	if o := g.tailToken(tail); o.valid() {
		return g.decide(TailToken, o)
	}
	// Strategy 7, answer-text fallback, and the guard.
	if fallbackAllowed {
		if found := g.answerText(long); found {
			if opt.Guard && g.guardRejects(q.OtherTexts, goldText) {
				return Verdict{Strategy: GuardRejected}
			}
			return Verdict{Correct: true, Strategy: AnswerText}
		}
	}
	return Verdict{}
}

func (g *grader) decide(s Strategy, o option) Verdict {
	return Verdict{Correct: o == g.label, Strategy: s, Option: o.String()}
}

// appendLowerASCII appends s, which is ASCII, lower-cased: the whole of
// normalizeStructure for ASCII text.
func appendLowerASCII(dst []rune, s string) []rune {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, rune(c))
	}
	return dst
}

// normMatch is normalize_for_match for substrings of the response.
func (g *grader) normMatch(dst, src []rune) []rune { return appendNormMatchFixed(dst, src, g.fixed) }

// normStructure is appendNormStructure for substrings of the response.
func (g *grader) normStructure(dst, src []rune) []rune {
	if g.fixed {
		return append(dst, src...)
	}
	return appendNormStructure(dst, src)
}

// answerTextNorm is answerTextNorm for substrings of the response.
func (g *grader) answerTextNorm(dst, src []rune) []rune {
	return answerTextNormFixed(dst, src, g.fixed)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// kindOK is upstream's _option_kind_matches: letters for letter labels,
// digits for digit labels.
func (g *grader) kindOK(o option) bool { return o.valid() && o.digit == g.digit }

// exactOption is strategy 1's reading: the wrapper-stripped response is one
// option token, optionally after "option"/"choice" and before . ! ?.
func (g *grader) exactOption() option {
	s := stripWrappers(g.t)
	if !reExactOption.match(&g.m, s, true) {
		return option{}
	}
	a, b := g.m.span(gExactOpt)
	o := tokenOption(s, a, b)
	if !g.kindOK(o) {
		return option{}
	}
	return o
}

// exactText is strategy 2: the wrapper-stripped response, normalised like
// the gold text, equals it.
func (g *grader) exactText() bool {
	s := stripWrappers(g.t)
	if g.fixed {
		// answerTextNorm would strip the wrappers again, which changes
		// nothing: stripWrappers stops where no rule applies.
		return equalsNormMatch(s, g.gold)
	}
	g.tmp = g.answerTextNorm(g.tmp[:0], s)
	return slices.Equal(g.tmp, g.gold)
}

// equalsNormMatch reports whether answerTextNorm(s) equals want for an
// already normalised, wrapper-free s, comparing as it goes instead of
// building the normalised text: whitespace runs count as one space; the
// ends are trimmed, trailing ".,:;!?" too.
func equalsNormMatch(s, want []rune) bool {
	a, e := trimBounds(s, 0, len(s))
	for e > a && strings.ContainsRune(".,:;!?", s[e-1]) {
		e--
	}
	for e > a && pytext.IsSpace(s[e-1]) {
		e--
	}
	k := 0
	for i := a; i < e; i++ {
		r := s[i]
		if pytext.IsSpace(r) {
			for i+1 < e && pytext.IsSpace(s[i+1]) {
				i++
			}
			r = ' '
		}
		if k >= len(want) || want[k] != r {
			return false
		}
		k++
	}
	return k == len(want)
}

// optionPlusText is strategy 3: the whole wrapper-stripped response is an
// option-led line whose rest equals the gold text.
func (g *grader) optionPlusText() option {
	s := stripWrappers(g.t)
	if !reLeadingOption.match(&g.m, s, true) {
		return option{}
	}
	a, b := g.m.span(gLeadOpt)
	o := tokenOption(s, a, b)
	if !g.kindOK(o) {
		return option{}
	}
	ra, rb := g.m.span(gLeadRest)
	g.tmp = g.answerTextNorm(g.tmp[:0], s[ra:rb])
	if !slices.Equal(g.tmp, g.gold) {
		return option{}
	}
	return o
}

// anchored is strategy 4: the last valid anchored commitment in text.
func (g *grader) anchored(text []rune) option {
	var latest option
	for from := 0; from <= len(text); {
		if !reAnchor.searchFirst(&g.m, text, from, anchorFirst, anchorCanStart) {
			break
		}
		_, end := g.m.span(0)
		na, _ := g.m.span(gAnchorNeg)
		oa, ob := g.m.span(gAnchorOpt)
		from = end
		if na >= 0 {
			continue // "answer is not C"
		}
		o := tokenOption(text, oa, ob)
		if !g.kindOK(o) {
			continue
		}
		if g.valid(text, oa, ob, o) {
			latest = o
		}
	}
	return latest
}

// leadingLine is strategy 5: a short response whose last line (or, on one
// line, the whole response) is led by an option with a separator.
func (g *grader) leadingLine(text []rune) option {
	src, offset := text, 0
	matched := false
	if !hasRune(text, '\n') {
		matched = reLeadingOption.match(&g.m, src, false)
	}
	if !matched {
		a, b, ok := lastNonEmptyLine(text)
		if !ok {
			return option{}
		}
		src, offset = text[a:b], a
		if !reLeadingOption.match(&g.m, src, false) {
			return option{}
		}
	}
	oa, ob := g.m.span(gLeadOpt)
	ra, rb := g.m.span(gLeadRest)
	o := tokenOption(src, oa, ob)
	if !g.kindOK(o) {
		return option{}
	}
	// Prose like "I think B works" is no option-led line: the separator
	// must hold punctuation, or the rest open with a bracket or quote.
	sep := src[ob:ra]
	rest := src[ra:rb]
	for len(rest) > 0 && pytext.IsSpace(rest[0]) {
		rest = rest[1:]
	}
	if !containsAny(sep, ")]}>】.:-*_`~\\") && !startsWithOpener(rest) {
		return option{}
	}
	if g.enumerates(text) {
		return option{}
	}
	if !g.valid(text, offset+oa, offset+ob, o) {
		return option{}
	}
	return o
}

func containsAny(s []rune, set string) bool {
	for _, r := range s {
		if strings.ContainsRune(set, r) {
			return true
		}
	}
	return false
}

func startsWithOpener(s []rune) bool {
	if len(s) == 0 {
		return false
	}
	switch s[0] {
	case '(', '[', '{', '<', '【', '"', '\'':
		return true
	}
	return hasPrefixRunes(s, `\boxed{`)
}

// enumerates is upstream's _contains_multiple_option_led_sentences: two or
// more chunks (lines if the text has a \n, else sentences) start with
// different option tokens followed by ) . : or -.
func (g *grader) enumerates(text []rune) bool {
	var first option
	found := false
	check := func(a, b int) bool {
		chunk := trimSpace(text[a:b])
		if !reSentenceOptionStart.match(&g.m, chunk, false) {
			return true
		}
		oa, ob := g.m.span(gSentOpt)
		o := tokenOption(chunk, oa, ob)
		if !g.kindOK(o) {
			return true
		}
		if !first.valid() {
			first = o
		} else if o != first {
			found = true
			return false
		}
		return true
	}
	if hasRune(text, '\n') {
		forLines(text, check)
	} else {
		forSentences(text, check)
	}
	return found
}

// forSentences calls fn for each part of re.split(r"[.!?]\s+", text).
func forSentences(s []rune, fn func(a, b int) bool) {
	start := 0
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && i+1 < len(s) && pytext.IsSpace(s[i+1]) {
			j := i + 1
			for j < len(s) && pytext.IsSpace(s[j]) {
				j++
			}
			if !fn(start, i) {
				return
			}
			start = j
			i = j - 1
		}
	}
	fn(start, len(s))
}

// tailToken is strategy 6 on region: a last line that is only an option, or
// a short last segment ending in one.
func (g *grader) tailToken(region []rune) option {
	if a, b, ok := lastNonEmptyLine(region); ok {
		line := region[a:b]
		if !g.compactList(line) && reTerminalOptionLine.match(&g.m, line, true) {
			oa, ob := g.m.span(gTermOpt)
			if o := tokenOption(line, oa, ob); g.kindOK(o) && g.valid(region, a+oa, a+ob, o) {
				return o
			}
		}
	}
	a, b, ok := tailChoiceText(region)
	if !ok {
		return option{}
	}
	seg := region[a:b]
	if g.compactList(seg) {
		return option{}
	}
	if !reTailChoice.search(&g.m, seg, 0, tailCanStart) {
		return option{}
	}
	oa, ob := g.m.span(gTailOpt)
	o := tokenOption(seg, oa, ob)
	if !g.kindOK(o) || !g.valid(region, a+oa, a+ob, o) {
		return option{}
	}
	return o
}

// tailChoiceText is upstream's _tail_choice_text: the last part of the
// trimmed region split on runs of \n and on . ! ? before whitespace, trimmed,
// if it has at most 16 words. The bounds index region.
func tailChoiceText(region []rune) (int, int, bool) {
	ra, rb := trimBounds(region, 0, len(region))
	if ra == rb {
		return 0, 0, false
	}
	last := ra
	for i := ra; i < rb; i++ {
		switch c := region[i]; {
		case c == '\n':
			j := i
			for j < rb && region[j] == '\n' {
				j++
			}
			last, i = j, j-1
		case (c == '.' || c == '!' || c == '?') && i+1 < rb && pytext.IsSpace(region[i+1]):
			j := i + 1
			for j < rb && pytext.IsSpace(region[j]) {
				j++
			}
			last, i = j, j-1
		}
	}
	a, b := trimBounds(region, last, rb)
	if a == b {
		// Unreachable on a trimmed region; kept as upstream has it.
		var ok bool
		if a, b, ok = lastNonEmptyLine(region[ra:rb]); !ok {
			return 0, 0, false
		}
		a, b = a+ra, b+ra
	}
	if countWords(region[a:b]) > tailMaxWords {
		return 0, 0, false
	}
	return a, b, true
}

// countWords is len(s.split()).
func countWords(s []rune) int {
	n := 0
	in := false
	for _, r := range s {
		if pytext.IsSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// compactList is upstream's _is_compact_multi_option_list: at most 40
// characters holding two or more option tokens joined only by connector
// glue ("A, C", "B and D").
func (g *grader) compactList(s []rune) bool {
	toks := g.toks[:0]
	defer func() { g.toks = toks[:0] }()
	for from := 0; ; {
		a, b, ok := nextToken(s, from)
		if !ok {
			break
		}
		from = b
		if g.kindOK(tokenOption(s, a, b)) {
			toks = append(toks, [2]int{a, b})
		}
	}
	if len(toks) < 2 {
		return false
	}
	if ta, tb := trimBounds(s, 0, len(s)); tb-ta > 40 {
		return false
	}
	for i := 0; i+1 < len(toks); i++ {
		g.tmp2 = g.normMatch(g.tmp2[:0], s[toks[i][1]:toks[i+1][0]])
		if !isConnector(g.tmp2) {
			return false
		}
	}
	return true
}
