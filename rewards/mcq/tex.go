package mcq

import (
	"errors"
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// TeX conversion (common.md §5 step 4): a port of what pylatexenc 2.10's
// LatexNodes2Text(math_mode="text").latex_to_text does with its default
// tables (textables.go): its tolerant LatexWalker parser, then its node to
// text rules with the default "macros" spacing (strict LaTeX spacing outside
// math, source spacing inside). Where pylatexenc raises, upstream keeps the
// original text, and so does stripTeX. Known differences: \today and
// \maketitle's date render as "" (upstream prints the day it runs), and
// \title/\author state does not carry over between calls (upstream's
// converter is a shared object that remembers them).

// texTriggered is upstream's _LIKELY_TEX_RE: a backslash before an ASCII
// letter, a '$', or — through its malformed class — a backslash before one of
// $ \ ( ) [ followed by the literal "{}]".
func texTriggered(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '$':
			return true
		case '\\':
			if i+1 < len(s) {
				c := s[i+1]
				if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
					return true
				}
				if strings.IndexByte(`$\()[`, c) >= 0 && strings.HasPrefix(s[i+2:], "{}]") {
					return true
				}
			}
		}
	}
	return false
}

// stripTeX converts s when it looks like TeX; on a conversion error it keeps
// s, as upstream does.
func stripTeX(s string) string {
	if s == "" || !texTriggered(s) {
		return s
	}
	out, err := latexToText(s)
	if err != nil {
		return s
	}
	return out
}

// errTeX stands for an exception inside pylatexenc, after which upstream
// keeps the original text.
var errTeX = errors.New("mcq: tex conversion failed")

// Argument and environment specs of the parser (texWalkerMacros, texWalkerEnvs).
type texArgSpec struct {
	args       string // '*' star, '[' optional, '{' mandatory
	modes      string // per argument: 'n' same mode, 't' text, 'm' math; "" all 'n'
	optNoSpace bool   // an optional argument may not follow whitespace
	verb       bool   // \verb|…|
}

type texEnvSpec struct {
	args     string
	math     bool
	verbatim bool
}

// Text conversion rules (texMacros, texEnvs).
type texKind uint8

const (
	texDiscard        texKind = iota // ""
	texKeepArgs                      // the arguments' text, joined
	texLiteral                       // repl
	texFormat                        // repl with Python %-formatting of the arguments
	texMathStyle                     // letters of the argument in a math alphabet (repl names it)
	texAccent                        // each character of the argument + combining repl, NFC
	texEmpty                         // "" (\input, \title, …), failing without arguments
	texPlaceholder                   // an indented "< g r a p h i c s >" block
	texSection                       // \section and friends
	texTexorpdfstring                // the second argument
	texMaketitle                     // a title block
	texItem                          // "\n  * " or the optional label
	texHref                          // needs arguments the parser never reads: fails
	texExercise                      // "\n<arg>\n[<opt>]\n"
	texUebung                        // same as texExercise
	texMatrix                        // "[ a b; c d ]"
	texMathEnv                       // a display block
)

type texMacro struct {
	kind texKind
	repl string
}

// Parse tree.
type texNodeKind uint8

const (
	tnChars texNodeKind = iota
	tnGroup
	tnComment
	tnMacro
	tnEnv
	tnSpecials
	tnMath
)

type texNode struct {
	kind      texNodeKind
	text      string     // chars; comment post-space; macro, environment or specials name
	postSpace string     // a macro's trailing whitespace
	nodes     []*texNode // group, environment or math content
	args      []*texNode // parsed arguments (nil entries for absent ones)
	hasArgs   bool       // the arguments were parsed (pylatexenc's nodeargd is not None)
	argspec   string
	bare      bool // a macro with no arguments, for the post-space rule
	expr      bool // read as a macro argument: pylatexenc's nodeargs is None
	display   bool // display math
	optArg    *texNode
	legacy    []*texNode // pylatexenc's legacy nodeargs
}

// Tokens.
type texTokKind uint8

const (
	ttChar texTokKind = iota
	ttMacro
	ttComment
	ttBraceOpen
	ttBraceClose
	ttMathInline
	ttMathDisplay
	ttBeginEnv
	ttEndEnv
	ttSpecials
)

// texTok is a token; its text is p.s[pos:pos+n], and the whitespace skipped
// before it is p.s[preStart:pos]. Strings are made only where needed.
type texTok struct {
	kind      texTokKind
	name      string // macro, environment or specials name; math delimiter
	r         rune   // brace
	pos, n    int
	preStart  int
	postStart int // a macro's or comment's trailing whitespace: p.s[postStart:pos+n]
}

