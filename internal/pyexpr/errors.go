package pyexpr

import "fmt"

// Kind says which failure an *Error is. The zero value is unused.
type Kind int

const (
	_ Kind = iota
	// Syntax: not an expression of the grammar (Python's SyntaxError, and
	// forms Python accepts that the grammar does not: tuples, calls of
	// non-names, keyword arguments).
	Syntax
	// DivisionByZero: Python's ZeroDivisionError (also 0.0 ** -1 and log(x, 1)).
	DivisionByZero
	// Domain: Python's ValueError "math domain error" (sqrt(-1), log(0),
	// round(nan), sin(inf)).
	Domain
	// TooLarge: Python's OverflowError, or an integer beyond Env.MaxIntBits.
	TooLarge
	// NotReal: the result would be complex ((-8) ** (1/3)).
	NotReal
	// UnknownName: a name that is not a constant of the Env.
	UnknownName
	// UnknownFunction: a call of a name that is not a function of the Env.
	UnknownFunction
	// WrongArguments: a function called with the wrong number or type of
	// arguments (Python's TypeError).
	WrongArguments
)

var kindNames = [...]string{
	Syntax:          "invalid syntax",
	DivisionByZero:  "division by zero",
	Domain:          "math domain error",
	TooLarge:        "result too large",
	NotReal:         "result is not a real number",
	UnknownName:     "unknown name",
	UnknownFunction: "unknown function",
	WrongArguments:  "wrong arguments",
}

func (k Kind) String() string {
	if k <= 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error is an evaluation failure. Name is the offending name for
// UnknownName, UnknownFunction and WrongArguments.
type Error struct {
	Kind Kind
	Name string
}

func (e *Error) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("pyexpr: %s '%s'", e.Kind, e.Name)
	}
	return "pyexpr: " + e.Kind.String()
}

func errKind(k Kind) error { return &Error{Kind: k} }
