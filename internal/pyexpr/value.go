package pyexpr

import (
	"math"
	"math/big"
)

// Value is a Python int or float. The zero Value is the int 0.
type Value struct {
	i       *big.Int // nil for a float, or for the int 0 when isFloat is false
	f       float64
	isFloat bool
}

// Int returns the Python int v.
func Int(v *big.Int) Value { return Value{i: new(big.Int).Set(v)} }

// IntFrom returns the Python int v.
func IntFrom(v int64) Value { return Value{i: big.NewInt(v)} }

// Float returns the Python float v.
func Float(v float64) Value { return Value{f: v, isFloat: true} }

// IsFloat reports whether v is a float (as opposed to an int).
func (v Value) IsFloat() bool { return v.isFloat }

// BigInt returns the integer value of an int Value (nil for a float).
func (v Value) BigInt() *big.Int {
	if v.isFloat {
		return nil
	}
	if v.i == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(v.i)
}

func (v Value) bigInt() *big.Int {
	if v.i == nil {
		return new(big.Int)
	}
	return v.i
}

// Float64 converts v as Python's float(v) does: ints are correctly rounded
// and an int too large for a float is a TooLarge error.
func (v Value) Float64() (float64, error) {
	if v.isFloat {
		return v.f, nil
	}
	i := v.bigInt()
	if i.IsInt64() {
		n := i.Int64()
		if n >= -(1<<53) && n <= 1<<53 {
			return float64(n), nil
		}
	}
	f, _ := new(big.Float).SetInt(i).Float64() // rounds to nearest even
	if math.IsInf(f, 0) {
		return 0, errKind(TooLarge)
	}
	return f, nil
}

// String formats v as Python's str(v).
func (v Value) String() string {
	if v.isFloat {
		return FormatFloat(v.f)
	}
	return v.bigInt().String()
}
