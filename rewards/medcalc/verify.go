package medcalc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Mode selects the correctness rules.
type Mode uint8

const (
	// Official is MedCalc-Bench's evaluate.py: integer calculators compare
	// the value rounded half to even (the default).
	Official Mode = iota
	// Medmarks reproduces Medmarks' check_correctness: integer calculators
	// compare the value unrounded (option compat "medmarks", spec §6.3).
	Medmarks
)

// Rule names the extraction rule that produced a value (spec §5).
type Rule uint8

const (
	// RuleNone: no rule produced a value.
	RuleNone Rule = iota
	// RuleOutOf: "N out of" (integer).
	RuleOutOf
	// RuleCommaList: a comma-separated list, replaced by its item count
	// (integer).
	RuleCommaList
	// RuleLastNumber: the last number of the answer (integer, decimal).
	RuleLastNumber
	// RuleExpression: a str(…) expression, evaluated (decimal).
	RuleExpression
	// RuleGFR: the number before mL/min/1.73 (decimal).
	RuleGFR
	// RulePercent: the last number followed by %, divided by 100 (decimal).
	RulePercent
	// RuleDate: the date that starts the answer (date).
	RuleDate
	// RuleWeeksDays: the first weeks/days pair (calculator 69).
	RuleWeeksDays
)

var ruleNames = [...]string{"no rule", "out of", "comma list", "last number", "expression", "GFR unit", "percent", "date", "weeks/days"}

func (r Rule) String() string {
	if int(r) >= len(ruleNames) {
		return "Rule(" + strconv.Itoa(int(r)) + ")"
	}
	return ruleNames[r]
}

// Verdict is the outcome of checking one answer text.
type Verdict struct {
	Correct bool
	// Rule is the rule that produced the value; RuleNone when nothing did.
	Rule Rule
	// Extracted is what the official extract_answer returns, "" for N/A:
	// the value text for integers ("4.0"), Python's str() of the value for
	// decimals ("25.238000000000003"), MM/DD/<year digits> for dates,
	// "(weeks, days)" with the digits as written for calculator 69.
	Extracted string
	// Detail is one line: the answer, the rule and value, the comparison
	// and the verdict ("answer \"4.4\" → last number 4.4; rounded (half to
	// even) 4 = ground truth 4 → correct").
	Detail string
}

// Check applies the official extraction (spec §5.3–5.7) to the text of an
// answer tag, already trimmed, and the correctness rule of g's calculator
// type (§6). It is pure, safe for concurrent use and never panics.
func Check(g Gold, answer string, mode Mode) Verdict {
	var v Verdict
	switch g.Type {
	case Integer:
		v = checkInteger(g, answer, mode)
	case Decimal:
		v = checkDecimal(g, answer)
	case Date:
		v = checkDate(g, answer)
	case WeeksDays:
		v = checkWeeksDays(g, answer)
	default:
		v = Verdict{Detail: "unknown calculator type"}
	}
	verdict := "incorrect"
	if v.Correct {
		verdict = "correct"
	}
	v.Detail = fmt.Sprintf("answer %q → %s → %s", Shorten(answer, 200), v.Detail, verdict)
	if mode == Medmarks {
		v.Detail += " (compat medmarks)"
	}
	return v
}

func checkInteger(g Gold, answer string, mode Mode) Verdict {
	var v Verdict
	switch {
	case setText(&v, RuleOutOf, outOf, answer):
	default:
		if n, ok := commaList(answer); ok {
			v.Rule, v.Extracted = RuleCommaList, strconv.Itoa(n)
			break
		}
		if !setText(&v, RuleLastNumber, lastNum, answer) {
			v.Detail = "no number"
			return v
		}
	}
	value := v.Rule.String() + " " + sv(v.Extracted)
	if v.Rule == RuleCommaList {
		value = "comma list of " + v.Extracted + " items"
	}
	if why := invalidReason(v.Extracted); why != "" {
		v.Detail = value + ": not a valid number (" + why + ")"
		return v
	}
	n := parseNUM(v.Extracted)
	if mode == Medmarks {
		c := cmpNumbers(n, g.num)
		v.Correct = c == 0
		v.Detail = fmt.Sprintf("%s; compared unrounded %s %s ground truth %s", value, sv(n.String()), relation(c), g.num)
		return v
	}
	r, ok := roundHalfEven(n)
	if !ok {
		v.Detail = value + ": " + sv(n.String()) + " cannot be rounded"
		return v
	}
	c := cmpNumbers(r, g.num)
	v.Correct = c == 0
	v.Detail = fmt.Sprintf("%s; rounded (half to even) %s %s ground truth %s", value, sv(r.String()), relation(c), g.num)
	return v
}

