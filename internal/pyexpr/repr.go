package pyexpr

import (
	"math"
	"strconv"
	"strings"
)

// FormatFloat returns CPython's repr(x) (equal to str(x) since Python 3.2):
// the shortest digits that read back as x, in fixed notation when
// 1e-4 <= |x| < 1e16 and in exponent notation otherwise, with ".0" added to
// integral fixed values and "inf", "-inf", "nan" for the special values.
//
// strconv's 'g' format differs (1e+06 for 1000000.0, 5 for 5.0), so the
// shortest digits are taken from the 'e' format and laid out by the rule of
// CPython's format_float_short.
func FormatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case x == 0:
		if math.Signbit(x) {
			return "-0.0"
		}
		return "0.0"
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], x, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	// e is d[.ddd]e±XX
	epos := strings.IndexByte(string(e), 'e')
	mant, exp := e[:epos], e[epos+1:]
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	n, _ := strconv.Atoi(string(exp))
	decpt := n + 1 // value = 0.d1d2... * 10**decpt

	var sb strings.Builder
	sb.Grow(len(digits) + 8)
	if neg {
		sb.WriteByte('-')
	}
	if decpt <= -4 || decpt > 16 {
		sb.WriteByte(digits[0])
		if len(digits) > 1 {
			sb.WriteByte('.')
			sb.Write(digits[1:])
		}
		sb.WriteByte('e')
		if n < 0 {
			sb.WriteByte('-')
			n = -n
		} else {
			sb.WriteByte('+')
		}
		if n < 10 {
			sb.WriteByte('0')
		}
		sb.WriteString(strconv.Itoa(n))
		return sb.String()
	}
	switch {
	case decpt <= 0:
		sb.WriteString("0.")
		for range -decpt {
			sb.WriteByte('0')
		}
		sb.Write(digits)
	case decpt >= len(digits):
		sb.Write(digits)
		for range decpt - len(digits) {
			sb.WriteByte('0')
		}
		sb.WriteString(".0")
	default:
		sb.Write(digits[:decpt])
		sb.WriteByte('.')
		sb.Write(digits[decpt:])
	}
	return sb.String()
}
