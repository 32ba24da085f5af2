package medcalc

// Exported for tests only.
var (
	DigitValue  = digitValue
	OutOf       = outOf
	CommaList   = commaList
	LastNum     = lastNum
	LastPercent = lastPercent
	GFR         = gfr
	StrCall     = strCall
	Pair        = weeksDays
	Rewrite     = rewriteExpression
)

// LeadingDate returns the groups of the date at the start of s.
func LeadingDate(s string) (month, day int, year string, ok bool) {
	m, d, y, _, ok := leadingDate(s)
	return m, d, y, ok
}