func (p *texParser) postSpace(t texTok) string {
	if t.postStart == 0 || t.postStart >= t.pos+t.n {
		return ""
	}
	return internSpace(p.s[t.postStart : t.pos+t.n])
}

// internSpace avoids allocating the common single space.
func internSpace(rs []rune) string {
	if len(rs) == 1 && rs[0] == ' ' {
		return " "
	}
	return string(rs)
}

// errEOS is pylatexenc's LatexWalkerEndOfStream; the final whitespace is
// p.s[start:end].
type errEOS struct{ start, end int }

func (e *errEOS) Error() string { return "end of stream" }

type texState struct {
	inMath    bool
	mathDelim string
}

type texParser struct {
	s      []rune
	frames int // Python stack frames pylatexenc would be using
	work   int // tokens read; see texWorkLimit
}

// texWorkLimit bounds the tokens read per input character. A macro whose
// arguments run into the end of the input is re-parsed without them, so
// nested failures re-read the rest of the input once per level: exponential
// time, in pylatexenc as here. Upstream never finishes on such input; here
// the conversion fails (the text is kept) once the budget is spent.
const texWorkLimit = 32

// Python gives up (RecursionError) near 1,000 frames; pylatexenc spends a
// few per level of nesting, so deeply nested input fails the conversion
// there. The costs below are measured per level (a brace group 4, a macro
// argument group 6, math 3, an environment 3, a comment before a macro
// argument 1); where exactly Python fails also depends on its caller's
// depth, so this is an approximation that also bounds Go's recursion.
const (
	texFrameLimit   = 989
	texCostGroup    = 4
	texCostArgGroup = 6
	texCostMath     = 3
	texCostEnv      = 3
	texCostComment  = 1
	texCostOptGroup = 6
)

func (p *texParser) enter(cost int) error {
	p.frames += cost
	if p.frames > texFrameLimit {
		return errTeX
	}
	return nil
}

func (p *texParser) leave(cost int) { p.frames -= cost }

// token is LatexWalker.get_token.
func (p *texParser) token(pos int, extra [][2]rune, environments bool, st texState) (texTok, error) {
	s := p.s
	if p.work++; p.work > texWorkLimit*len(s)+10000 {
		return texTok{}, errTeX
	}
	start := pos
	for pos < len(s) && pytext.IsSpace(s[pos]) {
		pos++
		if pos-start >= 2 && s[pos-1] == '\n' && s[pos-2] == '\n' {
			return texTok{kind: ttChar, pos: pos - 2, n: 2, preStart: start}, nil
		}
	}
	if pos >= len(s) {
		return texTok{}, &errEOS{start: start, end: pos}
	}
	tok := texTok{pos: pos, n: 1, preStart: start}
	switch c := s[pos]; {
	case c == '\\':
		if pos+1 >= len(s) {
			return texTok{}, &errEOS{}
		}
		i := 2
		alpha := isPyAlpha(s[pos+1])
		if alpha {
			for pos+i < len(s) && isPyAlpha(s[pos+i]) {
				i++
			}
		}
		tok.n = i
		if !alpha {
			switch s[pos+1] {
			case '[':
				tok.kind, tok.name = ttMathDisplay, `\[`
				return tok, nil
			case ']':
				tok.kind, tok.name = ttMathDisplay, `\]`
				return tok, nil
			case '(':
				tok.kind, tok.name = ttMathInline, `\(`
				return tok, nil
			case ')':
				tok.kind, tok.name = ttMathInline, `\)`
				return tok, nil
			}
			tok.kind = ttMacro
			if c := s[pos+1]; c < 128 {
				tok.name = asciiStrings[c] // \\, \%, \, …
			} else {
				tok.name = string(c)
			}
			return tok, nil
		}
		name := string(s[pos+1 : pos+i])
		if environments && (name == "begin" || name == "end") {
			env, n, ok := p.envName(pos + i)
			if !ok {
				// Tolerant: the macro becomes a placeholder char token.
				tok.kind = ttChar
				return tok, nil
			}
			tok.kind, tok.name, tok.n = ttBeginEnv, env, i+n
			if name == "end" {
				tok.kind = ttEndEnv
			}
			return tok, nil
		}
		j := pos + i
		for j < len(s) && pytext.IsSpace(s[j]) {
			j++
			if j-(pos+i) >= 2 && s[j-1] == '\n' && s[j-2] == '\n' {
				j -= 2
				break
			}
		}
		tok.kind, tok.name, tok.n, tok.postStart = ttMacro, name, j-pos, pos+i
		return tok, nil
	case c == '%':
		// The comment ends at the first \n or \r; the whitespace after it
		// belongs to the comment unless it starts a new paragraph.
		tok.kind = ttComment
		j := pos
		for j < len(s) && s[j] != '\n' && s[j] != '\r' {
			j++
		}
		if j == len(s) {
			tok.n = len(s) - pos
			return tok, nil
		}
		k := j + 1
		for k < len(s) && pytext.IsSpace(s[k]) {
			k++
		}
		if k > j+1 && (s[j+1] == '\n' || s[j+1] == '\r') {
			tok.n = j - pos
			return tok, nil
		}
		tok.n, tok.postStart = k-pos, j
		return tok, nil
	case c == '{' || isExtraBrace(extra, c, 0):
		tok.kind, tok.r = ttBraceOpen, c
		return tok, nil
	case c == '}' || isExtraBrace(extra, c, 1):
		tok.kind, tok.r = ttBraceClose, c
		return tok, nil
	case c == '$':
		if pos+1 < len(s) && s[pos+1] == '$' && !(st.inMath && st.mathDelim == "$") {
			tok.kind, tok.name, tok.n = ttMathDisplay, "$$", 2
			return tok, nil
		}
		tok.kind, tok.name = ttMathInline, "$"
		return tok, nil
	}
	if sp, n := p.specials(pos); n > 0 {
		tok.kind, tok.name, tok.n = ttSpecials, sp, n
		return tok, nil
	}
	tok.kind = ttChar
	return tok, nil
}

