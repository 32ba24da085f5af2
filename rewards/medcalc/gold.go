package medcalc

import (
	"fmt"
	"strings"
)

// Gold is a row's ground truth, parsed once from the strings of the data
// file (spec §2.2–2.3) and read-only after. Safe for concurrent use.
type Gold struct {
	// CalculatorID and Name are the row's calculator; Name may be empty.
	CalculatorID int
	Name         string
	// Type is the scoring type of CalculatorID.
	Type Type
	// Answer, Lower and Upper are the row's Ground Truth Answer, Lower Limit
	// and Upper Limit as given, trimmed.
	Answer, Lower, Upper string

	num    number // integer: eval(ground truth)
	lo, hi number // decimal: eval(limits)
	date   civil
	weeks  string // weeks-days: canonical digits
	days   string
}

// GoldError is a ground truth or limit that cannot be served. Field is the
// column at fault ("Ground Truth Answer", "Lower Limit", …).
type GoldError struct {
	Field  string
	Reason string
}

func (e *GoldError) Error() string { return e.Field + ": " + e.Reason }

// ParseGold parses a row's ground truth for its calculator (spec §2.3):
// integer and decimal ground truths are numbers, a date is an existing
// M/D/YYYY date, calculator 69 a weeks/days pair; a decimal calculator also
// needs both limits as numbers. lower and upper are ignored for the other
// types (the files repeat the ground truth there). name is kept for Detail.
func ParseGold(calculatorID int, name, answer, lower, upper string) (Gold, error) {
	t, ok := TypeOf(calculatorID)
	if !ok {
		return Gold{}, &GoldError{"Calculator ID", fmt.Sprintf("%d is not one of the 55 official calculator ids", calculatorID)}
	}
	g := Gold{CalculatorID: calculatorID, Name: name, Type: t,
		Answer: trimSpace(answer), Lower: trimSpace(lower), Upper: trimSpace(upper)}
	if g.Answer == "" {
		return Gold{}, &GoldError{"Ground Truth Answer", "empty"}
	}
	switch t {
	case Integer, Decimal:
		n, ok := parseLiteral(g.Answer)
		if !ok || !n.finite() {
			return Gold{}, &GoldError{"Ground Truth Answer", fmt.Sprintf("%q is not a number", g.Answer)}
		}
		g.num = n
		if t == Integer {
			break
		}
		for _, l := range []struct {
			field, text string
			dst         *number
		}{{"Lower Limit", g.Lower, &g.lo}, {"Upper Limit", g.Upper, &g.hi}} {
			if l.text == "" {
				return Gold{}, &GoldError{l.field, "missing (decimal calculators need both limits)"}
			}
			n, ok := parseLiteral(l.text)
			if !ok || isNaN(n) {
				return Gold{}, &GoldError{l.field, fmt.Sprintf("%q is not a number", l.text)}
			}
			*l.dst = n
		}
	case Date:
		d, ok := parseDateGold(g.Answer)
		if !ok {
			return Gold{}, &GoldError{"Ground Truth Answer", fmt.Sprintf("%q is not an existing M/D/YYYY date", g.Answer)}
		}
		g.date = d
	case WeeksDays:
		w, d, ok := weeksDays(dropQuotes(g.Answer))
		if !ok || invalidReason(w) != "" || invalidReason(d) != "" {
			return Gold{}, &GoldError{"Ground Truth Answer", fmt.Sprintf("%q is not a (weeks, days) pair", g.Answer)}
		}
		g.weeks, g.days = canonicalInt(w), canonicalInt(d)
	}
	return g, nil
}

// LimitsInverted reports a decimal row whose Lower Limit is above its Upper
// Limit: no answer can pass it (served anyway, as upstream; the loader logs
// a warning).
func (g Gold) LimitsInverted() bool {
	return g.Type == Decimal && cmpNumbers(g.lo, g.hi) > 0
}

// dropQuotes is the official first step of calculator 69: brackets become
// parentheses (which changes no match) and quotes are deleted.
func dropQuotes(s string) string {
	if strings.ContainsAny(s, `'"`) {
		s = quoteDropper.Replace(s)
	}
	return s
}

var quoteDropper = strings.NewReplacer(`'`, "", `"`, "")

// canonicalInt is the value of a valid integer text in decimal: "00" is 0.
func canonicalInt(s string) string {
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return "0"
}
