package mcq

import (
	"fmt"
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strconv"
)

// A small backtracking regex engine with Python `re` semantics.
//
// Upstream's patterns rely on look-behind, look-ahead, lazy quantifiers,
// Unicode \w/\s/\d and first-match (leftmost, first alternative) backtracking
// order; the option and rest a pattern captures depend on that order, so RE2
// cannot reproduce them. A general backtracking engine can, but is
// exponential on inputs such as long runs of '*'. This one explores states
// depth-first in Python's order and records each (instruction, position) it
// has left without success: a state reached again cannot succeed either, so
// the first match found is Python's, in time linear in pattern × input
// (RE2's "bit-state" backtracker). It never times out and is deterministic.
//
// Supported syntax (all that the grader's patterns need):
//
//	literals and escapes  \\ \( \) \[ \] \{ \} \. \* \+ \? \- \| \/ \$ \^
//	classes               . (not \n)  \s \w \d (Python Unicode)  \L  [...] [^...]
//	                      \L is Python's [A-Za-z] under re.IGNORECASE
//	groups                (?:…)  (?P<name>…)  alternation |
//	quantifiers           * + ? {m} {m,n}, each with a lazy ? suffix
//	assertions            ^ $ \b, and one-character (?<!c) and (?!c)
//
// With icase, literal letters match as Python's re.IGNORECASE does; classes
// must not hold letters (use \L).

type opcode uint8

const (
	opRune   opcode = iota // r, folded under icase
	opClass                // cls
	opSplit                // try x, then y
	opJmp                  // x
	opSave                 // capture slot arg
	opAssert               // assertion arg (with cls for look-arounds)
	opMatch
)

const (
	assertBOL = iota
	assertEOL
	assertWordBoundary
	assertNotBehind // (?<!cls)
	assertNotAhead  // (?!cls)
)

type inst struct {
	op   opcode
	fold bool
	r    rune
	cls  *charClass
	x, y int32
	arg  int32
}

// charClass is a set of runes: ranges, Python class predicates, negation.
type charClass struct {
	neg    bool
	ranges []rune // lo, hi pairs
	preds  []func(rune) bool
}

func (c *charClass) has(r rune) bool {
	in := false
	for i := 0; i < len(c.ranges) && !in; i += 2 {
		in = c.ranges[i] <= r && r <= c.ranges[i+1]
	}
	for i := 0; i < len(c.preds) && !in; i++ {
		in = c.preds[i](r)
	}
	return in != c.neg
}

var (
	classDot    = &charClass{neg: true, ranges: []rune{'\n', '\n'}}
	classSpace  = &charClass{preds: []func(rune) bool{pytext.IsSpace}}
	classWord   = &charClass{preds: []func(rune) bool{isWord}}
	classDigit  = &charClass{preds: []func(rune) bool{isDecimal}}
	classLetter = &charClass{preds: []func(rune) bool{isOptLetter}}
)

// regex is a compiled pattern; it is immutable and safe for concurrent use.
type regex struct {
	src   string
	prog  []inst
	ncap  int            // capture groups including group 0
	names map[string]int // named group → index
}

// group returns the index of a named group; a wrong name is a programming
// error caught by the tests that compile every pattern.
func (re *regex) group(name string) int {
	g, ok := re.names[name]
	if !ok {
		panic("mcq: no group " + name + " in " + re.src)
	}
	return g
}

// mustCompile compiles a pattern; it panics on syntax errors, which are
// programming errors in this package's constant patterns.
func mustCompile(src string, icase bool) *regex {
	p := &reParser{src: []rune(src), icase: icase, names: map[string]int{}, ncap: 1}
	n := p.alt()
	if p.i != len(p.src) {
		panic(fmt.Sprintf("mcq: bad pattern %q at %d", src, p.i))
	}
	c := &reCompiler{}
	c.emit(inst{op: opSave, arg: 0})
	c.node(n)
	c.emit(inst{op: opSave, arg: 1})
	c.emit(inst{op: opMatch})
	return &regex{src: src, prog: c.prog, ncap: p.ncap, names: p.names}
}