func isExtraBrace(extra [][2]rune, c rune, side int) bool {
	for _, b := range extra {
		if b[side] == c {
			return true
		}
	}
	return false
}

// specials returns the longest specials sequence at pos and its length (all
// are ASCII), or n = 0.
func (p *texParser) specials(pos int) (string, int) {
	if !strings.ContainsRune("&~`'-!?", p.s[pos]) {
		return "", 0
	}
	best := ""
	for sp := range texSpecials {
		if len(sp) > len(best) && hasPrefixRunes(p.s[pos:], sp) {
			best = sp
		}
	}
	return best, len(best)
}

// envName matches ^\s*\{([\w* ._-]+)\} at pos.
func (p *texParser) envName(pos int) (string, int, bool) {
	s := p.s
	j := pos
	for j < len(s) && pytext.IsSpace(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '{' {
		return "", 0, false
	}
	k := j + 1
	for k < len(s) && (isWord(s[k]) || strings.ContainsRune("* ._-", s[k])) {
		k++
	}
	if k == j+1 || k >= len(s) || s[k] != '}' {
		return "", 0, false
	}
	return string(s[j+1 : k]), k + 1 - pos, true
}

// stop conditions of nodes().
type texStop struct {
	brace    [2]rune // open, close; zero when unused
	env      string
	math     string
	hasBrace bool
}

// nodes is LatexWalker.get_latex_nodes in tolerant mode: it returns the
// nodes and the position after the stop token (or the end).
func (p *texParser) nodes(pos int, stop texStop, st texState) ([]*texNode, int, error) {
	var extra [][2]rune
	if stop.hasBrace && stop.brace[1] != '}' {
		extra = [][2]rune{stop.brace}
	}
	var out []*texNode
	var last []rune // pending characters, pylatexenc's lastchars
	flush := func(pre []rune) {
		if len(last) > 0 {
			out = append(out, &texNode{kind: tnChars, text: string(last) + string(pre)})
			last = last[:0]
		} else if len(pre) > 0 {
			out = append(out, &texNode{kind: tnChars, text: internSpace(pre)})
		}
	}
	for {
		tok, err := p.token(pos, extra, true, st)
		if err != nil {
			// End of input ends every level alike (pylatexenc's do_read
			// returns the end-of-stream in tolerant mode): the trailing
			// whitespace joins the last characters.
			eos, ok := err.(*errEOS)
			if !ok {
				return nil, 0, err
			}
			last = append(last, p.s[eos.start:eos.end]...)
			pos += eos.end - eos.start
			if len(last) > 0 {
				out = append(out, &texNode{kind: tnChars, text: string(last)})
			}
			return out, pos, nil
		}
		pos = tok.pos + tok.n
		if tok.kind == ttChar {
			last = append(last, p.s[tok.preStart:tok.pos+tok.n]...)
			continue
		}
		flush(p.s[tok.preStart:tok.pos])
		switch tok.kind {
		case ttBraceClose:
			if stop.hasBrace && tok.r == stop.brace[1] {
				return out, pos, nil
			}
			continue // a stray closing brace: skipped
		case ttEndEnv:
			if stop.env != "" && tok.name == stop.env {
				return out, pos, nil
			}
			continue
		case ttMathInline, ttMathDisplay:
			if stop.math != "" && tok.name == stop.math {
				return out, pos, nil
			}
			if tok.name == `\)` || tok.name == `\]` {
				continue // a closing delimiter out of place: skipped
			}
			closing := tok.name
			switch tok.name {
			case `\(`:
				closing = `\)`
			case `\[`:
				closing = `\]`
			}
			inner := texState{inMath: true, mathDelim: tok.name}
			if err := p.enter(texCostMath); err != nil {
				return nil, 0, err
			}
			content, end, err := p.nodes(pos, texStop{math: closing}, inner)
			p.leave(texCostMath)
			if err != nil {
				return nil, 0, err
			}
			pos = end
			out = append(out, &texNode{kind: tnMath, nodes: content, display: tok.name != "$" && tok.name != `\(`})
		case ttComment:
			out = append(out, &texNode{kind: tnComment, text: p.postSpace(tok)})
		case ttBraceOpen:
			g, end, err := p.group(tok.pos, tok.r, st, texCostGroup)
			if err != nil {
				return nil, 0, err
			}
			pos = end
			out = append(out, g)
		case ttBeginEnv:
			e, end, err := p.environment(tok, st)
			if err != nil {
				return nil, 0, err
			}
			pos = end
			out = append(out, e)
		case ttMacro:
			n, end, err := p.macro(tok, st)
			if err != nil {
				return nil, 0, err
			}
			pos = end
			out = append(out, n)
		case ttSpecials:
			out = append(out, &texNode{kind: tnSpecials, text: tok.name})
		}
	}
}

var closerOf = map[rune]rune{'{': '}', '[': ']', '(': ')', '<': '>'}

// group reads a braced group whose opening brace is at pos.
func (p *texParser) group(pos int, open rune, st texState, cost int) (*texNode, int, error) {
	if err := p.enter(cost); err != nil {
		return nil, 0, err
	}
	nodes, end, err := p.nodes(pos+1, texStop{brace: [2]rune{open, closerOf[open]}, hasBrace: true}, st)
	p.leave(cost)
	if err != nil {
		return nil, 0, err
	}
	return &texNode{kind: tnGroup, nodes: nodes}, end, nil
}

// environment reads \begin{name}…\end{name}.
func (p *texParser) environment(tok texTok, st texState) (*texNode, int, error) {
	spec := texWalkerEnvs[tok.name]
	pos := tok.pos + tok.n
	node := &texNode{kind: tnEnv, text: tok.name}
	if spec.verbatim {
		i := indexRunesFrom(p.s, []rune(`\end{verbatim}`), pos)
		if i >= 0 {
			node.args = []*texNode{{kind: tnChars, text: string(p.s[pos:i])}}
			node.hasArgs = true
			pos = i
		}
	} else {
		args, end, ok, err := p.args(pos, texArgSpec{args: spec.args}, st)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			node.args, node.hasArgs, pos = args, true, end
		}
	}
	inner := st
	if spec.math {
		inner = texState{inMath: true, mathDelim: "{" + tok.name + "}"}
	}
	if err := p.enter(texCostEnv); err != nil {
		return nil, 0, err
	}
	nodes, end, err := p.nodes(pos, texStop{env: tok.name}, inner)
	p.leave(texCostEnv)
	if err != nil {
		return nil, 0, err
	}
	node.nodes = nodes
	return node, end, nil
}

