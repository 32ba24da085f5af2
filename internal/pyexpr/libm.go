package pyexpr

import (
	"math"
	"math/big"
)

// Double-double arithmetic: a value is hi+lo with |lo| <= ulp(hi)/2, about
// 106 bits. The transcendental functions below are evaluated in it and
// rounded once to a float64, which gives the correctly rounded result except
// in cases far rarer than glibc's own (< 0.52 ulp) errors.

type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	e := (a - (s - bb)) + (b - bb)
	return dd{s, e}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func ddAddF(a dd, b float64) dd {
	s := twoSum(a.hi, b)
	s.lo += a.lo
	return quickTwoSum(s.hi, s.lo)
}

func ddMul(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

func ddMulF(a dd, b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += a.lo * b
	return quickTwoSum(p.hi, p.lo)
}

func ddDiv(a, b dd) dd {
	q1 := a.hi / b.hi
	r := ddAdd(a, ddNeg(ddMulF(b, q1)))
	q2 := r.hi / b.hi
	r = ddAdd(r, ddNeg(ddMulF(b, q2)))
	q3 := r.hi / b.hi
	q := quickTwoSum(q1, q2)
	return ddAddF(q, q3)
}

func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

// ddLdexp scales by 2**k and rounds to a float64.
func ddLdexp(a dd, k int) float64 {
	hi := math.Ldexp(a.hi, k)
	if hi == 0 || math.IsInf(hi, 0) || math.Abs(hi) >= 0x1p-1021 {
		return hi + math.Ldexp(a.lo, k)
	}
	// Subnormal result: round the exact sum once, in big arithmetic.
	f := new(big.Float).SetPrec(200).SetFloat64(a.hi)
	f.Add(f, new(big.Float).SetFloat64(a.lo))
	f.SetMantExp(f, k)
	r, _ := f.Float64()
	return r
}

var (
	ddLn2 = dd{0x1.62e42fefa39efp-01, 0x1.abc9e3b39803fp-56}

	// invFact[n] is 1/n! (a constant table).
	invFact = func() (t [32]dd) {
		f := dd{1, 0}
		t[0] = f
		for i := 1; i < len(t); i++ {
			f = ddDiv(f, dd{float64(i), 0})
			t[i] = f
		}
		return t
	}()
)

// expDD returns e**x for a double-double x, as a double-double mantissa and
// a power of two (the value is m * 2**k), so that callers round once.
func expDD(x dd) (m dd, k int) {
	kf := math.Round(x.hi / ddLn2.hi)
	k = int(kf)
	// r = x - k*ln2, exact products.
	r := ddAdd(x, ddNeg(ddMulF(ddLn2, kf)))
	// Reduce further: r/2**s, then square s times.
	const s = 8
	r.hi = math.Ldexp(r.hi, -s)
	r.lo = math.Ldexp(r.lo, -s)
	// Taylor series of e**r - 1 (|r| < 0.0014).
	sum := dd{0, 0}
	term := r
	for i := 1; i < 14; i++ {
		sum = ddAdd(sum, ddMul(term, invFact[i]))
		term = ddMul(term, r)
		if math.Abs(term.hi) < 1e-36 {
			break
		}
	}
	// (1+sum)**2 - 1 = 2*sum + sum**2, keeping the "minus one" form for accuracy.
	for range s {
		sum = ddAdd(ddMulF(sum, 2), ddMul(sum, sum))
	}
	return ddAddF(sum, 1), k
}

func libmExp(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 709.8:
		return math.Inf(1)
	case x < -746:
		return 0
	}
	m, k := expDD(dd{x, 0})
	return ddLdexp(m, k)
}

// logDD returns log(x) for finite x > 0.
func logDD(x float64) dd {
	frac, e := math.Frexp(x) // x = frac * 2**e, frac in [0.5, 1)
	if frac < math.Sqrt2/2 {
		frac *= 2
		e--
	}
	// log(frac) = 2*atanh(s), s = (frac-1)/(frac+1); frac-1 is exact.
	s := ddDiv(dd{frac - 1, 0}, twoSum(frac, 1))
	s2 := ddMul(s, s)
	sum := dd{0, 0}
	pow := s
	for i := 1; i < 80; i += 2 {
		t := ddDiv(pow, dd{float64(i), 0})
		sum = ddAdd(sum, t)
		if math.Abs(t.hi) <= math.Abs(sum.hi)*1e-34 {
			break
		}
		pow = ddMul(pow, s2)
	}
	sum = ddMulF(sum, 2)
	return ddAdd(ddMulF(ddLn2, float64(e)), sum)
}

func libmLog(x float64) float64 {
	l := logDD(x)
	return l.hi + l.lo
}

