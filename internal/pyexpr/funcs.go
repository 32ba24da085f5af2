package pyexpr

import (
	"math"
	"math/big"
)

// Python's math-module and builtin functions used by the expression
// environments, with CPython's argument conversion and errors.

func wrongArgs() error { return &Error{Kind: WrongArguments} }

// math1 is CPython's math_1: convert to float, reject inf input when the
// function is not defined there, map nan-from-non-nan to a domain error and
// inf-from-finite to an overflow.
func math1(f func(float64) float64, canOverflow bool) Func {
	return func(args []Value) (Value, error) {
		if len(args) != 1 {
			return Value{}, wrongArgs()
		}
		x, err := args[0].Float64()
		if err != nil {
			return Value{}, err
		}
		r := f(x)
		switch {
		case math.IsNaN(r) && !math.IsNaN(x):
			return Value{}, errKind(Domain)
		case math.IsInf(r, 0) && !math.IsInf(x, 0):
			if canOverflow {
				return Value{}, errKind(TooLarge)
			}
			return Value{}, errKind(Domain)
		}
		return Float(r), nil
	}
}

func trig(f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if math.IsInf(x, 0) {
			return math.NaN()
		}
		return f(x)
	}
}

// Sqrt is math.sqrt.
var Sqrt = math1(math.Sqrt, false)

// Exp is math.exp.
var Exp = math1(libmExp, true)

// Sin, Cos and Tan are math.sin, math.cos and math.tan.
var (
	Sin = math1(trig(libmSin), false)
	Cos = math1(trig(libmCos), false)
	Tan = math1(trig(libmTan), false)
)

// logHelper is CPython's loghelper: ints too large for a float are handled
// through frexp, x <= 0 is a domain error.
func logHelper(v Value, f func(float64) float64) (float64, error) {
	if !v.isFloat {
		i := v.bigInt()
		if i.Sign() <= 0 {
			return 0, errKind(Domain)
		}
		if _, err := v.Float64(); err != nil {
			// x = m * 2**e with m in [0.5, 1): log(x) = log(m) + e*log(2).
			e := i.BitLen()
			m, _ := new(big.Float).SetMantExp(new(big.Float).SetInt(i), -e).Float64()
			return f(m) + float64(e)*f(2), nil
		}
	}
	x, err := v.Float64()
	if err != nil {
		return 0, err
	}
	switch {
	case math.IsNaN(x):
		return x, nil
	case x <= 0:
		return 0, errKind(Domain)
	case math.IsInf(x, 1):
		return x, nil
	}
	return f(x), nil
}

// Log is math.log with one or two arguments (log(x, b) = log x / log b).
func Log(args []Value) (Value, error) {
	if len(args) < 1 || len(args) > 2 {
		return Value{}, wrongArgs()
	}
	num, err := logHelper(args[0], libmLog)
	if err != nil {
		return Value{}, err
	}
	if len(args) == 1 {
		return Float(num), nil
	}
	den, err := logHelper(args[1], libmLog)
	if err != nil {
		return Value{}, err
	}
	if den == 0 {
		return Value{}, errKind(DivisionByZero)
	}
	return Float(num / den), nil
}

// Log10 is math.log10.
func Log10(args []Value) (Value, error) {
	if len(args) != 1 {
		return Value{}, wrongArgs()
	}
	r, err := logHelper(args[0], libmLog10)
	return Float(r), err
}

// Abs is the builtin abs: it keeps the type.
func Abs(args []Value) (Value, error) {
	if len(args) != 1 {
		return Value{}, wrongArgs()
	}
	v := args[0]
	if v.isFloat {
		return Float(math.Abs(v.f)), nil
	}
	return Value{i: new(big.Int).Abs(v.bigInt())}, nil
}