func indexRunesFrom(s, sub []rune, from int) int {
outer:
	for i := from; i+len(sub) <= len(s); i++ {
		for k, r := range sub {
			if s[i+k] != r {
				continue outer
			}
		}
		return i
	}
	return -1
}

// macro reads a macro token's arguments; unknown macros take none.
func (p *texParser) macro(tok texTok, st texState) (*texNode, int, error) {
	spec := texWalkerMacros[tok.name]
	pos := tok.pos + tok.n
	node := &texNode{kind: tnMacro, text: tok.name, postSpace: p.postSpace(tok), argspec: spec.args}
	if spec.verb {
		if pos >= len(p.s) {
			// w.s[pos] past the end: an IndexError, which fails the conversion.
			return nil, 0, errTeX
		}
		if arg, end, ok := p.verbArg(pos); ok {
			node.args, node.hasArgs, node.argspec = []*texNode{arg}, true, "{"
			node.legacy = node.args
			return node, end, nil
		}
		node.bare = true
		return node, pos, nil
	}
	args, end, ok, err := p.args(pos, spec, st)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		node.bare = true // arguments failed: pylatexenc keeps no arguments
		return node, pos, nil
	}
	node.args, node.hasArgs = args, true
	node.optArg, node.legacy = legacyArgs(spec.args, args)
	node.bare = node.optArg == nil && len(node.legacy) == 0
	return node, end, nil
}

// legacyArgs is ParsedMacroArgs._get_legacy_attribs: (first optional
// argument, the rest) when the spec is stars, one '[' and then only '{';
// else (nil, all).
func legacyArgs(spec string, args []*texNode) (*texNode, []*texNode) {
	skip := 0
	for skip < len(spec) && spec[skip] == '*' {
		skip++
	}
	rest := spec[skip:]
	if strings.HasPrefix(rest, "[") && strings.Trim(rest[1:], "{") == "" {
		return args[skip], args[skip+1:]
	}
	return nil, args
}

// verbArg reads \verb's delimited argument.
func (p *texParser) verbArg(pos int) (*texNode, int, bool) {
	s := p.s
	for pytext.IsSpace(s[pos]) {
		pos++
		if pos >= len(s) {
			return nil, 0, false
		}
	}
	d := s[pos]
	end := indexRuneFrom(s, d, pos+1, len(s))
	if end < 0 {
		return nil, 0, false
	}
	return &texNode{kind: tnChars, text: string(s[pos+1 : end])}, end + 1, true
}

// args is MacroStandardArgsParser.parse_args; ok is false when pylatexenc
// would raise end of input while reading an argument (tolerated: the macro
// keeps no arguments), err is set for errors that fail the conversion.
func (p *texParser) args(pos int, spec texArgSpec, st texState) ([]*texNode, int, bool, error) {
	args := make([]*texNode, 0, len(spec.args))
	for j := 0; j < len(spec.args); j++ {
		ist := st
		if spec.modes != "" {
			switch spec.modes[j] {
			case 't':
				ist.inMath = false
			case 'm':
				ist.inMath = true
			}
		}
		switch spec.args[j] {
		case '{':
			n, end, err := p.expression(pos, ist)
			if _, eos := err.(*errEOS); eos {
				return nil, 0, false, nil
			}
			if err != nil {
				return nil, 0, false, err
			}
			pos = end
			args = append(args, n)
		case '[':
			if spec.optNoSpace && pos < len(p.s) && pytext.IsSpace(p.s[pos]) {
				args = append(args, nil)
				continue
			}
			tok, err := p.token(pos, [][2]rune{{'[', ']'}}, false, ist)
			if err != nil {
				if _, eos := err.(*errEOS); !eos {
					return nil, 0, false, err
				}
			}
			if err != nil || tok.kind != ttBraceOpen || tok.r != '[' {
				args = append(args, nil)
				continue
			}
			g, end, err := p.group(tok.pos, '[', ist, texCostOptGroup)
			if err != nil {
				return nil, 0, false, err
			}
			pos = end
			args = append(args, g)
		case '*':
			tok, err := p.token(pos, nil, true, texState{})
			if _, eos := err.(*errEOS); eos {
				return nil, 0, false, nil
			}
			if err != nil {
				return nil, 0, false, err
			}
			if tok.kind == ttChar && p.s[tok.pos] == '*' {
				args = append(args, &texNode{kind: tnChars, text: "*"})
				pos = tok.pos + 1
			} else {
				args = append(args, nil)
			}
		}
	}
	return args, pos, true, nil
}

