package medcalc

// Type is how a calculator's answers are scored. The zero value is unset.
type Type uint8

const (
	// Integer calculators (scores): the value rounded half to even must
	// equal the ground truth (unrounded under Medmarks).
	Integer Type = iota + 1
	// Decimal calculators: Lower Limit ≤ value ≤ Upper Limit.
	Decimal
	// Date calculators (13, 68): the same calendar date.
	Date
	// WeeksDays is calculator 69 (gestational age): the same (weeks, days).
	WeeksDays
)

// String is the name the spec and detail use: "integer", "decimal",
// "date", "weeks-days".
func (t Type) String() string {
	switch t {
	case Integer:
		return "integer"
	case Decimal:
		return "decimal"
	case Date:
		return "date"
	case WeeksDays:
		return "weeks-days"
	}
	return "unknown"
}

// types are the official lists of evaluation/evaluate.py (spec §3): the
// scoring type comes from the calculator id alone, never from the file's
// Output Type column.
var types = func() map[int]Type {
	m := map[int]Type{13: Date, 68: Date, 69: WeeksDays}
	for _, id := range []int{4, 15, 16, 17, 18, 20, 21, 25, 27, 28, 29, 32, 33, 36, 43, 45, 48, 51} {
		m[id] = Integer
	}
	for _, id := range []int{2, 3, 5, 6, 7, 8, 9, 10, 11, 19, 22, 23, 24, 26, 30, 31, 38, 39, 40, 44,
		46, 49, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67} {
		m[id] = Decimal
	}
	return m
}()

// TypeOf returns the scoring type of a calculator id; ok is false for an id
// outside the 55 official ones (such a row cannot be served).
func TypeOf(id int) (t Type, ok bool) {
	t, ok = types[id]
	return t, ok
}

// IDs returns the 55 official calculator ids in increasing order.
func IDs() []int {
	out := make([]int, 0, len(types))
	for id := 0; id <= 69; id++ {
		if _, ok := types[id]; ok {
			out = append(out, id)
		}
	}
	return out
}
