package medcalc

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The official rules are Python regular expressions over str: \d is any
// Unicode decimal digit (Nd) and \s any character for which str.isspace()
// holds. The matchers below reproduce, by hand and in one pass, what
// Python's backtracking engine finds for each pattern (spec §5); the tests
// check them against Go's regexp, whose leftmost-first semantics agree with
// Python's for these patterns. Positions are byte offsets into valid or
// invalid UTF-8 alike: an invalid byte is one character that matches
// nothing.

// digitAt returns the byte width of the decimal digit (Nd) at s[i:], or 0.
func digitAt(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if c >= '0' && c <= '9' {
			return 1
		}
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r != utf8.RuneError && unicode.IsDigit(r) {
		return w
	}
	return 0
}

// digitsEnd returns the end of the run of digits (\d+) starting at i; i when
// there is none.
func digitsEnd(s string, i int) int {
	for i < len(s) {
		w := digitAt(s, i)
		if w == 0 {
			break
		}
		i += w
	}
	return i
}

// numAt matches NUM, -?\d+(\.\d+)?, at i and returns its end, or -1.
func numAt(s string, i int) int {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	k := digitsEnd(s, j)
	if k == j {
		return -1
	}
	if k < len(s) && s[k] == '.' {
		if m := digitsEnd(s, k+1); m > k+1 {
			k = m
		}
	}
	return k
}

// failedStart returns where to try next after a NUM-led pattern failed at
// i: starts inside the same integer digits end where i's NUM ends and
// fail the same way, so the scan goes on at the end of those digits (a
// start inside a fraction is a new NUM and is tried).
func failedStart(s string, i int) int {
	j := i
	if s[j] == '-' {
		j++
	}
	if e := digitsEnd(s, j); e > j {
		return e
	}
	return next(s, i)
}

// next returns the position of the character after the one at i.
func next(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return i + 1
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return i + w
}

// spaceEnd returns the end of the run of Python whitespace (\s*) at i.
func spaceEnd(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !pytext.IsSpace(r) {
			break
		}
		i += w
	}
	return i
}

// trimSpace is Python's str.strip().
func trimSpace(s string) string { return strings.TrimFunc(s, pytext.IsSpace) }

// outOf is re.search(r"(\d+) out of", s): the digits of the first digit run
// directly followed by " out of".
func outOf(s string) (string, bool) {
	for i := 0; i < len(s); {
		e := digitsEnd(s, i)
		if e == i {
			i = next(s, i)
			continue
		}
		if strings.HasPrefix(s[e:], " out of") {
			return s[i:e], true
		}
		// A start inside this run ends at the same place and fails the same
		// way: go on after it.
		i = e
	}
	return "", false
}

// commaList is re.search(r"-?\d+(, ?-?\d+)+", s): the number of items of
// the first comma-separated list of integers (the official rule counts the
// items, len(match.split(","))).
func commaList(s string) (int, bool) {
	for i := 0; i < len(s); i = failedStart(s, i) {
		j := i
		if s[j] == '-' {
			j++
		}
		k := digitsEnd(s, j)
		if k == j {
			continue
		}
		items := 1
		for k < len(s) && s[k] == ',' {
			q := k + 1
			if q < len(s) && s[q] == ' ' {
				q++
			}
			if q < len(s) && s[q] == '-' {
				q++
			}
			e := digitsEnd(s, q)
			if e == q {
				break
			}
			items, k = items+1, e
		}
		if items >= 2 {
			return items, true
		}
	}
	return 0, false
}

// lastNum is the last match of re.findall(r"(-?\d+(\.\d+)?)", s).
func lastNum(s string) (string, bool) {
	var last string
	found := false
	for i := 0; i < len(s); {
		if e := numAt(s, i); e >= 0 {
			last, found, i = s[i:e], true, e
			continue
		}
		i = next(s, i)
	}
	return last, found
}

// lastPercent is the last match of re.findall(r"(-?\d+(\.\d+)?)\%", s).
func lastPercent(s string) (string, bool) {
	var last string
	found := false
	for i := 0; i < len(s); {
		if e := numAt(s, i); e >= 0 && e < len(s) && s[e] == '%' {
			last, found, i = s[i:e], true, e+1
			continue
		}
		i = failedStart(s, i)
	}
	return last, found
}

// gfr is re.search(r"(-?\d+(\.\d+)?)\s*mL/min/1.73", s): the first NUM
// followed by optional whitespace and mL/min/1<any character but a
// newline>73.
func gfr(s string) (string, bool) {
	for i := 0; i < len(s); i = failedStart(s, i) {
		e := numAt(s, i)
		if e < 0 {
			continue
		}
		p := spaceEnd(s, e)
		rest, ok := strings.CutPrefix(s[p:], "mL/min/1")
		if !ok || rest == "" || rest[0] == '\n' {
			continue
		}
		_, w := utf8.DecodeRuneInString(rest)
		if strings.HasPrefix(rest[w:], "73") {
			return s[i:e], true
		}
	}
	return "", false
}

