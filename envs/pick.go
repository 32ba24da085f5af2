package envs

import (
	"slices"
	"strings"

	"github.com/medarc-ai/medmarks-t/internal/seed"
)

// Splits resolves the split a request names (../spec/common.md §1 rule 1):
// an alias, the default for "", a known split without data, or an unknown
// one. The zero value knows no split. Safe for concurrent use.
type Splits struct {
	// Env is the env's name, for messages.
	Env string
	// Known are the split names in the order of ../spec/common.md §1:
	// default first, train last.
	Known []string
	// Aliases maps other names to known splits ("validation" → "val").
	Aliases map[string]string
	// Loaded are the splits with data, in any order.
	Loaded []string
	// Reason says why no split is loaded, when that is so.
	Reason string
	// Unserved says why a known split has no data (the files looked for);
	// nil: Reason.
	Unserved func(split string) string
}

// Order returns the loaded splits in Known order.
func (s Splits) Order() []string {
	var out []string
	for _, k := range s.Known {
		if slices.Contains(s.Loaded, k) {
			out = append(out, k)
		}
	}
	return out
}

// Default is the first loaded split in Known order (rule 2: the default
// split, else the first loaded of the others, train last); "" when none is
// loaded.
func (s Splits) Default() string {
	if o := s.Order(); len(o) > 0 {
		return o[0]
	}
	return ""
}

// Resolve returns the loaded split name names, or a NotFound error
// (ErrUnknownSplit) that says why: no data at all, a known split without
// data (with the files looked for), or a name the env does not know (with
// its splits).
func (s Splits) Resolve(name string) (string, error) {
	if a, ok := s.Aliases[name]; ok {
		name = a
	}
	if name == "" {
		if d := s.Default(); d != "" {
			return d, nil
		}
		return "", NotFound(ErrUnknownSplit, "%s has no data loaded: %s", s.Env, s.Reason)
	}
	if slices.Contains(s.Loaded, name) && slices.Contains(s.Known, name) {
		return name, nil
	}
	if slices.Contains(s.Known, name) {
		why := s.Reason
		if s.Unserved != nil {
			why = s.Unserved(name)
		}
		return "", NotFound(ErrUnknownSplit, "%s split %q is not loaded: %s", s.Env, name, why)
	}
	return "", NotFound(ErrUnknownSplit, "%s has no split %q; its splits: %s (loaded: %s)", s.Env, name,
		strings.Join(s.Known, ", "), strings.Join(s.Order(), ", "))
}

// PickRow chooses a row among the n rows a request may reach, the split as
// the options select it (../spec/common.md §1 rule 3): by example id, by
// 0-based index, or, with neither, drawn from seed (SplitMix64(seed) mod n).
// find returns an id's position among those n rows, or the error to give
// (NotFound for an unknown id, or one the options leave out); a position
// ≥ n is outside num_examples. where names the env and split in messages
// ("medec test_ms").
func PickRow(where string, n int, id string, index *int64, sd uint64, find func(id string) (int, error)) (int, error) {
	switch {
	case id != "" && index != nil:
		return 0, Fieldf("index", "give example_id or index, not both")
	case id != "":
		i, err := find(id)
		if err != nil {
			return 0, err
		}
		if i >= n {
			return 0, NotFound(ErrUnknownExample, "%s example %q is outside the first %d rows (num_examples)", where, id, n)
		}
		return i, nil
	case index != nil:
		if *index < 0 || *index >= int64(n) {
			return 0, NotFound(ErrUnknownExample, "%s index %d is outside [0, %d)", where, *index, n)
		}
		return int(*index), nil
	case n <= 0:
		return 0, NotFound(ErrUnknownExample, "%s has no rows to draw from", where)
	}
	return seed.Index(sd, n), nil
}

// Limit applies num_examples to n rows: the first k when 0 < k < n.
func Limit(n int, opts Values) int {
	if k := opts.Int(OptNumExamples); k > 0 && k < int64(n) {
		return int(k)
	}
	return n
}