// expression is LatexWalker.get_latex_expression: one token, or a group.
// Comments before it are skipped (pylatexenc recurses once per comment).
func (p *texParser) expression(pos int, st texState) (*texNode, int, error) {
	comments := 0
	defer func() { p.leave(comments * texCostComment) }()
	for {
		tok, err := p.token(pos, nil, false, st)
		if err != nil {
			return nil, 0, err
		}
		switch tok.kind {
		case ttMacro:
			if tok.name == "end" {
				return &texNode{kind: tnChars}, tok.pos, nil
			}
			return &texNode{kind: tnMacro, text: tok.name, postSpace: p.postSpace(tok), expr: true}, tok.pos + tok.n, nil
		case ttSpecials:
			return &texNode{kind: tnSpecials, text: tok.name}, tok.pos + tok.n, nil
		case ttComment:
			comments++
			if err := p.enter(texCostComment); err != nil {
				return nil, 0, err
			}
			pos = tok.pos + tok.n
			continue
		case ttBraceOpen:
			return p.group(tok.pos, '{', st, texCostArgGroup)
		case ttBraceClose:
			return &texNode{kind: tnChars}, tok.pos, nil
		case ttMathInline, ttMathDisplay:
			if strings.HasPrefix(tok.name, `\`) {
				return &texNode{kind: tnMacro, text: tok.name, expr: true}, tok.pos + tok.n, nil
			}
			return &texNode{kind: tnChars, text: tok.name}, tok.pos + tok.n, nil
		default: // ttChar
			return &texNode{kind: tnChars, text: string(p.s[tok.pos : tok.pos+tok.n])}, tok.pos + tok.n, nil
		}
	}
}

// latexToText parses s and renders it as text.
func latexToText(s string) (string, error) {
	p := &texParser{s: []rune(s)}
	nodes, _, err := p.nodes(0, texStop{}, texState{})
	if err != nil {
		return "", err
	}
	r := &texRenderer{}
	return r.list(nodes)
}

// texRenderer is LatexNodes2Text; inMath selects the spacing rules.
type texRenderer struct {
	inMath bool
}

// list is nodelist_to_text.
func (r *texRenderer) list(nodes []*texNode) (string, error) {
	var b strings.Builder
	var prev *texNode
	for _, n := range nodes {
		if r.inMath && prev != nil && prev.kind == tnMacro && prev.bare && n.kind == tnChars {
			// Source spacing in math: keep a bare macro's trailing space.
			b.WriteString(prev.postSpace)
		}
		s, err := r.node(n)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		prev = n
	}
	return b.String(), nil
}

func (r *texRenderer) node(n *texNode) (string, error) {
	switch n.kind {
	case tnChars:
		if r.inMath && strings.TrimFunc(n.text, pytext.IsSpace) == "" {
			return "", nil
		}
		return n.text, nil
	case tnComment:
		return n.text, nil
	case tnGroup:
		return r.list(n.nodes)
	case tnSpecials:
		if repl, ok := texSpecials[n.text]; ok {
			return repl, nil
		}
		return n.text, nil
	case tnMath:
		return r.math(n.nodes, n.display)
	case tnEnv:
		return r.env(n)
	default:
		return r.macro(n)
	}
}

// math renders math content as text: trimmed, and for display math an
// indented block on its own lines.
func (r *texRenderer) math(nodes []*texNode, display bool) (string, error) {
	saved := r.inMath
	r.inMath = true
	content, err := r.list(nodes)
	r.inMath = saved
	if err != nil {
		return "", err
	}
	content = strings.TrimFunc(content, pytext.IsSpace)
	if display {
		return indentBlock(content), nil
	}
	return content, nil
}

func indentBlock(s string) string {
	return "\n    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}

// argText is _groupnodecontents_to_text.
func (r *texRenderer) argText(n *texNode) (string, error) {
	if n == nil {
		return "", nil
	}
	if n.kind == tnGroup {
		return r.list(n.nodes)
	}
	return r.node(n)
}

func (r *texRenderer) env(n *texNode) (string, error) {
	spec, known := texEnvs[n.text]
	if !known {
		return r.list(n.nodes)
	}
	switch spec.kind {
	case texMathEnv:
		return r.math(n.nodes, true)
	case texMatrix:
		return r.matrix(n.nodes)
	case texFormat: // "\n%s\n"
		body, err := r.list(n.nodes)
		if err != nil {
			return "", err
		}
		return strings.Replace(spec.repl, "%s", body, 1), nil
	case texDiscard:
		return "", nil
	default:
		return r.list(n.nodes)
	}
}

// matrix is fmt_matrix_environment_node: cells split on & and \\, right
// aligned, "[ a b; c d ]".
func (r *texRenderer) matrix(nodes []*texNode) (string, error) {
	var rows [][]string
	var row []string
	var cell []*texNode
	newColumn := func() error {
		if len(cell) > 0 {
			s, err := r.list(cell)
			if err != nil {
				return err
			}
			row = append(row, strings.TrimFunc(s, pytext.IsSpace))
		}
		cell = nil
		return nil
	}
	for _, n := range nodes {
		switch {
		case n.kind == tnSpecials && n.text == "&":
			if err := newColumn(); err != nil {
				return "", err
			}
		case n.kind == tnMacro && n.text == `\`:
			if err := newColumn(); err != nil {
				return "", err
			}
			rows, row = append(rows, row), nil
		default:
			cell = append(cell, n)
		}
	}
	if err := newColumn(); err != nil {
		return "", err
	}
	rows = append(rows, row)
	width, any := 0, false
	for _, rw := range rows {
		for _, c := range rw {
			width, any = max(width, len([]rune(c))), true
		}
	}
	if !any {
		return "", errTeX // max() of an empty sequence
	}
	var b strings.Builder
	b.WriteString("[ ")
	for i, rw := range rows {
		if i > 0 {
			b.WriteString("; ")
		}
		for j, c := range rw {
			if j > 0 {
				b.WriteString(" ")
			}
			b.WriteString(strings.Repeat(" ", width-len([]rune(c))))
			b.WriteString(c)
		}
	}
	b.WriteString(" ]")
	return b.String(), nil
}

var upper = cases.Upper(language.Und)

func (r *texRenderer) macro(n *texNode) (string, error) {
	spec, known := texMacros[n.text]
	if !known {
		return "", nil // unknown macros are discarded, their arguments kept as nodes
	}
	switch spec.kind {
	case texDiscard:
		return "", nil
	case texKeepArgs:
		var b strings.Builder
		for _, a := range n.args {
			s, err := r.argText(a)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		return b.String(), nil
	case texLiteral:
		return spec.repl, nil
	case texFormat:
		return r.format(n, spec.repl)
	case texMathStyle:
		s, err := r.argK(n, 0)
		if err != nil {
			return "", err
		}
		return mathStyle(s, spec.repl), nil
	case texAccent:
		c := " "
		if len(n.legacy) > 0 {
			s, err := r.list(n.legacy[:1])
			if err != nil {
				return "", err
			}
			c = strings.TrimFunc(s, pytext.IsSpace)
		}
		var b strings.Builder
		for _, ch := range c {
			switch ch {
			case 'ı':
				ch = 'i'
			case 'ȷ':
				ch = 'j'
			}
			b.WriteString(norm.NFC.String(string(ch) + spec.repl))
		}
		return b.String(), nil
	case texEmpty:
		if n.text == "input" || n.text == "include" {
			if len(n.legacy) == 0 {
				return "", errTeX // nodeargs[0] of no arguments
			}
			if _, err := r.list(n.legacy[:1]); err != nil {
				return "", err
			}
			return "", nil
		}
		if !n.hasArgs {
			return "", errTeX // nodeargd.argnlist of None
		}
		if _, err := r.list(n.args[:min(1, len(n.args))]); err != nil {
			return "", err
		}
		return "", nil
	case texPlaceholder:
		return indentBlock("< " + spaced(spec.repl) + " >"), nil
	case texSection:
		arg, err := r.argK(n, 2)
		if err != nil {
			return "", err
		}
		switch n.text {
		case "part":
			return "\n\nPART: " + upper.String(arg) + "\n", nil
		case "chapter":
			return "\n\nCHAPTER: " + upper.String(arg) + "\n", nil
		case "section":
			return "\n\n§ " + upper.String(arg) + "\n", nil
		case "subsection":
			return "\n\n §.§ " + arg + "\n", nil
		case "subsubsection":
			return "\n\n  §.§.§ " + arg + "\n", nil
		case "paragraph":
			return "\n\n  " + arg + "\n", nil
		default:
			return "\n\n    " + arg + "\n", nil
		}
	case texTexorpdfstring:
		if n.expr {
			return "", errTeX // None[1:2]
		}
		if len(n.legacy) < 2 {
			return "", nil
		}
		return r.list(n.legacy[1:2])
	case texMaketitle:
		title, author := `[NO \title GIVEN]`, `[NO \author GIVEN]`
		w := max(len([]rune(title)), 4+len([]rune(author)), 4)
		return title + "\n    " + author + "\n    \n" + strings.Repeat("=", w) + "\n\n", nil
	case texItem:
		if n.optArg != nil {
			s, err := r.list([]*texNode{n.optArg})
			if err != nil {
				return "", err
			}
			return "\n  " + s, nil
		}
		return "\n  * ", nil
	case texExercise, texUebung:
		if len(n.legacy) < 2 {
			return "", errTeX
		}
		a, err := r.list(n.legacy[:1])
		if err != nil {
			return "", err
		}
		s := "\n" + a + "\n"
		if n.legacy[1] != nil {
			o, err := r.list(n.legacy[1:2])
			if err != nil {
				return "", err
			}
			s += "[" + o + "]\n"
		}
		return s, nil
	default: // texHref: pylatexenc parses no arguments for \href, then indexes them
		return "", errTeX
	}
}

// argK is node_arg_to_text(node, k).
func (r *texRenderer) argK(n *texNode, k int) (string, error) {
	if !n.hasArgs || len(n.args) == 0 {
		return "", nil
	}
	if k >= len(n.args) {
		return "", errTeX
	}
	return r.argText(n.args[k])
}

func spaced(s string) string {
	rs := []rune(s)
	parts := make([]string, len(rs))
	for i, c := range rs {
		parts[i] = string(c)
	}
	return strings.Join(parts, " ")
}

// format applies a %-format replacement like pylatexenc's
// apply_simplify_repl: positional %s take all arguments in order (a count
// mismatch keeps the format as it is), %(k)s takes argument k (a missing one
// is an error, as Python's KeyError is).
func (r *texRenderer) format(n *texNode, repl string) (string, error) {
	vals := make([]string, 0, len(n.args))
	for _, a := range n.args {
		s, err := r.argText(a)
		if err != nil {
			return "", err
		}
		vals = append(vals, s)
	}
	if strings.Contains(repl, "%s") {
		if strings.Count(repl, "%s") != len(vals) {
			return repl, nil
		}
		var b strings.Builder
		rest := repl
		for _, v := range vals {
			i := strings.Index(rest, "%s")
			b.WriteString(rest[:i])
			b.WriteString(v)
			rest = rest[i+2:]
		}
		b.WriteString(rest)
		return b.String(), nil
	}
	var b strings.Builder
	rest := repl
	for {
		i := strings.Index(rest, "%(")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.Index(rest[i:], ")s")
		if j < 0 {
			return repl, nil
		}
		k := 0
		for _, c := range rest[i+2 : i+j] {
			k = 10*k + int(c-'0')
		}
		if k < 1 || k > len(vals) {
			return "", errTeX
		}
		b.WriteString(rest[:i])
		b.WriteString(vals[k-1])
		rest = rest[i+j+2:]
	}
}

// Math alphabets of fmt_math_text_style: (capital A, small a) code points,
// and the letters that live elsewhere in Unicode.
var mathStyles = map[string][2]rune{
	"bold": {0x1D400, 0x1D41A}, "italic": {0x1D434, 0x1D44E}, "sans": {0x1D5A0, 0x1D5BA},
	"doublestruck": {0x1D538, 0x1D552}, "monospace": {0x1D670, 0x1D68A},
	"script": {0x1D49C, 0x1D4B6}, "fraktur": {0x1D504, 0x1D51E},
}

var mathStyleHoles = map[string]map[rune]rune{
	"italic": {'h': 0x210E},
	"script": {'B': 0x212C, 'E': 0x2130, 'F': 0x2131, 'H': 0x210B, 'I': 0x2110, 'L': 0x2112,
		'M': 0x2133, 'R': 0x211B, 'e': 0x212F, 'g': 0x210A, 'o': 0x2134},
	"fraktur":      {'C': 0x212D, 'H': 0x210C, 'I': 0x2111, 'R': 0x211C, 'Z': 0x2128},
	"doublestruck": {'C': 0x2102, 'H': 0x210D, 'N': 0x2115, 'P': 0x2119, 'Q': 0x211A, 'R': 0x211D, 'Z': 0x2124},
}

func mathStyle(s, style string) string {
	off := mathStyles[style]
	holes := mathStyleHoles[style]
	return strings.Map(func(c rune) rune {
		if h, ok := holes[c]; ok {
			return h
		}
		switch {
		case c >= 'A' && c <= 'Z':
			return off[0] + c - 'A'
		case c >= 'a' && c <= 'z':
			return off[1] + c - 'a'
		}
		return c
	}, s)
}
