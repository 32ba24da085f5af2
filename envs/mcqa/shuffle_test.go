package mcqa_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/mcqa"
	"github.com/medarc-ai/medmarks-t/internal/pyrand"
)

func opts(texts ...string) []mcqa.Option {
	out := make([]mcqa.Option, len(texts))
	for i, t := range texts {
		out[i] = mcqa.Option{Label: string(rune('A' + i)), Text: t}
	}
	return out
}

func texts(os []mcqa.Option) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Text
	}
	return out
}

// The row-seed vectors of ../spec/common.md §6.
func TestRowSeed(t *testing.T) {
	tests := []struct {
		shuffleSeed int64
		rowID       string
		want        uint64
		wantOutputs []uint32
	}{
		{shuffleSeed: 1618, rowID: "0", want: 16058011264228541690, wantOutputs: []uint32{3870556568, 2098025214, 2809816625}},
		{shuffleSeed: 9331, rowID: "0", want: 8487364666108480051, wantOutputs: []uint32{3493677959, 2233192690, 790701674}},
	}
	for _, tt := range tests {
		t.Run(tt.rowID, func(t *testing.T) {
			got := mcqa.RowSeed(tt.shuffleSeed, tt.rowID)
			if got != tt.want {
				t.Fatalf("RowSeed(%d, %q) = %d, want %d", tt.shuffleSeed, tt.rowID, got, tt.want)
			}
			r := pyrand.New(got)
			outs := []uint32{r.Uint32(), r.Uint32(), r.Uint32()}
			if diff := cmp.Diff(tt.wantOutputs, outs); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
		})
	}
}

// The option vectors of ../spec/common.md §6.
func TestSpecVectors(t *testing.T) {
	four := opts("w", "x", "y", "z")
	tests := []struct {
		name     string
		give     []mcqa.Option
		gold     int
		seed     int64
		rowID    string
		want     []int
		wantGold string
	}{
		{name: "1618/0", give: four, seed: 1618, rowID: "0", want: []int{0, 1, 2, 3}, wantGold: "A"},
		{name: "1618/1", give: four, seed: 1618, rowID: "1", want: []int{3, 2, 1, 0}, wantGold: "D"},
		{name: "1618/2", give: four, seed: 1618, rowID: "2", want: []int{2, 1, 0, 3}, wantGold: "C"},
		{name: "1618/3", give: four, seed: 1618, rowID: "3", want: []int{1, 2, 0, 3}, wantGold: "C"},
		{name: "1618/4", give: four, seed: 1618, rowID: "4", want: []int{1, 2, 3, 0}, wantGold: "D"},
		{name: "1618/5", give: four, seed: 1618, rowID: "5", want: []int{2, 1, 0, 3}, wantGold: "C"},
		{name: "9331/0", give: four, seed: 9331, rowID: "0", want: []int{3, 2, 0, 1}, wantGold: "C"},
		{name: "9331/1", give: four, seed: 9331, rowID: "1", want: []int{0, 2, 1, 3}, wantGold: "A"},
		{name: "9331/2", give: four, seed: 9331, rowID: "2", want: []int{2, 3, 0, 1}, wantGold: "C"},
		{name: "9331/3", give: four, seed: 9331, rowID: "3", want: []int{3, 0, 2, 1}, wantGold: "B"},
		{name: "9331/4", give: four, seed: 9331, rowID: "4", want: []int{0, 2, 1, 3}, wantGold: "A"},
		{name: "9331/5", give: four, seed: 9331, rowID: "5", want: []int{2, 0, 1, 3}, wantGold: "B"},
		{name: "pubmedqa_1618", give: opts("Yes", "No", "Maybe"), seed: 1618, rowID: "12377809", want: []int{1, 2, 0}, wantGold: "C"},
		{name: "pubmedqa_9331", give: opts("Yes", "No", "Maybe"), seed: 9331, rowID: "12377809", want: []int{2, 1, 0}, wantGold: "C"},
		{name: "anchor", give: opts("a", "b", "c", "None of the above"), gold: 1, seed: 1618, rowID: "0", want: []int{0, 2, 1, 3}, wantGold: "C"},
		{name: "metformin", give: opts("Insulin", "Glipizide", "Metformin", "Acarbose"), gold: 2, seed: 1618, rowID: "7", want: []int{3, 1, 2, 0}, wantGold: "C"},
		{name: "blocks", give: opts("Insulin", "All of the above", "Metformin", "Acarbose", "Glipizide"), gold: 2, seed: 1618, rowID: "7", want: []int{0, 1, 4, 3, 2}, wantGold: "E"},
		{name: "label_ref", give: opts("Insulin", "Metformin", "Both A and B", "Acarbose"), gold: 1, seed: 1618, rowID: "1", want: []int{0, 1, 2, 3}, wantGold: "B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mcqa.Apply(tt.give, tt.gold, mcqa.RowSeed(tt.seed, tt.rowID))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Perm); diff != "" {
				t.Errorf("mapping (-want +got):\n%s", diff)
			}
			if got.GoldLabel() != tt.wantGold {
				t.Errorf("gold %s, want %s", got.GoldLabel(), tt.wantGold)
			}
			if got.Options[got.Gold].Text != tt.give[tt.gold].Text {
				t.Errorf("gold text %q, want %q", got.Options[got.Gold].Text, tt.give[tt.gold].Text)
			}
			for i, o := range got.Options {
				if o.Label != tt.give[i].Label || o.Text != tt.give[got.Perm[i]].Text {
					t.Errorf("option %d = %+v", i, o)
				}
			}
		})
	}
}

