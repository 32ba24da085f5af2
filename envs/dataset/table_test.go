package dataset_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// op is one row given to a Builder: served (skip == "") or skipped.
type op struct {
	id   string
	skip string
}

func TestBuilderIDs(t *testing.T) {
	tests := []struct {
		name      string
		give      []op
		wantIDs   []string
		wantStats dataset.Stats
		wantLine  string
	}{
		{
			name:      "plain",
			give:      []op{{id: "a"}, {id: "b"}},
			wantIDs:   []string{"a", "b"},
			wantStats: dataset.Stats{Served: 2},
			wantLine:  "2 served, 0 skipped",
		},
		{
			name:      "missing_ids_use_position",
			give:      []op{{id: "a"}, {skip: "empty question"}, {}, {id: ""}},
			wantIDs:   []string{"a", "row-2", "row-3"},
			wantStats: dataset.Stats{Served: 3, Skipped: 1, FirstSkipped: []string{"row-1"}, Reasons: []dataset.Reason{{Why: "empty question", Count: 1}}},
			wantLine:  "3 served, 1 skipped (empty question: 1; first: row-1)",
		},
		{
			name:      "repeats",
			give:      []op{{id: "17"}, {id: "17"}, {id: "x"}, {id: "17", skip: "bad cop"}, {id: "17"}, {id: "17#2"}},
			wantIDs:   []string{"17", "17#2", "x", "17#4", "17#2#2"},
			wantStats: dataset.Stats{Served: 5, Skipped: 1, FirstSkipped: []string{"17#3"}, Reasons: []dataset.Reason{{Why: "bad cop", Count: 1}}, Renamed: 4},
			wantLine:  "5 served, 1 skipped (bad cop: 1; first: 17#3), 4 repeated ids renamed",
		},
		{
			name:    "skip_accounting",
			give:    []op{{id: "a", skip: "r1"}, {id: "b", skip: "r2"}, {id: "c"}, {id: "d", skip: "r1"}, {id: "e", skip: "r1"}},
			wantIDs: []string{"c"},
			wantStats: dataset.Stats{Served: 1, Skipped: 4, FirstSkipped: []string{"a", "b", "d"},
				Reasons: []dataset.Reason{{Why: "r1", Count: 3}, {Why: "r2", Count: 1}}},
			wantLine: "1 served, 4 skipped (r1: 3, r2: 1; first: a, b, d)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := dataset.NewBuilder[int](0)
			for i, o := range tt.give {
				if o.skip != "" {
					b.Skip(o.id, o.skip)
				} else {
					b.Add(o.id, i)
				}
			}
			tab := b.Table()
			var ids []string
			for i := range tab.Len() {
				id, _, ok := tab.At(i)
				if !ok || tab.ID(i) != id {
					t.Fatalf("At(%d) = %q, %v; ID = %q", i, id, ok, tab.ID(i))
				}
				ids = append(ids, id)
				j, _, ok := tab.Lookup(id)
				if !ok || j != i {
					t.Errorf("Lookup(%q) = %d, %v; want %d", id, j, ok, i)
				}
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStats, tab.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if got := tab.Stats().String(); got != tt.wantLine {
				t.Errorf("String() = %q, want %q", got, tt.wantLine)
			}
		})
	}
}

func TestTableLookup(t *testing.T) {
	b := dataset.NewBuilder[string](2)
	b.Add("q1", "first")
	b.Add("q2", "second")
	tab := b.Table()
	if i, row, ok := tab.Lookup("q2"); !ok || i != 1 || row != "second" {
		t.Errorf("Lookup(q2) = %d, %q, %v", i, row, ok)
	}
	if i, _, ok := tab.Lookup("q3"); ok || i != -1 {
		t.Errorf("Lookup(q3) = %d, %v", i, ok)
	}
	for _, i := range []int{-1, 2} {
		if _, _, ok := tab.At(i); ok || tab.ID(i) != "" {
			t.Errorf("At(%d) ok", i)
		}
	}
	if f := tab.Stats().Fields(); len(f) != 2 {
		t.Errorf("Fields() = %v", f)
	}
}
