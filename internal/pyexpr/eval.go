package pyexpr

// Func is a function callable from an expression. It receives the evaluated
// arguments, left to right.
type Func func(args []Value) (Value, error)

// Env is what an expression may use. It is read-only once built and safe
// for concurrent use.
type Env struct {
	Consts map[string]Value
	Funcs  map[string]Func
	// Dotted lets names contain dots (math.pi, math.sqrt).
	Dotted bool
	// Compare allows the comparisons == != < <= > >= (chained as in Python,
	// giving the int 1 or 0).
	Compare bool
	// MaxIntBits bounds integer results; 0 means DefaultMaxIntBits.
	MaxIntBits int
}

// Eval parses and evaluates src under env. Errors are *Error; evaluation
// runs left to right, so the first failure is the one Python would raise.
func (env *Env) Eval(src string) (Value, error) {
	n, err := parse(src, env.Dotted, env.Compare)
	if err != nil {
		return Value{}, err
	}
	a := arith{maxBits: env.MaxIntBits}
	if a.maxBits <= 0 {
		a.maxBits = DefaultMaxIntBits
	}
	return env.eval(a, n)
}

func (env *Env) eval(a arith, n node) (Value, error) {
	switch n := n.(type) {
	case *numNode:
		return n.v, nil
	case *nameNode:
		v, ok := env.Consts[n.name]
		if !ok {
			return Value{}, &Error{Kind: UnknownName, Name: n.name}
		}
		return v, nil
	case *callNode:
		f, ok := env.Funcs[n.name]
		if !ok {
			return Value{}, &Error{Kind: UnknownFunction, Name: n.name}
		}
		args := make([]Value, len(n.args))
		for i, an := range n.args {
			v, err := env.eval(a, an)
			if err != nil {
				return Value{}, err
			}
			args[i] = v
		}
		v, err := f(args)
		if e, ok := err.(*Error); ok && e.Kind == WrongArguments && e.Name == "" {
			return Value{}, &Error{Kind: WrongArguments, Name: n.name}
		}
		if err == nil && !v.isFloat {
			return a.checkInt(v.bigInt())
		}
		return v, err
	case *unaryNode:
		x, err := env.eval(a, n.x)
		if err != nil {
			return Value{}, err
		}
		return a.unary(n.neg, x)
	case *binNode:
		x, err := env.eval(a, n.l)
		if err != nil {
			return Value{}, err
		}
		y, err := env.eval(a, n.r)
		if err != nil {
			return Value{}, err
		}
		return a.binary(n.op, x, y)
	case *cmpNode:
		x, err := env.eval(a, n.operands[0])
		if err != nil {
			return Value{}, err
		}
		for i, op := range n.ops {
			y, err := env.eval(a, n.operands[i+1])
			if err != nil {
				return Value{}, err
			}
			if !compare(op, x, y) {
				return IntFrom(0), nil
			}
			x = y
		}
		return IntFrom(1), nil
	}
	return Value{}, errKind(Syntax)
}
