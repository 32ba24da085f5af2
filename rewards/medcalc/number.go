package medcalc

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
)

// number is a Python int or float, as eval() of a literal gives it. Ints
// that fit in an int64 avoid math/big.
type number struct {
	isFloat bool
	f       float64
	small   int64
	big     *big.Int // non-nil for an int outside int64
}

// maxIntDigits is CPython's default limit on the digits of an int literal
// (sys.int_info.default_max_str_digits, 3.11+): eval() of a longer one is a
// SyntaxError. No ground truth or limit comes near it, so the verdict is the
// same either way; the limit also keeps math/big off megabyte inputs.
const maxIntDigits = 4300

func intNumber(i int64) number { return number{small: i} }

func floatNumber(f float64) number { return number{isFloat: true, f: f} }

func bigNumber(b *big.Int) number {
	if b.IsInt64() {
		return number{small: b.Int64()}
	}
	return number{big: b}
}

// fromValue converts an expression result.
func fromValue(v pyexpr.Value) (number, error) {
	if v.IsFloat() {
		f, err := v.Float64()
		return floatNumber(f), err
	}
	return bigNumber(v.BigInt()), nil
}

// bigInt returns an int's value.
func (n number) bigInt() *big.Int {
	if n.big != nil {
		return n.big
	}
	return big.NewInt(n.small)
}

// finite reports whether n is an int or a finite float.
func (n number) finite() bool {
	return !n.isFloat || !(math.IsInf(n.f, 0) || math.IsNaN(n.f))
}

// String is Python's str(n).
func (n number) String() string {
	switch {
	case n.isFloat:
		return pyexpr.FormatFloat(n.f)
	case n.big != nil:
		return n.big.String()
	}
	return strconv.FormatInt(n.small, 10)
}

// cmpNumbers compares as Python does: int with int and float with float
// exactly, and int with float exactly too (no conversion to float). Neither
// may be NaN.
func cmpNumbers(a, b number) int {
	switch {
	case !a.isFloat && !b.isFloat:
		if a.big == nil && b.big == nil {
			return cmpInt64(a.small, b.small)
		}
		return a.bigInt().Cmp(b.bigInt())
	case a.isFloat && b.isFloat:
		return cmpFloat(a.f, b.f)
	case a.isFloat:
		return -cmpIntFloat(b, a.f)
	}
	return cmpIntFloat(a, b.f)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpIntFloat compares an int with a float exactly.
func cmpIntFloat(i number, f float64) int {
	switch {
	case math.IsInf(f, 1):
		return -1
	case math.IsInf(f, -1):
		return 1
	case i.big == nil && i.small >= -(1<<53) && i.small <= 1<<53:
		return cmpFloat(float64(i.small), f) // exact: both sides are doubles
	}
	fi := new(big.Float).SetInt(i.bigInt()) // exact: precision grows to fit
	return fi.Cmp(new(big.Float).SetFloat64(f))
}

// roundHalfEven is Python's round(n): ties to even, an int unchanged.
// ok is false for inf and nan (OverflowError, ValueError).
func roundHalfEven(n number) (number, bool) {
	if !n.isFloat {
		return n, true
	}
	if !n.finite() {
		return number{}, false
	}
	r := math.RoundToEven(n.f)
	if r >= -(1<<62) && r <= 1<<62 {
		return intNumber(int64(r)), true
	}
	b, _ := new(big.Float).SetFloat64(r).Int(nil) // r is integral: exact
	return bigNumber(b), true
}

// divide100 is Python's n / 100 (true division: correctly rounded also for
// ints); ok is false when the result overflows a float.
func divide100(n number) (number, bool) {
	if n.isFloat {
		return floatNumber(n.f / 100), true
	}
	if n.big == nil && n.small >= -(1<<53) && n.small <= 1<<53 {
		return floatNumber(float64(n.small) / 100), true // one IEEE rounding
	}
	f, _ := new(big.Rat).SetFrac(n.bigInt(), big.NewInt(100)).Float64()
	if math.IsInf(f, 0) {
		return number{}, false
	}
	return floatNumber(f), true
}

// invalidReason says why the text of a NUM (an optional "-", digits, an
// optional "." and digits) is not what Python's eval() accepts as a number,
// or "" when it is valid. CPython's tokenizer takes ASCII digits only, and
// an integer literal may not start with 0 unless all its digits are 0.
func invalidReason(text string) string {
	digits := strings.TrimPrefix(text, "-")
	intPart, _, hasFrac := strings.Cut(digits, ".")
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; c >= 0x80 {
			return "not ASCII digits"
		}
	}
	if !hasFrac && len(intPart) > 1 && intPart[0] == '0' && strings.TrimLeft(intPart, "0") != "" {
		return "an integer with a leading zero"
	}
	if !hasFrac && len(intPart) > maxIntDigits {
		return "an integer of more than 4300 digits"
	}
	return ""
}

// parseNUM evaluates a NUM text that invalidReason accepted: an int exactly,
// a number with a fraction as the nearest double (±inf when too large, as
// Python's float literal).
func parseNUM(text string) number {
	if strings.IndexByte(text, '.') >= 0 {
		f, _ := strconv.ParseFloat(text, 64) // correctly rounded; ±Inf on overflow
		return floatNumber(f)
	}
	if len(text) <= 18 {
		n, _ := strconv.ParseInt(text, 10, 64)
		return intNumber(n)
	}
	b, _ := new(big.Int).SetString(text, 10)
	return bigNumber(b)
}

// parseLiteral reads a ground truth or a limit as eval() of a signed Python
// number literal: an optional sign, digits with an optional fraction
// ("5.", ".5" too) and an optional exponent, ASCII only, after trimming.
// The shipped files hold only the NUM form; the wider grammar keeps other
// exports' limits ("9.5e-05") servable.
func parseLiteral(s string) (number, bool) {
	s = trimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	i := 0
	for i < len(s) && isASCIIDigit(s[i]) {
		i++
	}
	intDigits := i
	isFloat := false
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		j := i
		for i < len(s) && isASCIIDigit(s[i]) {
			i++
		}
		if intDigits == 0 && i == j {
			return number{}, false // "." alone
		}
	} else if intDigits == 0 {
		return number{}, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isFloat = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && isASCIIDigit(s[i]) {
			i++
		}
		if i == j {
			return number{}, false
		}
	}
	if i != len(s) {
		return number{}, false
	}
	if isFloat {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !math.IsInf(f, 0) {
			return number{}, false
		}
		if neg {
			f = -f
		}
		return floatNumber(f), true
	}
	if len(s) > 1 && s[0] == '0' && strings.TrimLeft(s, "0") != "" {
		return number{}, false // 07: a SyntaxError in Python 3
	}
	if len(s) > maxIntDigits {
		return number{}, false
	}
	if neg {
		s = "-" + s
	}
	return parseNUM(s), true
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }
