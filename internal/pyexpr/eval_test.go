package pyexpr_test

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
)

func testEnv() *pyexpr.Env {
	env := pyexpr.NewCalculatorEnv()
	env.Compare = true
	env.Dotted = true
	env.Consts["math.pi"] = pyexpr.Float(math.Pi)
	env.Funcs["math.sqrt"] = pyexpr.Sqrt
	return env
}

func TestEval(t *testing.T) {
	tests := []struct {
		give string
		want string // str(value), or the error kind
	}{
		{"2 ** 100", "1267650600228229401496703205376"},
		{"7 // -2", "-4"},
		{"-7.5 // 2", "-4.0"},
		{"1 < 2 < 3", "1"},
		{"1 < 3 < 2", "0"},
		{"2 > 3 > 1 / 0", "0"}, // chained comparisons stop early, as in Python
		{"1 == 1.0", "1"},
		{"2 ** 53 + 1 == 2.0 ** 53", "0"}, // exact int/float comparison
		{"1e999 - 1e999 != 1e999 - 1e999", "1"},
		{"math.sqrt(16) + math.pi * 0", "4.0"},
		{"abs(-2 ** 70)", "1180591620717411303424"},
		{"round(7.5)", "8"},
		{"round(-2.5)", "-2"},
		{"round(15, -1)", "20"},
		{"round(25, -1)", "20"},
		{"1 +", "invalid syntax"},
		{strings.Repeat("(", 150) + "1" + strings.Repeat(")", 150), "invalid syntax"},
		{strings.Repeat("-", 150) + "1", "invalid syntax"},
		{"2 ** 20000", "result too large"},
		{"math.cos(1)", "unknown function"},
	}
	env := testEnv()
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			v, err := env.Eval(tt.give)
			got := v.String()
			var e *pyexpr.Error
			if errors.As(err, &e) {
				got = e.Kind.String()
			} else if err != nil {
				t.Fatalf("error %v is not an *Error", err)
			}
			if got != tt.want {
				t.Errorf("Eval(%q) = %s, want %s", tt.give, got, tt.want)
			}
		})
	}
}

func FuzzFormatFloat(f *testing.F) {
	for _, x := range []float64{0, 1, 0.1, 1e16, 1e-5, 123.456, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-300} {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		s := pyexpr.FormatFloat(x)
		if math.IsNaN(x) {
			if s != "nan" {
				t.Fatalf("FormatFloat(nan) = %q", s)
			}
			return
		}
		y, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(y) != bits {
			t.Fatalf("FormatFloat(%x) = %q does not read back (%v, %v)", bits, s, y, err)
		}
		if !math.IsInf(x, 0) && !strings.ContainsAny(s, ".e") {
			t.Fatalf("FormatFloat(%v) = %q: neither '.' nor exponent", x, s)
		}
	})
}

func FuzzEval(f *testing.F) {
	for _, s := range []string{"1+2", "2**-1", "round(2.675, 2)", "1 < 2 <= 3", "math.sqrt(2)", "log(8, 2)", "-(3 // 0.0)", "1e999 % 2", "((("} {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		v, err := env.Eval(src)
		if err != nil {
			var e *pyexpr.Error
			if !errors.As(err, &e) || e.Kind.String() == "" {
				t.Fatalf("Eval(%q): error %v is not an *Error", src, err)
			}
			return
		}
		if len(v.String()) > 4000 { // 10,000 bits is 3,011 digits
			t.Fatalf("Eval(%q): %d-byte result", src, len(v.String()))
		}
	})
}

func BenchmarkEval(b *testing.B) {
	env := pyexpr.NewCalculatorEnv()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := env.Eval("(140 - 87) * 48 / (72 * 1.4)"); err != nil {
			b.Fatal(err)
		}
	}
}
