package medcalc

import (
	"math"
	"math/big"
	"strings"

	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
)

// rewriteExpression applies the official text rewrites of a str(…) answer
// (spec §5.5 steps 2–4): operators and words replaced, unit words and every
// letter g deleted (so math.log becomes math.lo and fails, as upstream),
// cut at the first #, parentheses balanced.
func rewriteExpression(e string) string {
	for _, r := range exprRewrites {
		e = strings.ReplaceAll(e, r[0], r[1])
	}
	if i := strings.IndexByte(e, '#'); i >= 0 {
		e = e[:i]
	}
	open, close := strings.Count(e, "("), strings.Count(e, ")")
	switch {
	case open > close:
		e += strings.Repeat(")", open-close)
	case close > open:
		e = strings.Repeat("(", close-open) + e
	}
	return e
}

// exprRewrites are evaluation/run.py's str.replace calls, in their order.
var exprRewrites = [][2]string{
	{"^", "**"}, {"is odd", "% 2 == 1"}, {"is even", "% 2 == 0"}, {"sqrt", "math.sqrt"},
	{".math", ""}, {"weight", ""}, {"height", ""}, {"mg/dl", ""}, {"g/dl", ""},
	{"mmol/L", ""}, {"kg", ""}, {"g", ""}, {"mEq/L", ""},
}

// exprEnv is what upstream's eval() offers a str(…) answer: min, pow, round,
// abs, int, float and the math module (numpy is left out, spec §10 #11).
// Names with a "g" cannot survive the rewrite, so math.log*, gamma, gcd and
// degrees are absent on purpose. Functions of math that need an iterable
// (fsum, prod, dist) or return a tuple (modf, frexp) are not offered: the
// grammar has no lists, and a tuple never compares with the limits.
var exprEnv = &pyexpr.Env{
	Dotted:  true,
	Compare: true,
	Consts: map[string]pyexpr.Value{
		"math.pi": pyexpr.Float(math.Pi), "math.e": pyexpr.Float(math.E), "math.tau": pyexpr.Float(2 * math.Pi),
		"math.inf": pyexpr.Float(math.Inf(1)), "math.nan": pyexpr.Float(math.NaN()),
	},
	Funcs: map[string]pyexpr.Func{
		"min": pyMin, "pow": pyPow, "round": pyexpr.Round, "abs": pyexpr.Abs, "int": pyInt, "float": pyFloat,
		"math.sqrt": pyexpr.Sqrt, "math.exp": pyexpr.Exp, "math.sin": pyexpr.Sin, "math.cos": pyexpr.Cos,
		"math.tan": pyexpr.Tan, "math.pow": mathPow, "math.fabs": math1(math.Abs, false),
		"math.floor": mathFloorCeil(math.Floor), "math.ceil": mathFloorCeil(math.Ceil), "math.trunc": pyInt,
		"math.asin": math1(math.Asin, false), "math.acos": math1(math.Acos, false), "math.atan": math1(math.Atan, false),
		"math.sinh": math1(math.Sinh, true), "math.cosh": math1(math.Cosh, true), "math.tanh": math1(math.Tanh, false),
		"math.asinh": math1(math.Asinh, false), "math.acosh": math1(math.Acosh, false), "math.atanh": math1(math.Atanh, false),
		"math.expm1": math1(math.Expm1, true), "math.cbrt": math1(math.Cbrt, false), "math.exp2": math1(math.Exp2, true),
		"math.erf": math1(math.Erf, false), "math.erfc": math1(math.Erfc, false),
		"math.radians": math1(func(x float64) float64 { return x * (math.Pi / 180) }, false),
		"math.atan2":   math2(math.Atan2), "math.hypot": math2(math.Hypot), "math.copysign": math2(math.Copysign),
		"math.fmod": mathFmod,
	},
}

// evalExpression evaluates a rewritten expression; err says why there is
// no value.
func evalExpression(e string) (number, error) {
	v, err := exprEnv.Eval(e)
	if err != nil {
		return number{}, err
	}
	return fromValue(v)
}

func errKind(k pyexpr.Kind) error { return &pyexpr.Error{Kind: k} }

func wrongArgs() error { return errKind(pyexpr.WrongArguments) }

