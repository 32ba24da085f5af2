package medcalc

import (
	"fmt"
	"sort"
	"unicode"
	"unicode/utf8"
)

// civil is a calendar date.
type civil struct{ year, month, day int }

func (c civil) String() string { return fmt.Sprintf("%02d/%02d/%04d", c.month, c.day, c.year) }

// valid is what datetime.strptime(…, "%m/%d/%Y") accepts: year 1–9999,
// month 1–12, a day that exists in that month of the proleptic Gregorian
// calendar.
func (c civil) valid() bool {
	if c.year < 1 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 {
		return false
	}
	return c.day <= daysIn(c.year, c.month)
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digitValue is the decimal value of an Nd digit, as Python's int() reads
// it: every Nd range of the Unicode tables is made of whole runs of ten,
// each starting at its zero.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	t := unicode.Nd
	if r <= 0xFFFF {
		rs := t.R16
		i := sort.Search(len(rs), func(i int) bool { return rune(rs[i].Hi) >= r })
		if i < len(rs) && rune(rs[i].Lo) <= r {
			return int(r-rune(rs[i].Lo)) % 10, true
		}
		return 0, false
	}
	rs := t.R32
	i := sort.Search(len(rs), func(i int) bool { return rune(rs[i].Hi) >= r })
	if i < len(rs) && rune(rs[i].Lo) <= r {
		return int(r-rune(rs[i].Lo)) % 10, true
	}
	return 0, false
}

// yearValue reads four Nd digits as an int.
func yearValue(s string) int {
	y := 0
	for _, r := range s {
		d, _ := digitValue(r)
		y = 10*y + d
	}
	return y
}

// parseDateGold reads a date ground truth: exactly M/D/YYYY (ASCII), an
// existing date.
func parseDateGold(s string) (civil, bool) {
	s = trimSpace(s)
	m, d, y, end, ok := leadingDate(s)
	if !ok || end != len(s) || !isASCII(y) {
		return civil{}, false
	}
	c := civil{year: yearValue(y), month: m, day: d}
	return c, c.valid()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
