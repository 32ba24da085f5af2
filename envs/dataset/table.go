package dataset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.uber.org/zap"
)

// Table is one split's rows with their example ids (../spec/common.md §1
// rule 2), built once by a Builder and read-only after. Safe for
// concurrent use.
type Table[T any] struct {
	rows  []T
	ids   []string
	index map[string]int
	stats Stats
}

// Len is the number of rows served.
func (t *Table[T]) Len() int { return len(t.rows) }

// At returns the row at 0-based position i among the rows served and its
// id; ok is false outside [0, Len).
func (t *Table[T]) At(i int) (id string, row T, ok bool) {
	if i < 0 || i >= len(t.rows) {
		var zero T
		return "", zero, false
	}
	return t.ids[i], t.rows[i], true
}

// Lookup returns the row with example id id and its position.
func (t *Table[T]) Lookup(id string) (i int, row T, ok bool) {
	i, ok = t.index[id]
	if !ok {
		var zero T
		return -1, zero, false
	}
	return i, t.rows[i], true
}

// ID returns the id of the row at position i; "" outside [0, Len).
func (t *Table[T]) ID(i int) string {
	if i < 0 || i >= len(t.ids) {
		return ""
	}
	return t.ids[i]
}

// Stats returns the counts for the split's start-up log line.
func (t *Table[T]) Stats() Stats { return t.stats }

// Stats counts what a split's loading kept and dropped.
type Stats struct {
	// Served is the number of rows in the table.
	Served int
	// Skipped is the number of rows left out (Builder.Skip).
	Skipped int
	// FirstSkipped are the ids of the first three rows left out.
	FirstSkipped []string
	// Reasons counts the rows left out per reason, in order of first use.
	Reasons []Reason
	// Renamed is the number of rows whose id repeated an earlier one and
	// got a #2, #3, … suffix.
	Renamed int
}

// Reason is one reason for leaving rows out, with how many it left out.
type Reason struct {
	Why   string
	Count int
}

// String is the log line's summary: "1273 served, 0 skipped" or
// `4179 served, 4 skipped (cop not 1–4: 2, empty question: 2; first: a, b, c), 1 id renamed`.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d served, %d skipped", s.Served, s.Skipped)
	if s.Skipped > 0 {
		b.WriteString(" (")
		for i, r := range s.Reasons {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %d", r.Why, r.Count)
		}
		fmt.Fprintf(&b, "; first: %s)", strings.Join(s.FirstSkipped, ", "))
	}
	if s.Renamed > 0 {
		fmt.Fprintf(&b, ", %d repeated ids renamed", s.Renamed)
	}
	return b.String()
}

// Fields are the structured log fields for the split's start-up line.
func (s Stats) Fields() []zap.Field {
	f := []zap.Field{zap.Int("served", s.Served), zap.Int("skipped", s.Skipped)}
	if s.Skipped > 0 {
		reasons := make([]string, len(s.Reasons))
		for i, r := range s.Reasons {
			reasons[i] = r.Why + ": " + strconv.Itoa(r.Count)
		}
		f = append(f, zap.Strings("first_skipped", s.FirstSkipped), zap.Strings("skip_reasons", reasons))
	}
	if s.Renamed > 0 {
		f = append(f, zap.Int("renamed_ids", s.Renamed))
	}
	return f
}

// Builder collects a split's rows in file order. Every row of the source
// goes through Add or Skip, so that a row's position, which row-<index>
// ids use, is its 0-based position in the file. Not safe for concurrent
// use.
type Builder[T any] struct {
	t       Table[T]
	n       int                 // rows seen (Add + Skip)
	skipped map[string]struct{} // ids of skipped rows
	repeats map[string]int      // last suffix given to a repeated id
	why     map[string]int      // reason → index in stats.Reasons
}

// NewBuilder returns an empty Builder; sizeHint preallocates rows.
func NewBuilder[T any](sizeHint int) *Builder[T] {
	b := &Builder[T]{skipped: map[string]struct{}{}, repeats: map[string]int{}, why: map[string]int{}}
	b.t.rows = make([]T, 0, sizeHint)
	b.t.ids = make([]string, 0, sizeHint)
	b.t.index = make(map[string]int, sizeHint)
	return b
}

// Add serves row under id ("" for a row without one: row-<position>) and
// returns the id it got: id itself, or id#2, id#3, … when id repeats.
func (b *Builder[T]) Add(id string, row T) string {
	id = b.id(id)
	b.t.index[id] = len(b.t.rows)
	b.t.rows = append(b.t.rows, row)
	b.t.ids = append(b.t.ids, id)
	return id
}

// Skip leaves a row out for reason (a short constant text such as "empty
// question", counted per reason). The row keeps its position, so later
// ids do not move, and its id counts for repeats, so the ids of the rows
// served do not depend on which rows are skipped.
func (b *Builder[T]) Skip(id, reason string) {
	id = b.id(id)
	b.skipped[id] = struct{}{}
	s := &b.t.stats
	s.Skipped++
	if len(s.FirstSkipped) < 3 {
		s.FirstSkipped = append(s.FirstSkipped, id)
	}
	i, ok := b.why[reason]
	if !ok {
		i = len(s.Reasons)
		b.why[reason] = i
		s.Reasons = append(s.Reasons, Reason{Why: reason})
	}
	s.Reasons[i].Count++
}

// id gives the next row its id; the caller records it as taken.
func (b *Builder[T]) id(id string) string {
	pos := b.n
	b.n++
	if id == "" {
		id = "row-" + strconv.Itoa(pos)
	}
	if !b.taken(id) {
		return id
	}
	b.t.stats.Renamed++
	// "17#2" could itself be an id in the file: keep counting until free.
	for k := max(b.repeats[id], 1) + 1; ; k++ {
		alt := id + "#" + strconv.Itoa(k)
		if !b.taken(alt) {
			b.repeats[id] = k
			return alt
		}
	}
}

func (b *Builder[T]) taken(id string) bool {
	if _, ok := b.t.index[id]; ok {
		return true
	}
	_, ok := b.skipped[id]
	return ok
}

// Table returns the table built so far; the Builder must not be used
// after.
func (b *Builder[T]) Table() *Table[T] {
	t := b.t
	t.stats.Served = len(t.rows)
	t.rows = slices.Clip(t.rows)
	t.ids = slices.Clip(t.ids)
	b.skipped, b.repeats, b.why = nil, nil, nil
	return &t
}