// The episode-mode vectors of ../spec/common.md §6: row id 7, seed 1618.
func TestEpisodeRowSeed(t *testing.T) {
	tests := []struct {
		give     uint64
		wantSeed uint64 // 0: not given by the spec
		want     []int
	}{
		{give: 0, wantSeed: 593987977021334907, want: []int{1, 2, 0, 3}},
		{give: 1, wantSeed: 7132751539674604994, want: []int{0, 2, 1, 3}},
		{give: 2, want: []int{1, 3, 2, 0}},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatUint(tt.give, 10), func(t *testing.T) {
			s := mcqa.EpisodeRowSeed(1618, "7", tt.give)
			if tt.wantSeed != 0 && s != tt.wantSeed {
				t.Errorf("seed %d, want %d", s, tt.wantSeed)
			}
			got, reason := mcqa.Permutation([]string{"w", "x", "y", "z"}, s)
			if diff := cmp.Diff(tt.want, got); diff != "" || reason != "" {
				t.Errorf("reason %q; mapping (-want +got):\n%s", reason, diff)
			}
		})
	}
}

func TestSeed(t *testing.T) {
	tests := []struct {
		name    string
		seed    int64
		mode    mcqa.Mode
		episode uint64
		want    uint64
		wantErr bool
	}{
		{name: "row", seed: 1618, mode: mcqa.ModeRow, episode: 5, want: mcqa.RowSeed(1618, "7")},
		{name: "episode", seed: 1618, mode: mcqa.ModeEpisode, episode: 0, want: 593987977021334907},
		{name: "below_-1", seed: -2, mode: mcqa.ModeRow, wantErr: true},
		{name: "unset_mode", seed: 1618, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mcqa.Seed(tt.seed, "7", tt.mode, tt.episode)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Seed = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestFreshSeed checks shuffle_seed -1: the seed differs between calls, is
// reproducible through Permutation, and the orders vary.
func TestFreshSeed(t *testing.T) {
	texts := []string{"a", "b", "c", "d", "e"}
	orders := map[string]bool{}
	for range 20 {
		s, err := mcqa.Seed(mcqa.FreshShuffleSeed, "7", mcqa.ModeRow, 0)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := mcqa.Permutation(texts, s)
		q, _ := mcqa.Permutation(texts, s)
		if !cmp.Equal(p, q) {
			t.Fatalf("seed %d gave %v then %v", s, p, q)
		}
		orders[fmt.Sprint(p)] = true
	}
	if len(orders) < 2 {
		t.Errorf("20 fresh seeds gave %d orders", len(orders))
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		give    string
		want    mcqa.Mode
		wantErr error
	}{
		{give: "row", want: mcqa.ModeRow},
		{give: "episode", want: mcqa.ModeEpisode},
		{give: "", wantErr: mcqa.ErrMode},
		{give: "Row", wantErr: mcqa.ErrMode},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := mcqa.ParseMode(tt.give)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseMode(%q) = %v, %v; want %v, %v", tt.give, got, err, tt.want, tt.wantErr)
			}
			if err == nil && got.String() != tt.give {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		name string
		give []string
		want string
	}{
		{name: "shuffled", give: []string{"a", "b", "c"}, want: ""},
		{name: "label_ref", give: []string{"a", "b", "Both A and B"}, want: `not shuffled: option C refers to other labels ("Both A and B")`},
		{name: "one", give: []string{"only"}, want: "not shuffled: no two options can move (fewer than two, or anchors between them)"},
		{name: "anchors", give: []string{"a", "All of the above", "b", "None of the above"}, want: "not shuffled: no two options can move (fewer than two, or anchors between them)"},
		{name: "empty", give: nil, want: "not shuffled: no two options can move (fewer than two, or anchors between them)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := mcqa.Permutation(tt.give, 1)
			if got != tt.want {
				t.Errorf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApplyGoldOutOfRange(t *testing.T) {
	for _, gold := range []int{-1, 3} {
		if _, err := mcqa.Apply(opts("a", "b", "c"), gold, 1); err == nil {
			t.Errorf("Apply with gold %d: no error", gold)
		}
	}
}

// FuzzPermutation checks the invariants of any shuffle: a permutation,
// deterministic, anchors in place, identity when an option refers to
// labels, and Apply's gold text unchanged.
func FuzzPermutation(f *testing.F) {
	f.Add("Insulin\x00Metformin\x00All of the above\x00Acarbose", uint64(1618), uint8(1))
	f.Add("a\x00Both A and B\x00c", uint64(0), uint8(0))
	f.Add("x", uint64(7), uint8(0))
	f.Fuzz(func(t *testing.T, joined string, s uint64, gold uint8) {
		ts := strings.Split(joined, "\x00")
		p, reason := mcqa.Permutation(ts, s)
		q, _ := mcqa.Permutation(ts, s)
		if !cmp.Equal(p, q) {
			t.Fatalf("not deterministic")
		}
		labelRef := false
		for _, t := range ts {
			labelRef = labelRef || mcqa.RefersToLabels(t)
		}
		if labelRef && reason == "" {
			t.Fatalf("an option refers to labels but no reason")
		}
		seen := make([]bool, len(ts))
		for i, old := range p {
			if old < 0 || old >= len(ts) || seen[old] {
				t.Fatalf("not a permutation: %v", p)
			}
			seen[old] = true
			if mcqa.IsAnchor(ts[old]) && old != i {
				t.Fatalf("anchor %q moved from %d to %d", ts[old], old, i)
			}
			if reason != "" && old != i {
				t.Fatalf("reason %q but order %v", reason, p)
			}
		}
		g := int(gold) % len(ts)
		sh, err := mcqa.Apply(opts(ts...), g, s)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Options[sh.Gold].Text != ts[g] || sh.Perm[sh.Gold] != g {
			t.Fatalf("gold %d moved to %d but shows %q", g, sh.Gold, sh.Options[sh.Gold].Text)
		}
	})
}

// FuzzMatchers checks the matchers do not panic and that whitespace around
// a text keeps a match (no token or word needs anything after it but a
// boundary).
func FuzzMatchers(f *testing.F) {
	for _, s := range []string{"Both A and B", "All of the above", "(A) or (B)", "ſome of these", "٣ and ٤", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if mcqa.RefersToLabels(s) && !mcqa.RefersToLabels(" "+s+" ") {
			t.Errorf("RefersToLabels(%q) but not with spaces around", s)
		}
		if mcqa.IsAnchor(s) && !mcqa.IsAnchor(" "+s+" ") {
			t.Errorf("IsAnchor(%q) but not with spaces around", s)
		}
	})
}

func BenchmarkPermutation(b *testing.B) {
	b.ReportAllocs()
	ts := []string{
		"Protect against invasive helminth infection",
		"Protect against viral infections",
		"Inhibiting bacterial adherance and colonization of mucous membranes",
		"Provides the most specific recognition to circulating antigens in the bloodstream",
	}
	for b.Loop() {
		mcqa.Permutation(ts, mcqa.RowSeed(1618, "996"))
	}
}

func BenchmarkRefersToLabels(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mcqa.RefersToLabels("Provides the most specific recognition to circulating antigens in the bloodstream")
	}
}
