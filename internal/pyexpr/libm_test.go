package pyexpr

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestLibmGolden compares the double-double functions with CPython (glibc)
// on the inputs of testdata/libm.golden (written by gen_libm.py). glibc's
// sin, cos, tan, exp, log and pow are correctly rounded on nearly all inputs
// and ours are correctly rounded, so they agree except on rare inputs where
// glibc is off by one ulp (the spec tolerates a last-bit difference outside
// its acceptance table); log10 reproduces glibc's own algorithm. A mismatch
// of more than one ulp, or more than one in 500, fails.
func TestLibmGolden(t *testing.T) {
	f, err := os.Open("testdata/libm.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	funcs := map[string]func([]Value) (Value, error){
		"sin": Sin, "cos": Cos, "tan": Tan, "exp": Exp, "log": Log, "log10": Log10,
		"pow": func(a []Value) (Value, error) {
			r, err := FloatPow(a[0].f, a[1].f)
			return Float(r), err
		},
	}
	kinds := map[string]Kind{"domain": Domain, "overflow": TooLarge, "zerodiv": DivisionByZero}
	n, bad := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Fields(line)
		var args []Value
		for _, s := range fields[1 : len(fields)-1] {
			if s == "nan" || s == "-nan" {
				s = "NaN"
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			args = append(args, Float(x))
		}
		want := fields[len(fields)-1]
		if fields[0] == "repr" {
			if got := FormatFloat(args[0].f); got != want {
				t.Errorf("FormatFloat(%s) = %s, want %s", fields[1], got, want)
			}
			continue
		}
		got, err := funcs[fields[0]](args)
		n++
		if k, ok := kinds[want]; ok {
			if e, isE := err.(*Error); !isE || e.Kind != k {
				t.Errorf("%s: got %v, %v", line, got, err)
				bad++
			}
			continue
		}
		w, _ := strconv.ParseFloat(want, 64)
		if err == nil && math.Float64bits(got.f) != math.Float64bits(w) && math.Nextafter(got.f, w) == w {
			t.Logf("one ulp off: %s", line)
			bad++
			continue
		}
		if err != nil || math.Float64bits(got.f) != math.Float64bits(w) {
			t.Errorf("%s(%v): got %v (%v), want %v", fields[0], fields[1:len(fields)-1], strconv.FormatFloat(got.f, 'x', -1, 64), err, want)
			bad++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases read", n)
	}
	if bad > n/500 {
		t.Errorf("%d of %d cases differ by one ulp", bad, n)
	}
}