// strCall is re.search(r"str\((.*)\)", s): from just after the first "str("
// that has a ")" later on its line, up to the last ")" on that line.
func strCall(s string) (string, bool) {
	for from := 0; ; {
		i := strings.Index(s[from:], "str(")
		if i < 0 {
			return "", false
		}
		start := from + i + len("str(")
		line := s[start:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		if j := strings.LastIndexByte(line, ')'); j >= 0 {
			return line[:j], true
		}
		// No later "str(" on this line has a ")" either.
		from = start + len(line)
	}
}

// leadingDate is re.search over the start of s of
// ^(0?[1-9]|1[0-2])\/(0?[1-9]|[12][0-9]|3[01])\/(\d{4}), trying the
// alternatives in order as a backtracking engine does. end is where the
// match ends.
func leadingDate(s string) (month, day int, year string, end int, ok bool) {
	for _, m := range monthAlts(s) {
		if m.end >= len(s) || s[m.end] != '/' {
			continue
		}
		for _, d := range dayAlts(s, m.end+1) {
			if d.end >= len(s) || s[d.end] != '/' {
				continue
			}
			p := d.end + 1
			for n := 0; n < 4; n++ {
				if p >= len(s) {
					break
				}
				w := digitAt(s, p)
				if w == 0 {
					break
				}
				p += w
				if n == 3 {
					return m.v, d.v, s[d.end+1 : p], p, true
				}
			}
		}
	}
	return 0, 0, "", 0, false
}

type alt struct{ v, end int }

func ascii(s string, i int, lo, hi byte) bool {
	return i < len(s) && s[i] >= lo && s[i] <= hi
}

// monthAlts: 0?[1-9] then 1[0-2].
func monthAlts(s string) []alt {
	var out []alt
	i := 0
	if ascii(s, 0, '0', '0') {
		i = 1
	}
	if ascii(s, i, '1', '9') {
		out = append(out, alt{int(s[i] - '0'), i + 1})
	}
	if ascii(s, 0, '1', '1') && ascii(s, 1, '0', '2') {
		out = append(out, alt{10 + int(s[1]-'0'), 2})
	}
	return out
}

// dayAlts at p: 0?[1-9], [12][0-9], 3[01].
func dayAlts(s string, p int) []alt {
	var out []alt
	i := p
	if ascii(s, p, '0', '0') {
		i = p + 1
	}
	if ascii(s, i, '1', '9') {
		out = append(out, alt{int(s[i] - '0'), i + 1})
	}
	if ascii(s, p, '1', '2') && ascii(s, p+1, '0', '9') {
		out = append(out, alt{10*int(s[p]-'0') + int(s[p+1]-'0'), p + 2})
	}
	if ascii(s, p, '3', '3') && ascii(s, p+1, '0', '1') {
		out = append(out, alt{30 + int(s[p+1]-'0'), p + 2})
	}
	return out
}

// weeksDays is re.search(r"(\d+)\s*(?:weeks?)?,?\s*(\d+)", s) on a text
// whose quotes are already removed (the official pattern's optional
// brackets, quotes and trailing parts do not change the groups). A single
// run of two or more digits is split by backtracking: "14 weeks" → (1, 4).
func weeksDays(s string) (weeks, days string, ok bool) {
	for i := 0; i < len(s); {
		e := digitsEnd(s, i)
		if e == i {
			i = next(s, i)
			continue
		}
		if d, ok := afterWeeks(s, e); ok {
			return s[i:e], d, true
		}
		// Backtracking gives the last digit of the run to the second group.
		last := i
		for p := i; p < e; p = next(s, p) {
			last = p
		}
		if last > i {
			return s[i:last], s[last:e], true
		}
		i = e
	}
	return "", "", false
}

// afterWeeks matches \s*(?:weeks?)?,?\s*(\d+) at p, trying "weeks", "week"
// and nothing, each with and without the comma.
func afterWeeks(s string, p int) (string, bool) {
	p = spaceEnd(s, p)
	for _, word := range []string{"weeks", "week", ""} {
		if !strings.HasPrefix(s[p:], word) {
			continue
		}
		q := p + len(word)
		for _, comma := range []bool{true, false} {
			r := q
			if comma {
				if r >= len(s) || s[r] != ',' {
					continue
				}
				r++
			}
			r = spaceEnd(s, r)
			if e := digitsEnd(s, r); e > r {
				return s[r:e], true
			}
		}
	}
	return "", false
}