// setText runs a rule that yields text and records it.
func setText(v *Verdict, r Rule, f func(string) (string, bool), answer string) bool {
	t, ok := f(answer)
	if ok {
		v.Rule, v.Extracted = r, t
	}
	return ok
}

func relation(c int) string {
	if c == 0 {
		return "="
	}
	return "≠"
}

func checkDecimal(g Gold, answer string) Verdict {
	var v Verdict
	var n number
	if e, ok := strCall(answer); ok {
		v.Rule = RuleExpression
		rewritten := rewriteExpression(e)
		res, err := evalExpression(rewritten)
		if err != nil {
			v.Detail = fmt.Sprintf("expression %q: %s", Shorten(rewritten, 200), exprError(err))
			return v
		}
		n = res
		v.Extracted = n.String()
		v.Detail = fmt.Sprintf("expression %q = %s", Shorten(rewritten, 200), sv(v.Extracted))
	} else {
		switch {
		case setText(&v, RuleGFR, gfr, answer):
		case setText(&v, RulePercent, lastPercent, answer):
		case setText(&v, RuleLastNumber, lastNum, answer):
		default:
			v.Detail = "no number"
			return v
		}
		text := v.Extracted
		if why := invalidReason(text); why != "" {
			// eval() raises inside the official extraction: no value.
			v.Extracted = ""
			v.Detail = fmt.Sprintf("%s %s: not a valid number (%s)", v.Rule, sv(text), why)
			return v
		}
		n = parseNUM(text)
		if v.Rule == RulePercent {
			var ok bool
			if n, ok = divide100(n); !ok {
				v.Extracted = ""
				v.Detail = fmt.Sprintf("percent %s%%: the quotient is too large for a float", sv(text))
				return v
			}
			v.Extracted = n.String()
			v.Detail = fmt.Sprintf("percent %s%% / 100 = %s", sv(text), sv(v.Extracted))
		} else {
			v.Extracted = n.String()
			v.Detail = v.Rule.String() + " " + sv(v.Extracted)
		}
	}
	if !n.finite() {
		// str() gives "inf" or "nan", which the check's eval() cannot read.
		v.Detail += ", which is not a finite number"
		return v
	}
	lo, hi := cmpNumbers(g.lo, n), cmpNumbers(n, g.hi)
	v.Correct = lo <= 0 && hi <= 0
	switch {
	case lo > 0:
		v.Detail += fmt.Sprintf("; %s < lower limit %s", sv(v.Extracted), g.Lower)
	case hi > 0:
		v.Detail += fmt.Sprintf("; %s > upper limit %s", sv(v.Extracted), g.Upper)
	default:
		v.Detail += fmt.Sprintf("; %s ≤ %s ≤ %s", g.Lower, sv(v.Extracted), g.Upper)
	}
	return v
}

// exprError words an evaluation failure.
func exprError(err error) string {
	return strings.TrimPrefix(err.Error(), "pyexpr: ")
}

func checkDate(g Gold, answer string) Verdict {
	m, d, y, _, ok := leadingDate(answer)
	if !ok {
		return Verdict{Detail: "no M/D/YYYY date at the start"}
	}
	v := Verdict{Rule: RuleDate, Extracted: fmt.Sprintf("%02d/%02d/%s", m, d, y)}
	c := civil{year: yearValue(y), month: m, day: d}
	if !c.valid() {
		v.Detail = "date " + v.Extracted + ": not an existing date"
		return v
	}
	v.Correct = c == g.date
	v.Detail = fmt.Sprintf("date %s %s ground truth %s", v.Extracted, relation(boolCmp(v.Correct)), g.date)
	return v
}

func boolCmp(equal bool) int {
	if equal {
		return 0
	}
	return 1
}

func checkWeeksDays(g Gold, answer string) Verdict {
	w, d, ok := weeksDays(dropQuotes(answer))
	if !ok {
		return Verdict{Detail: "no weeks/days pair"}
	}
	v := Verdict{Rule: RuleWeeksDays, Extracted: "(" + w + ", " + d + ")"}
	for _, x := range []string{w, d} {
		if why := invalidReason(x); why != "" {
			v.Detail = fmt.Sprintf("pair %s: %s is not a valid number (%s)", sv(v.Extracted), sv(x), why)
			return v
		}
	}
	v.Correct = canonicalInt(w) == g.weeks && canonicalInt(d) == g.days
	v.Detail = fmt.Sprintf("pair %s %s ground truth (%s, %s)", sv(v.Extracted), relation(boolCmp(v.Correct)), g.weeks, g.days)
	return v
}

// sv shortens a value for Detail: a number may be thousands of digits.
func sv(s string) string { return Shorten(s, 60) }

// Shorten keeps at most n characters of s, marking a cut with "…".
func Shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