func numbers(args []pyexpr.Value) ([]number, error) {
	out := make([]number, len(args))
	for i, a := range args {
		n, err := fromValue(a)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// pyMin is the builtin min over two or more arguments: the first of the
// smallest, compared as Python does (a NaN never replaces the current one).
func pyMin(args []pyexpr.Value) (pyexpr.Value, error) {
	if len(args) < 2 {
		return pyexpr.Value{}, wrongArgs() // min(5): an int is not iterable
	}
	ns, err := numbers(args)
	if err != nil {
		return pyexpr.Value{}, err
	}
	best := 0
	for i := 1; i < len(ns); i++ {
		if isNaN(ns[i]) || isNaN(ns[best]) {
			continue
		}
		if cmpNumbers(ns[i], ns[best]) < 0 {
			best = i
		}
	}
	return args[best], nil
}

func isNaN(n number) bool { return n.isFloat && math.IsNaN(n.f) }

// pyPow is the builtin pow(x, y): x ** y with Python's rules (an int raised
// to a non-negative int stays an int, anything else is float_pow).
func pyPow(args []pyexpr.Value) (pyexpr.Value, error) {
	if len(args) != 2 {
		return pyexpr.Value{}, wrongArgs() // pow(x, y, mod) is not offered
	}
	x, y := args[0], args[1]
	if !x.IsFloat() && !y.IsFloat() && y.BigInt().Sign() >= 0 {
		return intPow(x.BigInt(), y.BigInt())
	}
	if !x.IsFloat() && !y.IsFloat() && x.BigInt().Sign() == 0 {
		return pyexpr.Value{}, errKind(pyexpr.DivisionByZero) // 0 ** -1
	}
	return mathPow(args)
}

func intPow(x, y *big.Int) (pyexpr.Value, error) {
	ax := new(big.Int).Abs(x)
	if ax.Cmp(big.NewInt(1)) <= 0 {
		switch {
		case x.Sign() < 0 && y.Bit(0) == 1:
			return pyexpr.IntFrom(-1), nil
		case x.Sign() == 0 && y.Sign() > 0:
			return pyexpr.IntFrom(0), nil
		}
		return pyexpr.IntFrom(1), nil
	}
	const maxBits = pyexpr.DefaultMaxIntBits
	if !y.IsInt64() || y.Int64() > maxBits || int64(ax.BitLen()-1)*y.Int64() >= maxBits {
		return pyexpr.Value{}, errKind(pyexpr.TooLarge)
	}
	return pyexpr.Int(new(big.Int).Exp(x, y, nil)), nil
}

// mathPow is math.pow: both arguments as floats, CPython's float_pow.
func mathPow(args []pyexpr.Value) (pyexpr.Value, error) {
	fx, fy, err := floatPair(args)
	if err != nil {
		return pyexpr.Value{}, err
	}
	f, err := pyexpr.FloatPow(fx, fy)
	return pyexpr.Float(f), err
}

// pyInt is int(x) and math.trunc(x): a float truncated toward zero.
func pyInt(args []pyexpr.Value) (pyexpr.Value, error) {
	if len(args) != 1 {
		return pyexpr.Value{}, wrongArgs()
	}
	v := args[0]
	if !v.IsFloat() {
		return v, nil
	}
	f, _ := v.Float64()
	switch {
	case math.IsNaN(f):
		return pyexpr.Value{}, errKind(pyexpr.Domain)
	case math.IsInf(f, 0):
		return pyexpr.Value{}, errKind(pyexpr.TooLarge)
	}
	b, _ := new(big.Float).SetFloat64(math.Trunc(f)).Int(nil)
	return pyexpr.Int(b), nil
}

// pyFloat is float(x).
func pyFloat(args []pyexpr.Value) (pyexpr.Value, error) {
	if len(args) != 1 {
		return pyexpr.Value{}, wrongArgs()
	}
	f, err := args[0].Float64()
	return pyexpr.Float(f), err
}

// math1 is CPython's math_1 for functions outside pyexpr: a NaN from a
// non-NaN argument is a domain error, an infinity from a finite one an
// overflow (or a domain error where the function cannot overflow).
func math1(f func(float64) float64, canOverflow bool) pyexpr.Func {
	return func(args []pyexpr.Value) (pyexpr.Value, error) {
		if len(args) != 1 {
			return pyexpr.Value{}, wrongArgs()
		}
		x, err := args[0].Float64()
		if err != nil {
			return pyexpr.Value{}, err
		}
		r := f(x)
		switch {
		case math.IsNaN(r) && !math.IsNaN(x):
			return pyexpr.Value{}, errKind(pyexpr.Domain)
		case math.IsInf(r, 0) && !math.IsInf(x, 0):
			if canOverflow {
				return pyexpr.Value{}, errKind(pyexpr.TooLarge)
			}
			return pyexpr.Value{}, errKind(pyexpr.Domain)
		}
		return pyexpr.Float(r), nil
	}
}

func math2(f func(x, y float64) float64) pyexpr.Func {
	return func(args []pyexpr.Value) (pyexpr.Value, error) {
		x, y, err := floatPair(args)
		if err != nil {
			return pyexpr.Value{}, err
		}
		return pyexpr.Float(f(x, y)), nil
	}
}

// floatPair reads the two arguments of a two-argument math function as
// floats, as CPython's math module converts them.
func floatPair(args []pyexpr.Value) (x, y float64, err error) {
	if len(args) != 2 {
		return 0, 0, wrongArgs()
	}
	if x, err = args[0].Float64(); err != nil {
		return 0, 0, err
	}
	if y, err = args[1].Float64(); err != nil {
		return 0, 0, err
	}
	return x, y, nil
}

// mathFmod is math.fmod: fmod(x, 0) and fmod(inf, y) are domain errors.
func mathFmod(args []pyexpr.Value) (pyexpr.Value, error) {
	x, y, err := floatPair(args)
	if err != nil {
		return pyexpr.Value{}, err
	}
	if (y == 0 || math.IsInf(x, 0)) && !math.IsNaN(x) && !math.IsNaN(y) {
		return pyexpr.Value{}, errKind(pyexpr.Domain)
	}
	return pyexpr.Float(math.Mod(x, y)), nil
}

// mathFloorCeil is math.floor / math.ceil: an int result; an int argument
// is returned as it is.
func mathFloorCeil(f func(float64) float64) pyexpr.Func {
	return func(args []pyexpr.Value) (pyexpr.Value, error) {
		if len(args) != 1 {
			return pyexpr.Value{}, wrongArgs()
		}
		if !args[0].IsFloat() {
			return args[0], nil
		}
		x, _ := args[0].Float64()
		return pyInt([]pyexpr.Value{pyexpr.Float(f(x))})
	}
}