// Parse tree.
type reNode struct {
	kind     int // nLit, nClass, nCat, nAlt, nRepeat, nGroup, nAssert
	r        rune
	fold     bool
	cls      *charClass
	subs     []*reNode
	min, max int // max −1: unbounded
	lazy     bool
	capIdx   int // nGroup: capture index, 0 for non-capturing
	assert   int
}

const (
	nLit = iota
	nClass
	nCat
	nAlt
	nRepeat
	nGroup
	nAssert
)

type reParser struct {
	src   []rune
	i     int
	icase bool
	ncap  int
	names map[string]int
}

func (p *reParser) fail(msg string) {
	panic(fmt.Sprintf("mcq: pattern %q at %d: %s", string(p.src), p.i, msg))
}

func (p *reParser) peek(s string) bool {
	rs := []rune(s)
	if p.i+len(rs) > len(p.src) {
		return false
	}
	for k, r := range rs {
		if p.src[p.i+k] != r {
			return false
		}
	}
	return true
}

func (p *reParser) alt() *reNode {
	subs := []*reNode{p.cat()}
	for p.i < len(p.src) && p.src[p.i] == '|' {
		p.i++
		subs = append(subs, p.cat())
	}
	if len(subs) == 1 {
		return subs[0]
	}
	return &reNode{kind: nAlt, subs: subs}
}

func (p *reParser) cat() *reNode {
	n := &reNode{kind: nCat}
	for p.i < len(p.src) && p.src[p.i] != '|' && p.src[p.i] != ')' {
		n.subs = append(n.subs, p.repeat(p.atom()))
	}
	return n
}

func (p *reParser) repeat(a *reNode) *reNode {
	for p.i < len(p.src) {
		min, max := -1, -1
		switch c := p.src[p.i]; c {
		case '*':
			min, max = 0, -1
			p.i++
		case '+':
			min, max = 1, -1
			p.i++
		case '?':
			min, max = 0, 1
			p.i++
		case '{':
			j := p.i + 1
			for j < len(p.src) && p.src[j] != '}' {
				j++
			}
			if j == len(p.src) {
				p.fail("unclosed {")
			}
			body := string(p.src[p.i+1 : j])
			var err error
			if k := indexRune(body, ','); k >= 0 {
				min, err = strconv.Atoi(body[:k])
				if err == nil {
					max, err = strconv.Atoi(body[k+1:])
				}
			} else {
				min, err = strconv.Atoi(body)
				max = min
			}
			if err != nil {
				p.fail("bad repeat")
			}
			p.i = j + 1
		default:
			return a
		}
		if a.kind == nAssert {
			p.fail("repeated assertion")
		}
		lazy := false
		if p.i < len(p.src) && p.src[p.i] == '?' {
			lazy = true
			p.i++
		}
		if max == -1 && nullable(a) {
			p.fail("unbounded repeat of an empty-matching item")
		}
		a = &reNode{kind: nRepeat, subs: []*reNode{a}, min: min, max: max, lazy: lazy}
	}
	return a
}

func indexRune(s string, r rune) int {
	for i, c := range s {
		if c == r {
			return i
		}
	}
	return -1
}

func nullable(n *reNode) bool {
	switch n.kind {
	case nLit, nClass:
		return false
	case nAssert:
		return true
	case nCat:
		for _, s := range n.subs {
			if !nullable(s) {
				return false
			}
		}
		return true
	case nAlt:
		for _, s := range n.subs {
			if nullable(s) {
				return true
			}
		}
		return false
	case nRepeat:
		return n.min == 0 || nullable(n.subs[0])
	default: // nGroup
		return nullable(n.subs[0])
	}
}