// libmLog10 is glibc's log10 (sysdeps/ieee754/dbl-64/e_log10.c, from
// fdlibm), which is not correctly rounded: it is log(m)/ln(10) plus the
// exponent times log10(2), in plain double arithmetic. CPython calls it, so
// it is reproduced step by step (with the correctly rounded log), for finite
// x > 0. The conversions stop the compiler from fusing multiply-adds.
func libmLog10(x float64) float64 {
	const (
		two54     = 1.80143985094819840000e+16
		ivln10    = 4.34294481903251816668e-01
		log10_2hi = 3.01029995663611771306e-01
		log10_2lo = 3.69423907715893078616e-13
	)
	bits := math.Float64bits(x)
	hx := int32(bits >> 32)
	k := int32(0)
	if hx < 0x00100000 { // subnormal
		k -= 54
		x *= two54
		bits = math.Float64bits(x)
		hx = int32(bits >> 32)
	}
	k += (hx >> 20) - 1023
	i := int32((uint32(k) & 0x80000000) >> 31)
	hx = (hx & 0x000fffff) | ((0x3ff - i) << 20)
	y := float64(k + i)
	x = math.Float64frombits(uint64(uint32(hx))<<32 | bits&0xffffffff)
	z := float64(y*log10_2lo) + float64(ivln10*libmLog(x))
	return z + float64(y*log10_2hi)
}

// piBig is pi to 1,200 bits (363 digits), for reducing large trigonometric
// arguments exactly.
var piBig, _, _ = big.ParseFloat("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196442881097566593344612847564823378678316527120190914564856692346034861045432664821339360726024914127372458700660631558817488152092096282925409171536436789259036001133053054882046652138414695194151160943305727036575959195309218611738193261179310511854807446237996274956735188575272489122793818301194912983367336244065664308602139494639522473719070217986094370277053921717629317675238467481846766940513200056812714526356082778577134275778960917363717872146844090122495343014654958537105079227968925892354201995611212902196086403441815981362977477130996051870721134999999837297804995105973173281609631859502445945534690830264252230825334468503526193118817101000313783875288658753320838142061717766914730359825349042875546873115956286388235378759375195778185778053217122680661300192787661119590921642019893", 10, 1200, big.ToNearestEven)

// reduceHalfPi returns r and q with x = q*pi/2 + r, |r| <= pi/4, r as a
// double-double, for finite x.
func reduceHalfPi(x float64) (dd, int) {
	if math.Abs(x) <= math.Pi/4 {
		return dd{x, 0}, 0
	}
	_, e := math.Frexp(x)
	prec := uint(max(e, 0)) + 256
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	halfPi := new(big.Float).SetPrec(prec).Quo(piBig, big.NewFloat(2))
	qf := new(big.Float).SetPrec(prec).Quo(bx, halfPi)
	// Round to the nearest integer.
	qf.Add(qf, new(big.Float).SetFloat64(0.5*float64(qf.Sign())))
	qi, _ := qf.Int(nil)
	q := int(new(big.Int).And(qi, big.NewInt(3)).Int64())
	r := new(big.Float).SetPrec(prec).SetInt(qi)
	r.Mul(r, halfPi)
	r.Sub(bx, r)
	hi, _ := r.Float64()
	lo, _ := r.Sub(r, new(big.Float).SetFloat64(hi)).Float64()
	return dd{hi, lo}, q
}

// sinCosDD returns sin(r) and cos(r) for |r| <= pi/4.
func sinCosDD(r dd) (sin, cos dd) {
	r2 := ddMul(r, r)
	sin = dd{0, 0}
	term := r
	for i := 1; i < len(invFact); i += 2 {
		t := ddMul(term, invFact[i])
		if i%4 == 3 {
			t = ddNeg(t)
		}
		sin = ddAdd(sin, t)
		if math.Abs(t.hi) <= math.Abs(sin.hi)*1e-34 {
			break
		}
		term = ddMul(term, r2)
	}
	cos = dd{0, 0}
	term = dd{1, 0}
	for i := 0; i < len(invFact); i += 2 {
		t := ddMul(term, invFact[i])
		if i%4 == 2 {
			t = ddNeg(t)
		}
		cos = ddAdd(cos, t)
		if math.Abs(t.hi) <= 1e-34 {
			break
		}
		term = ddMul(term, r2)
	}
	return sin, cos
}

func libmSin(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Sin(x)
	}
	r, q := reduceHalfPi(x)
	s, c := sinCosDD(r)
	var v dd
	switch q {
	case 0:
		v = s
	case 1:
		v = c
	case 2:
		v = ddNeg(s)
	default:
		v = ddNeg(c)
	}
	return v.hi + v.lo
}

func libmCos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Cos(x)
	}
	r, q := reduceHalfPi(x)
	s, c := sinCosDD(r)
	var v dd
	switch q {
	case 0:
		v = c
	case 1:
		v = ddNeg(s)
	case 2:
		v = ddNeg(c)
	default:
		v = s
	}
	return v.hi + v.lo
}

func libmTan(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Tan(x)
	}
	r, q := reduceHalfPi(x)
	s, c := sinCosDD(r)
	var v dd
	if q%2 == 0 {
		v = ddDiv(s, c)
	} else {
		v = ddNeg(ddDiv(c, s))
	}
	return v.hi + v.lo
}

// libmPow returns x**y for finite x > 0 and finite y, as C pow does; the
// result may overflow to inf or underflow to 0.
func libmPow(x, y float64) float64 {
	if x == 1 || y == 0 {
		return 1
	}
	if y == 1 {
		return x
	}
	l := logDD(x)
	t := ddMulF(l, y)
	switch {
	case t.hi > 709.8:
		return math.Inf(1)
	case t.hi < -746:
		return 0
	}
	m, k := expDD(t)
	return ddLdexp(m, k)
}
