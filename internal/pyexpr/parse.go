package pyexpr

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// The grammar (a subset of Python's, with its precedence):
//
//	expr    = arith { cmpop arith }        (comparisons only if Env.Compare)
//	arith   = term { ("+" | "-") term }
//	term    = factor { ("*" | "/" | "//" | "%") factor }
//	factor  = ("+" | "-") factor | power
//	power   = primary [ "**" factor ]
//	primary = number | name [ "(" [ expr { "," expr } [","] ] ")" ] | "(" expr ")"

type node interface{}

type (
	numNode  struct{ v Value }
	nameNode struct{ name string }
	callNode struct {
		name string
		args []node
	}
	unaryNode struct {
		neg bool
		x   node
	}
	binNode struct {
		op   string
		l, r node
	}
	cmpNode struct {
		ops      []string
		operands []node
	}
)

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tName
	tOp
)

type token struct {
	kind tokKind
	text string
	val  Value
}

// maxDepth bounds nesting, as CPython's parser does (it refuses 200 nested
// parentheses); it keeps recursion bounded on any input.
const maxDepth = 100

type parser struct {
	src    string
	pos    int
	tok    token
	depth  int
	dotted bool
	cmp    bool
	err    bool
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (p *parser) fail() {
	p.err = true
	p.tok = token{kind: tEOF}
}

// next reads the next token into p.tok.
func (p *parser) next() {
	if p.err {
		return
	}
	for p.pos < len(p.src) {
		r, size := rune(p.src[p.pos]), 1
		if r >= 0x80 {
			r, size = utf8.DecodeRuneInString(p.src[p.pos:])
		}
		if !pytext.IsSpace(r) {
			break
		}
		p.pos += size
	}
	if p.pos >= len(p.src) {
		p.tok = token{kind: tEOF}
		return
	}
	c := p.src[p.pos]
	switch {
	case isDigit(c) || (c == '.' && p.pos+1 < len(p.src) && isDigit(p.src[p.pos+1])):
		p.number()
	case isIdentStart(c):
		start := p.pos
		for p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || isDigit(p.src[p.pos])) {
			p.pos++
		}
		for p.dotted && p.pos+1 < len(p.src) && p.src[p.pos] == '.' && isIdentStart(p.src[p.pos+1]) {
			p.pos++
			for p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || isDigit(p.src[p.pos])) {
				p.pos++
			}
		}
		p.tok = token{kind: tName, text: p.src[start:p.pos]}
	default:
		for _, op := range [...]string{"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "(", ")", ",", "<", ">"} {
			if len(p.src)-p.pos >= len(op) && p.src[p.pos:p.pos+len(op)] == op {
				if !p.cmp && (op[0] == '<' || op[0] == '>' || op[0] == '=' || op[0] == '!') {
					break
				}
				p.pos += len(op)
				p.tok = token{kind: tOp, text: op}
				return
			}
		}
		p.fail()
	}
}

// number reads a Python decimal literal: no hex/octal/binary, no "_", no "j".
func (p *parser) number() {
	s := p.src
	start := p.pos
	i := p.pos
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	isFloat := false
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
			isFloat = true
		} else {
			p.fail() // "1e", "1e+": invalid decimal literal
			return
		}
	}
	// A literal directly followed by a name character is invalid (1x, 1_0, 1j, 0x1).
	if i < len(s) && (isIdentStart(s[i]) || isDigit(s[i]) || s[i] == '.') {
		p.fail()
		return
	}
	text := s[start:i]
	p.pos = i
	if isFloat {
		f, _ := strconv.ParseFloat(text, 64) // correctly rounded; too large is ±inf, as in Python
		p.tok = token{kind: tNum, text: text, val: Float(f)}
		return
	}
	digits := s[start:intEnd]
	if len(digits) > 1 && digits[0] == '0' {
		for k := 0; k < len(digits); k++ {
			if digits[k] != '0' {
				p.fail() // leading zeros in a decimal integer literal
				return
			}
		}
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		p.fail()
		return
	}
	p.tok = token{kind: tNum, text: text, val: Value{i: n}}
}

func (p *parser) isOp(op string) bool { return p.tok.kind == tOp && p.tok.text == op }

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail()
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

func (p *parser) expr() node {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	first := p.arith()
	if !p.cmp {
		return first
	}
	var c *cmpNode
	for p.tok.kind == tOp {
		switch p.tok.text {
		case "==", "!=", "<", "<=", ">", ">=":
		default:
			goto done
		}
		if c == nil {
			c = &cmpNode{operands: []node{first}}
		}
		c.ops = append(c.ops, p.tok.text)
		p.next()
		c.operands = append(c.operands, p.arith())
	}
done:
	if c == nil {
		return first
	}
	return c
}

func (p *parser) arith() node {
	n := p.term()
	for p.isOp("+") || p.isOp("-") {
		op := p.tok.text
		p.next()
		n = &binNode{op: op, l: n, r: p.term()}
	}
	return n
}

func (p *parser) term() node {
	n := p.factor()
	for p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
		op := p.tok.text
		p.next()
		n = &binNode{op: op, l: n, r: p.factor()}
	}
	return n
}

func (p *parser) factor() node {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	if p.isOp("+") || p.isOp("-") {
		neg := p.tok.text == "-"
		p.next()
		return &unaryNode{neg: neg, x: p.factor()}
	}
	return p.power()
}

func (p *parser) power() node {
	n := p.primary()
	if p.isOp("**") {
		p.next()
		return &binNode{op: "**", l: n, r: p.factor()}
	}
	return n
}

func (p *parser) primary() node {
	switch p.tok.kind {
	case tNum:
		v := p.tok.val
		p.next()
		return &numNode{v: v}
	case tName:
		name := p.tok.text
		p.next()
		if !p.isOp("(") {
			return &nameNode{name: name}
		}
		p.next()
		call := &callNode{name: name}
		for !p.isOp(")") {
			if p.err || p.tok.kind == tEOF {
				p.fail()
				return nil
			}
			call.args = append(call.args, p.expr())
			if p.isOp(",") {
				p.next()
				continue
			}
			if !p.isOp(")") {
				p.fail()
				return nil
			}
		}
		p.next()
		if p.isOp("(") {
			p.fail() // f(1)(2): a call of a non-name
		}
		return call
	case tOp:
		if p.tok.text == "(" {
			p.next()
			n := p.expr()
			if !p.isOp(")") {
				p.fail()
				return nil
			}
			p.next()
			if p.isOp("(") {
				p.fail() // (2)(3)
			}
			return n
		}
	}
	p.fail()
	return nil
}

// parse parses src as one expression.
func parse(src string, dotted, cmp bool) (node, error) {
	p := &parser{src: src, dotted: dotted, cmp: cmp}
	p.next()
	n := p.expr()
	if p.err || p.tok.kind != tEOF {
		return nil, errKind(Syntax)
	}
	if p.isOp("(") {
		return nil, errKind(Syntax)
	}
	// Numbers are parsed before evaluation, as in Python; nothing else here.
	return n, nil
}