func (p *reParser) atom() *reNode {
	c := p.src[p.i]
	switch c {
	case '(':
		p.i++
		switch {
		case p.peek("?:"):
			p.i += 2
			n := &reNode{kind: nGroup, subs: []*reNode{p.alt()}}
			p.expect(')')
			return n
		case p.peek("?P<"):
			p.i += 3
			j := p.i
			for j < len(p.src) && p.src[j] != '>' {
				j++
			}
			name := string(p.src[p.i:j])
			p.i = j + 1
			idx := p.ncap
			p.ncap++
			p.names[name] = idx
			n := &reNode{kind: nGroup, capIdx: idx, subs: []*reNode{p.alt()}}
			p.expect(')')
			return n
		case p.peek("?<!"), p.peek("?!"):
			kind := assertNotAhead
			if p.peek("?<!") {
				kind = assertNotBehind
				p.i++
			}
			p.i += 2
			cls := p.single(true)
			p.expect(')')
			return &reNode{kind: nAssert, assert: kind, cls: cls}
		}
		idx := p.ncap
		p.ncap++
		n := &reNode{kind: nGroup, capIdx: idx, subs: []*reNode{p.alt()}}
		p.expect(')')
		return n
	case '^':
		p.i++
		return &reNode{kind: nAssert, assert: assertBOL}
	case '$':
		p.i++
		return &reNode{kind: nAssert, assert: assertEOL}
	case '\\':
		if p.peek(`\b`) {
			p.i += 2
			return &reNode{kind: nAssert, assert: assertWordBoundary}
		}
	case '*', '+', '?', '{', ')', '|':
		p.fail("unexpected " + string(c))
	}
	if c == '.' || c == '[' || c == '\\' {
		cls := p.single(false)
		if cls != nil {
			return &reNode{kind: nClass, cls: cls}
		}
		// A literal escape.
		r := p.src[p.i-1]
		return p.lit(r)
	}
	p.i++
	return p.lit(c)
}

func (p *reParser) lit(r rune) *reNode {
	return &reNode{kind: nLit, r: r, fold: p.icase && isPyAlpha(r)}
}

func (p *reParser) expect(r rune) {
	if p.i >= len(p.src) || p.src[p.i] != r {
		p.fail("expected " + string(r))
	}
	p.i++
}

// single parses one character item: '.', a class escape or a bracket class,
// returning its class. For a literal (plain or escaped) it returns nil with
// the literal at p.src[p.i-1], unless asClass asks for a one-rune class (the
// operand of a look-around).
func (p *reParser) single(asClass bool) *charClass {
	c := p.src[p.i]
	switch c {
	case '.':
		p.i++
		return classDot
	case '[':
		return p.bracket()
	case '\\':
		p.i += 2
		if cls := escClass(p.src[p.i-1]); cls != nil {
			return cls
		}
	default:
		p.i++
	}
	if asClass {
		r := p.src[p.i-1]
		if p.icase && isPyAlpha(r) {
			p.fail("letter in a look-around under icase")
		}
		return &charClass{ranges: []rune{r, r}}
	}
	return nil
}

func escClass(r rune) *charClass {
	switch r {
	case 's':
		return classSpace
	case 'w':
		return classWord
	case 'd':
		return classDigit
	case 'L':
		return classLetter
	}
	return nil
}

func (p *reParser) bracket() *charClass {
	p.i++ // [
	cls := &charClass{}
	if p.i < len(p.src) && p.src[p.i] == '^' {
		cls.neg = true
		p.i++
	}
	first := true
	for p.i < len(p.src) && (p.src[p.i] != ']' || first) {
		first = false
		lo := p.src[p.i]
		p.i++
		if lo == '\\' {
			e := p.src[p.i]
			p.i++
			if sub := escClass(e); sub != nil {
				cls.preds = append(cls.preds, sub.preds...)
				continue
			}
			lo = e
		}
		hi := lo
		if p.i+1 < len(p.src) && p.src[p.i] == '-' && p.src[p.i+1] != ']' {
			hi = p.src[p.i+1]
			p.i += 2
			if hi == '\\' {
				hi = p.src[p.i]
				p.i++
			}
		}
		if p.icase && (isPyAlpha(lo) || isPyAlpha(hi)) {
			p.fail("letters in a class under icase; use \\L")
		}
		cls.ranges = append(cls.ranges, lo, hi)
	}
	p.expect(']')
	return cls
}

