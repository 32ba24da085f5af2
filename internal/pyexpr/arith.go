package pyexpr

import (
	"math"
	"math/big"
)

// DefaultMaxIntBits is the integer size limit of the calculator
// (envs/medcalc_bench.md §8.2).
const DefaultMaxIntBits = 10000

type arith struct{ maxBits int }

func (a arith) checkInt(i *big.Int) (Value, error) {
	if i.BitLen() > a.maxBits {
		return Value{}, errKind(TooLarge)
	}
	return Value{i: i}, nil
}

func bothFloats(x, y Value) (float64, float64, error) {
	fx, err := x.Float64()
	if err != nil {
		return 0, 0, err
	}
	fy, err := y.Float64()
	if err != nil {
		return 0, 0, err
	}
	return fx, fy, nil
}

func (a arith) binary(op string, x, y Value) (Value, error) {
	if !x.isFloat && !y.isFloat {
		return a.intBinary(op, x.bigInt(), y.bigInt())
	}
	fx, fy, err := bothFloats(x, y)
	if err != nil {
		return Value{}, err
	}
	switch op {
	case "+":
		return Float(fx + fy), nil
	case "-":
		return Float(fx - fy), nil
	case "*":
		return Float(fx * fy), nil
	case "/":
		if fy == 0 {
			return Value{}, errKind(DivisionByZero)
		}
		return Float(fx / fy), nil
	case "//":
		_, d, err := floatDivMod(fx, fy)
		return Float(d), err
	case "%":
		m, _, err := floatDivMod(fx, fy)
		return Float(m), err
	case "**":
		f, err := FloatPow(fx, fy)
		return Float(f), err
	}
	return Value{}, errKind(Syntax)
}

func (a arith) intBinary(op string, x, y *big.Int) (Value, error) {
	switch op {
	case "+":
		return a.checkInt(new(big.Int).Add(x, y))
	case "-":
		return a.checkInt(new(big.Int).Sub(x, y))
	case "*":
		if x.BitLen()+y.BitLen() > a.maxBits+1 {
			return Value{}, errKind(TooLarge)
		}
		return a.checkInt(new(big.Int).Mul(x, y))
	case "/":
		if y.Sign() == 0 {
			return Value{}, errKind(DivisionByZero)
		}
		f, _ := new(big.Rat).SetFrac(x, y).Float64() // nearest, as long_true_divide
		if math.IsInf(f, 0) {
			return Value{}, errKind(TooLarge)
		}
		return Float(f), nil
	case "//", "%":
		if y.Sign() == 0 {
			return Value{}, errKind(DivisionByZero)
		}
		q, r := new(big.Int).QuoRem(x, y, new(big.Int))
		if r.Sign() != 0 && (r.Sign() < 0) != (y.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
			r.Add(r, y)
		}
		if op == "//" {
			return a.checkInt(q)
		}
		return a.checkInt(r)
	case "**":
		return a.intPow(x, y)
	}
	return Value{}, errKind(Syntax)
}

func (a arith) intPow(x, y *big.Int) (Value, error) {
	if y.Sign() < 0 {
		if x.Sign() == 0 {
			return Value{}, errKind(DivisionByZero) // 0.0 cannot be raised to a negative power
		}
		fx, fy, err := bothFloats(Value{i: x}, Value{i: y})
		if err != nil {
			return Value{}, err
		}
		f, err := FloatPow(fx, fy)
		return Float(f), err
	}
	ax := new(big.Int).Abs(x)
	if ax.Cmp(big.NewInt(1)) <= 0 { // 0, 1, -1
		if x.Sign() < 0 && y.Bit(0) == 1 {
			return IntFrom(-1), nil
		}
		if x.Sign() == 0 && y.Sign() > 0 {
			return IntFrom(0), nil
		}
		return IntFrom(1), nil
	}
	if !y.IsInt64() || y.Int64() > int64(a.maxBits) || int64(ax.BitLen()-1)*y.Int64() >= int64(a.maxBits) {
		return Value{}, errKind(TooLarge)
	}
	return a.checkInt(new(big.Int).Exp(x, y, nil))
}

