package medcalc_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// fuzzGolds are one row of each scoring type.
var fuzzGolds = func() []medcalc.Gold {
	var out []medcalc.Gold
	for _, r := range [][4]string{
		{"4", "4", "", ""}, {"16", "-1", "", ""}, {"2", "25.238", "23.9761", "26.4999"},
		{"38", "-0.828", "-0.8694", "-0.7866"}, {"13", "09/23/2014", "", ""}, {"69", "('14 weeks', '1 days')", "", ""},
	} {
		id := 0
		for _, c := range r[0] {
			id = 10*id + int(c-'0')
		}
		g, err := medcalc.ParseGold(id, "", r[1], r[2], r[3])
		if err != nil {
			panic(err)
		}
		out = append(out, g)
	}
	return out
}()

// FuzzCheck: extraction and checking never panic, are deterministic, give
// a value whenever they say correct, and keep Detail short and valid UTF-8.
func FuzzCheck(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	for _, s := range []string{"str(10 ** 10 ** 10)", "str(pow(2, 100000))", "str(min(1))", "str(math.lo(3))",
		"str(int(1e308) * 10)", "str(float(10 ** 400))", "str(" + strings.Repeat("(", 300) + "1)", "str(1/0)",
		"str(round(2.675, 2))", "str(2 < 3)", "str(x)", "1" + strings.Repeat("0", 5000), "-" + strings.Repeat("9", 400) + ".5%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		for _, g := range fuzzGolds {
			for _, mode := range []medcalc.Mode{medcalc.Official, medcalc.Medmarks} {
				v := medcalc.Check(g, answer, mode)
				if v != medcalc.Check(g, answer, mode) {
					t.Fatalf("not deterministic on %q", answer)
				}
				if v.Correct && (v.Rule == medcalc.RuleNone || v.Extracted == "") {
					t.Fatalf("correct without a value: %+v", v)
				}
				if !strings.HasSuffix(v.Detail, "→ correct") && !strings.Contains(v.Detail, "→ incorrect") && !strings.Contains(v.Detail, "→ correct (compat") {
					t.Fatalf("detail without a verdict: %q", v.Detail)
				}
				if utf8.ValidString(answer) && !utf8.ValidString(v.Detail) {
					t.Fatalf("detail not UTF-8: %q", v.Detail)
				}
				if utf8.RuneCountInString(v.Detail) > 1200 {
					t.Fatalf("detail of %d characters", utf8.RuneCountInString(v.Detail))
				}
			}
		}
		a, ok := medcalc.AnswerText(answer)
		if ok && strings.Contains(answer, "<answer>") && len(a) > len(answer) {
			t.Fatalf("answer longer than its text")
		}
	})
}

// FuzzParseGold: any ground truth and limits either parse or give a
// GoldError naming a column; a parsed one checks its own answer as correct
// (the files' own ground truths always do, spec §6.2).
func FuzzParseGold(f *testing.F) {
	for _, s := range [][3]string{{"4", "", ""}, {"25.238", "23.9761", "26.4999"}, {"09/23/2014", "", ""},
		{"('14 weeks', '1 days')", "", ""}, {"1e-05", "9.5e-06", "1.05e-05"}, {"07", "", ""}, {"02/29/2015", "", ""}} {
		f.Add(2, s[0], s[1], s[2])
		f.Add(4, s[0], s[1], s[2])
		f.Add(13, s[0], s[1], s[2])
		f.Add(69, s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, id int, answer, lower, upper string) {
		g, err := medcalc.ParseGold(id, "", answer, lower, upper)
		if err != nil {
			var ge *medcalc.GoldError
			if !asGoldError(err, &ge) || ge.Field == "" {
				t.Fatalf("error %v is not a GoldError naming a column", err)
			}
			return
		}
		_ = medcalc.Check(g, g.Answer, medcalc.Official)
	})
}

func asGoldError(err error, dst **medcalc.GoldError) bool {
	ge, ok := err.(*medcalc.GoldError)
	*dst = ge
	return ok
}