type reCompiler struct{ prog []inst }

func (c *reCompiler) emit(in inst) int {
	c.prog = append(c.prog, in)
	return len(c.prog) - 1
}

func (c *reCompiler) node(n *reNode) {
	switch n.kind {
	case nLit:
		c.emit(inst{op: opRune, r: n.r, fold: n.fold})
	case nClass:
		c.emit(inst{op: opClass, cls: n.cls})
	case nAssert:
		c.emit(inst{op: opAssert, arg: int32(n.assert), cls: n.cls})
	case nCat:
		for _, s := range n.subs {
			c.node(s)
		}
	case nGroup:
		if n.capIdx > 0 {
			c.emit(inst{op: opSave, arg: int32(2 * n.capIdx)})
			c.node(n.subs[0])
			c.emit(inst{op: opSave, arg: int32(2*n.capIdx + 1)})
		} else {
			c.node(n.subs[0])
		}
	case nAlt:
		var jumps []int
		for k, s := range n.subs {
			if k < len(n.subs)-1 {
				split := c.emit(inst{op: opSplit})
				c.prog[split].x = int32(split + 1)
				c.node(s)
				jumps = append(jumps, c.emit(inst{op: opJmp}))
				c.prog[split].y = int32(len(c.prog))
			} else {
				c.node(s)
			}
		}
		for _, j := range jumps {
			c.prog[j].x = int32(len(c.prog))
		}
	case nRepeat:
		sub := n.subs[0]
		for range n.min {
			c.node(sub)
		}
		if n.max == -1 {
			// L: split body, out; body; jmp L
			split := c.emit(inst{op: opSplit})
			c.node(sub)
			c.emit(inst{op: opJmp, x: int32(split)})
			c.setSplit(split, split+1, len(c.prog), n.lazy)
			return
		}
		var splits []int
		for range n.max - n.min {
			splits = append(splits, c.emit(inst{op: opSplit}))
			c.node(sub)
		}
		for _, s := range splits {
			c.setSplit(s, s+1, len(c.prog), n.lazy)
		}
	}
}

// setSplit makes a split prefer body (greedy) or out (lazy).
func (c *reCompiler) setSplit(split, body, out int, lazy bool) {
	if lazy {
		body, out = out, body
	}
	c.prog[split].x, c.prog[split].y = int32(body), int32(out)
}

// machine holds the scratch space of a match; reuse it to avoid allocations.
type machine struct {
	visited []uint64
	stack   []job
	caps    []int
	base    int  // position that bit 0 of a row stands for
	width   int  // positions per row
	steps   int  // states explored since the last reset
	memo    bool // visited is in use (see maxMemoWords)
	budget  int  // step limit when memo is false
}

// maxMemoWords caps the visited bitmap at 1 MiB; past it (inputs of tens of
// thousands of characters) the machine backtracks without it.
const maxMemoWords = 1 << 17

type job struct {
	pc, pos int32
	slot    int32 // ≥ 0: restore caps[slot] to old instead of exploring
	old     int32
}

func (m *machine) reset(re *regex, n, from int) {
	m.base, m.width, m.steps = from, n-from+1, 0
	words := (len(re.prog)*m.width + 63) / 64
	m.memo = words <= maxMemoWords
	if !m.memo {
		// Huge inputs (only strategies 1–3 read the whole response): plain
		// backtracking, linear on all but pathological input, with a
		// deterministic step budget instead of a memo that would take
		// pattern × input bits.
		m.budget = 64*m.width + 1_000_000
		m.visited = m.visited[:0]
	} else if cap(m.visited) < words {
		m.visited = make([]uint64, words)
	} else {
		m.visited = m.visited[:words]
		clear(m.visited)
	}
	if cap(m.caps) < 2*re.ncap {
		m.caps = make([]int, 2*re.ncap)
	}
	m.caps = m.caps[:2*re.ncap]
}