// floatDivMod is CPython's _float_div_mod (Objects/floatobject.c).
func floatDivMod(vx, wx float64) (mod, floordiv float64, err error) {
	if wx == 0 {
		return 0, 0, errKind(DivisionByZero)
	}
	mod = math.Mod(vx, wx)
	div := (vx - mod) / wx
	if mod != 0 {
		if (wx < 0) != (mod < 0) {
			mod += wx
			div -= 1.0
		}
	} else {
		mod = math.Copysign(0, wx)
	}
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1.0
		}
	} else {
		floordiv = math.Copysign(0, vx/wx)
	}
	return mod, floordiv, nil
}

func isOddInteger(x float64) bool {
	return math.Mod(x, 2) == 1 || math.Mod(x, 2) == -1
}

// FloatPow is CPython's float_pow: x ** y for floats, with its special cases
// and errors (ZeroDivisionError for 0.0 ** negative, a complex result for a
// negative base and a fractional exponent, OverflowError on overflow).
func FloatPow(iv, iw float64) (float64, error) {
	switch {
	case iw == 0:
		return 1, nil
	case math.IsNaN(iv):
		return iv, nil
	case math.IsNaN(iw):
		if iv == 1 {
			return 1, nil
		}
		return iw, nil
	case math.IsInf(iw, 0):
		av := math.Abs(iv)
		if av == 1 {
			return 1, nil
		}
		if (iw > 0) == (av > 1) {
			return math.Abs(iw), nil
		}
		return 0, nil
	case math.IsInf(iv, 0):
		odd := isOddInteger(iw)
		if iw > 0 {
			if odd {
				return iv, nil
			}
			return math.Abs(iv), nil
		}
		if odd {
			return math.Copysign(0, iv), nil
		}
		return 0, nil
	case iv == 0:
		if iw < 0 {
			return 0, errKind(DivisionByZero)
		}
		if isOddInteger(iw) {
			return iv, nil
		}
		return 0, nil
	}
	negate := false
	if iv < 0 {
		if iw != math.Floor(iw) {
			return 0, errKind(NotReal)
		}
		iv = -iv
		negate = isOddInteger(iw)
	}
	if iv == 1 {
		if negate {
			return -1, nil
		}
		return 1, nil
	}
	r := libmPow(iv, iw)
	if negate {
		r = -r
	}
	if math.IsInf(r, 0) {
		return 0, errKind(TooLarge)
	}
	return r, nil
}

func (a arith) unary(neg bool, x Value) (Value, error) {
	if !neg {
		return x, nil
	}
	if x.isFloat {
		return Float(-x.f), nil
	}
	return Value{i: new(big.Int).Neg(x.bigInt())}, nil
}

// compare returns the result of x op y with Python's exact mixed-type
// comparison (no rounding of ints to floats).
func compare(op string, x, y Value) bool {
	c, ok := cmpValues(x, y)
	if !ok { // nan
		return op == "!="
	}
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default:
		return c >= 0
	}
}

func cmpValues(x, y Value) (int, bool) {
	if !x.isFloat && !y.isFloat {
		return x.bigInt().Cmp(y.bigInt()), true
	}
	if x.isFloat && y.isFloat {
		switch {
		case math.IsNaN(x.f) || math.IsNaN(y.f):
			return 0, false
		case x.f < y.f:
			return -1, true
		case x.f > y.f:
			return 1, true
		}
		return 0, true
	}
	if !x.isFloat {
		c, ok := cmpValues(y, x)
		return -c, ok
	}
	// x float, y int
	switch {
	case math.IsNaN(x.f):
		return 0, false
	case math.IsInf(x.f, 1):
		return 1, true
	case math.IsInf(x.f, -1):
		return -1, true
	}
	rx := new(big.Rat).SetFloat64(x.f)
	return rx.Cmp(new(big.Rat).SetInt(y.bigInt())), true
}
