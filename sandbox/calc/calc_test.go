package calc_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
	"github.com/medarc-ai/medmarks-t/sandbox/calc"
)

type goldenCase struct {
	Give    string `json:"give"`
	Want    string `json:"want"`
	Outcome string `json:"outcome"`
}

// readGolden reads testdata/calc.golden, written by testdata/gen.py with
// /usr/bin/python3 (CPython computes every value in it).
func readGolden(t testing.TB) []goldenCase {
	t.Helper()
	f, err := os.Open("testdata/calc.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tests []goldenCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var tt goldenCase
		if err := json.Unmarshal([]byte(line), &tt); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		tests = append(tests, tt)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return tests
}

var outcomeNames = map[calc.Outcome]string{calc.OK: "OK", calc.Failed: "Failed", calc.Rejected: "Rejected"}

func TestEvalGolden(t *testing.T) {
	tests := readGolden(t)
	if len(tests) < 60 {
		t.Fatalf("golden table has %d cases, want at least 60", len(tests))
	}
	c := calc.New()
	for _, tt := range tests {
		t.Run(tt.Give, func(t *testing.T) {
			out, oc := c.Eval(tt.Give)
			if diff := cmp.Diff(goldenCase{tt.Give, tt.Want, tt.Outcome}, goldenCase{tt.Give, out, outcomeNames[oc]}); diff != "" {
				t.Errorf("Eval(%q) mismatch (-want +got):\n%s", tt.Give, diff)
			}
		})
	}
}

// TestEvalSpecTable pins the examples of envs/medcalc_bench.md §8.2 in the
// test itself, so a regenerated golden file cannot silently drift from them.
func TestEvalSpecTable(t *testing.T) {
	tests := []struct{ give, want string }{
		{"(140 - 87) * 48 / (72 * 1.4)", "25.238095238095237"},
		{"2 + 3", "5.0"},
		{"7 // 2", "3.0"},
		{"-7 // 2", "-4.0"},
		{"-7 % 3", "2.0"},
		{"2 ^ 3 ^ 2", "512.0"},
		{"-2 ** 2", "-4.0"},
		{"0.1 + 0.2", "0.30000000000000004"},
		{"1e16", "1e+16"},
		{"1e15 + 0.5", "1000000000000000.5"},
		{"123456789 * 987654321", "1.2193263111263526e+17"},
		{"1e-5", "1e-05"},
		{"-0", "0.0"},
		{"-0.0", "-0.0"},
		{"log(1000, 10)", "2.9999999999999996"},
		{"log10(1000)", "3.0"},
		{"round(2.675, 2)", "2.67"},
		{"round(1234.5, -2)", "1200.0"},
		{"sin(pi / 6)", "0.49999999999999994"},
		{"4 × 2.5", "10.0"},
		{"9 ÷ 4", "2.25"},
		{"1e308 * 10", "inf"},
		{"1e999 - 1e999", "nan"},
		{"1/0", "Error: division by zero"},
		{"sqrt(-1)", "Error: math domain error"},
		{"10.0 ** 400", "Error: result too large"},
		{"exp(1000)", "Error: result too large"},
		{"(-8) ** (1/3)", "Error: result is not a real number"},
		{"2 < 3", "Error: character '<' is not allowed"},
		{"x + 1", "Error: unknown name 'x'"},
		{"max(1, 2)", "Error: unknown function 'max'"},
		{"round(1, 2, 3)", "Error: wrong arguments for 'round'"},
		{"", "Error: empty expression"},
		{strings.Repeat("1", 201), "Error: expression longer than 200 characters"},
	}
	c := calc.New()
	for _, tt := range tests {
		got, _ := c.Eval(tt.give)
		if got != tt.want {
			t.Errorf("Eval(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func FuzzEval(f *testing.F) {
	for _, tt := range readGolden(f) {
		f.Add(tt.Give)
	}
	c := calc.New()
	f.Fuzz(func(t *testing.T, expr string) {
		out, oc := c.Eval(expr)
		if len(out) > 600 {
			t.Fatalf("Eval(%q): output of %d bytes", expr, len(out))
		}
		if !utf8.ValidString(out) && oc == calc.OK {
			t.Fatalf("Eval(%q) = %q: invalid UTF-8", expr, out)
		}
		switch oc {
		case calc.OK:
			// The output reads back as a float whose Python formatting is
			// the output itself (acceptance §11 item 8).
			x, err := strconv.ParseFloat(out, 64)
			if err != nil && !strings.Contains(err.Error(), "range") {
				t.Fatalf("Eval(%q) = %q: not a float: %v", expr, out, err)
			}
			if got := pyexpr.FormatFloat(x); got != out {
				t.Fatalf("Eval(%q) = %q, reformatted %q", expr, out, got)
			}
		case calc.Failed, calc.Rejected:
			if !strings.HasPrefix(out, "Error: ") {
				t.Fatalf("Eval(%q) = %q: error without prefix", expr, out)
			}
		default:
			t.Fatalf("Eval(%q): outcome %d", expr, oc)
		}
		// Deterministic.
		if out2, oc2 := c.Eval(expr); out2 != out || oc2 != oc {
			t.Fatalf("Eval(%q) not deterministic", expr)
		}
	})
}

func BenchmarkEval(b *testing.B) {
	c := calc.New()
	for _, expr := range []string{"(140 - 87) * 48 / (72 * 1.4)", "sin(pi / 6) + log(1000, 10)", "round(2.675, 2)"} {
		b.Run(expr, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Eval(expr)
			}
		})
	}
}