// Round is the builtin round: round(x) gives an int (ties to even),
// round(x, n) rounds the exact binary value of a float half to even at n
// decimals and keeps an int an int. n must be an int.
func Round(args []Value) (Value, error) {
	if len(args) < 1 || len(args) > 2 {
		return Value{}, wrongArgs()
	}
	x := args[0]
	if len(args) == 1 {
		if !x.isFloat {
			return x, nil
		}
		switch {
		case math.IsNaN(x.f):
			return Value{}, errKind(Domain) // cannot convert float NaN to integer
		case math.IsInf(x.f, 0):
			return Value{}, errKind(TooLarge) // cannot convert float infinity to integer
		}
		r := math.RoundToEven(x.f)
		bi, _ := new(big.Float).SetFloat64(r).Int(nil)
		return Value{i: bi}, nil
	}
	nd := args[1]
	if nd.isFloat {
		return Value{}, wrongArgs() // 'float' object cannot be interpreted as an integer
	}
	if !x.isFloat {
		return Value{i: roundInt(x.bigInt(), nd.bigInt())}, nil
	}
	r, err := roundFloat(x.f, nd.bigInt())
	return Float(r), err
}

var bigTen = big.NewInt(10)

// roundInt is int.__round__(n).
func roundInt(x, n *big.Int) *big.Int {
	if n.Sign() >= 0 {
		return new(big.Int).Set(x)
	}
	digits := len(new(big.Int).Abs(x).String())
	if !n.IsInt64() || -n.Int64() > int64(digits)+1 {
		return new(big.Int)
	}
	p := new(big.Int).Exp(bigTen, new(big.Int).Neg(n), nil)
	q := roundHalfEven(new(big.Rat).SetFrac(x, p))
	return q.Mul(q, p)
}

// roundHalfEven rounds r to the nearest integer, ties to even.
func roundHalfEven(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Sign() < 0 { // floor
		q.Sub(q, big.NewInt(1))
		m.Add(m, den)
	}
	c := new(big.Int).Lsh(m, 1).Cmp(den)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// roundFloat is CPython's double_round: correctly rounded, half to even on
// the exact binary value, read back as the nearest double.
func roundFloat(x float64, n *big.Int) (float64, error) {
	const ndigitsMax, ndigitsMin = 323, -308 // (DBL_MANT_DIG - DBL_MIN_EXP) * 0.30103, -(DBL_MAX_EXP + 1) * 0.30103
	switch {
	case !n.IsInt64() && n.Sign() > 0, n.IsInt64() && n.Int64() > ndigitsMax:
		return x, nil
	case !n.IsInt64(), n.Int64() < ndigitsMin:
		return 0.0 * x, nil
	case x == 0 || math.IsInf(x, 0) || math.IsNaN(x):
		return x, nil
	}
	nd := n.Int64()
	r := new(big.Rat).SetFloat64(x)
	p := new(big.Rat).SetInt(new(big.Int).Exp(bigTen, big.NewInt(abs64(nd)), nil))
	if nd >= 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	q := new(big.Rat).SetInt(roundHalfEven(r))
	if nd >= 0 {
		q.Quo(q, p)
	} else {
		q.Mul(q, p)
	}
	f, _ := q.Float64()
	if math.IsInf(f, 0) {
		return 0, errKind(TooLarge) // rounded value too large to represent
	}
	if f == 0 {
		f = math.Copysign(0, x)
	}
	return f, nil
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// NewCalculatorEnv returns the environment of the calculator tool
// (envs/medcalc_bench.md §8.2): sqrt, sin, cos, tan, exp, log, log10, abs,
// round, and the constants pi and e.
func NewCalculatorEnv() *Env {
	return &Env{
		Consts: map[string]Value{"pi": Float(math.Pi), "e": Float(math.E)},
		Funcs: map[string]Func{
			"sqrt": Sqrt, "sin": Sin, "cos": Cos, "tan": Tan, "exp": Exp,
			"log": Log, "log10": Log10, "abs": Abs, "round": Round,
		},
		MaxIntBits: DefaultMaxIntBits,
	}
}