// try runs an anchored match at start; full requires it to end at len(in).
func (m *machine) try(re *regex, in []rune, start int, full bool) bool {
	for k := range m.caps {
		m.caps[k] = -1
	}
	m.stack = append(m.stack[:0], job{pc: 0, pos: int32(start), slot: -1})
	n := len(in)
	for len(m.stack) > 0 {
		j := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if j.slot >= 0 {
			m.caps[j.slot] = int(j.old)
			continue
		}
		pc, pos := int(j.pc), int(j.pos)
	step:
		for {
			if m.memo {
				bit := pc*m.width + pos - m.base
				if m.visited[bit/64]&(1<<(bit%64)) != 0 {
					break
				}
				m.visited[bit/64] |= 1 << (bit % 64)
			} else if m.steps >= m.budget {
				m.stack = m.stack[:0]
				return false // out of budget: no match
			}
			m.steps++
			in1 := &re.prog[pc]
			switch in1.op {
			case opRune:
				if pos >= n || !(in[pos] == in1.r || (in1.fold && foldEq(in1.r, in[pos]))) {
					break step
				}
				pc, pos = pc+1, pos+1
			case opClass:
				if pos >= n || !in1.cls.has(in[pos]) {
					break step
				}
				pc, pos = pc+1, pos+1
			case opSplit:
				m.stack = append(m.stack, job{pc: in1.y, pos: int32(pos), slot: -1})
				pc = int(in1.x)
			case opJmp:
				pc = int(in1.x)
			case opSave:
				m.stack = append(m.stack, job{slot: in1.arg, old: int32(m.caps[in1.arg])})
				m.caps[in1.arg] = pos
				pc++
			case opAssert:
				if !assertAt(in1, in, pos) {
					break step
				}
				pc++
			case opMatch:
				if full && pos != n {
					break step
				}
				return true
			}
		}
	}
	return false
}

func assertAt(in1 *inst, in []rune, pos int) bool {
	n := len(in)
	switch in1.arg {
	case assertBOL:
		return pos == 0
	case assertEOL: // Python $ without MULTILINE: end, or before a final \n
		return pos == n || (pos == n-1 && in[pos] == '\n')
	case assertWordBoundary:
		before := pos > 0 && isWord(in[pos-1])
		after := pos < n && isWord(in[pos])
		return before != after
	case assertNotBehind:
		return pos == 0 || !in1.cls.has(in[pos-1])
	default: // assertNotAhead
		return pos == n || !in1.cls.has(in[pos])
	}
}

// match is Python's re.match (full=false) or re.fullmatch (full=true) on in.
// On success m.caps holds the capture positions (−1 for unset groups).
func (re *regex) match(m *machine, in []rune, full bool) bool {
	m.reset(re, len(in), 0)
	return m.try(re, in, 0, full)
}

// search is Python's re.search on in from position from: the leftmost start
// ≥ from that matches. canStart, if not nil, skips starts that cannot match.
func (re *regex) search(m *machine, in []rune, from int, canStart func(in []rune, i int) bool) bool {
	return re.searchFirst(m, in, from, nil, canStart)
}

// searchFirst is search with a table of the ASCII characters a match can
// start with (a match can start with any non-ASCII one), checked before
// canStart, for the patterns searched over whole responses.
func (re *regex) searchFirst(m *machine, in []rune, from int, first *[128]bool, canStart func(in []rune, i int) bool) bool {
	ready := false
	for s := from; s <= len(in); s++ {
		if first != nil && (s == len(in) || (in[s] < 128 && !first[in[s]])) {
			continue
		}
		if canStart != nil && !canStart(in, s) {
			continue
		}
		if !ready {
			// Cleared only when needed: most searches never get here.
			m.reset(re, len(in), from)
			ready = true
		}
		if m.try(re, in, s, false) {
			return true
		}
	}
	return false
}

// span returns the bounds of group g after a successful match.
func (m *machine) span(g int) (int, int) { return m.caps[2*g], m.caps[2*g+1] }
