package calc

import (
	"errors"
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
)

// MaxChars is the longest expression accepted, in code points after trimming.
const MaxChars = 200

// Outcome classifies an output. The zero value is unused.
type Outcome int

const (
	_ Outcome = iota
	// OK: the output is the value.
	OK
	// Failed: the expression was evaluated and failed (ToolService ERROR).
	Failed
	// Rejected: refused before evaluation: empty, too long, or a character
	// outside the allowed set (ToolService REJECTED).
	Rejected
)

// Calculator evaluates expressions. The zero value is not usable; use New.
type Calculator struct {
	env *pyexpr.Env
}

// New returns a Calculator.
func New() *Calculator { return &Calculator{env: pyexpr.NewCalculatorEnv()} }

var replacer = strings.NewReplacer("^", "**", "\u00d7", "*", "\u00f7", "/")

// Eval runs the steps of §8.2 on expr and returns the output text (no
// trailing newline) and its outcome. It never panics.
func (c *Calculator) Eval(expr string) (string, Outcome) {
	expr = strings.TrimFunc(expr, pytext.IsSpace)
	if expr == "" {
		return "Error: empty expression", Rejected
	}
	if utf8.RuneCountInString(expr) > MaxChars {
		return "Error: expression longer than 200 characters", Rejected
	}
	expr = replacer.Replace(expr)
	for _, r := range expr {
		if !allowed(r) {
			return "Error: character '" + string(r) + "' is not allowed", Rejected
		}
	}
	v, err := c.env.Eval(expr)
	if err == nil {
		var f float64
		f, err = v.Float64()
		if err == nil {
			return pyexpr.FormatFloat(f), OK
		}
	}
	return errorText(err), Failed
}

func errorText(err error) string {
	var e *pyexpr.Error
	if !errors.As(err, &e) {
		return "Error: invalid syntax"
	}
	switch e.Kind {
	case pyexpr.UnknownName:
		return "Error: unknown name '" + e.Name + "'"
	case pyexpr.UnknownFunction:
		return "Error: unknown function '" + e.Name + "'"
	case pyexpr.WrongArguments:
		return "Error: wrong arguments for '" + e.Name + "'"
	}
	return "Error: " + e.Kind.String()
}

func allowed(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case strings.ContainsRune("_.+-*/%(),", r):
		return true
	}
	return pytext.IsSpace(r)
}
