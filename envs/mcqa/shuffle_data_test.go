package mcqa_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/mcqa"
	"github.com/medarc-ai/medmarks-t/internal/shared"
)

// These tests compute the shuffle acceptance figures of envs/medqa.md,
// envs/medmcqa.md and envs/pubmedqa.md (§8) over the real files, read here
// with encoding/json; the envs' own loaders are tested in their packages.

// mcqRow is a row reduced to what shuffling needs.
type mcqRow struct {
	id    string // example id
	rowID string // shuffle row id
	opts  []mcqa.Option
	gold  int
}

func jsonLines(t *testing.T, path string, fn func(line []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func medqaTest(t *testing.T) []mcqRow {
	t.Helper()
	var rows []mcqRow
	jsonLines(t, filepath.Join(shared.Datasets(t), "medqa", "phrases_no_exclude_test.jsonl"), func(line []byte) {
		var r struct {
			Options   map[string]string `json:"options"`
			AnswerIdx string            `json:"answer_idx"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		labels := slices.Sorted(func(yield func(string) bool) {
			for k := range r.Options {
				if !yield(k) {
					return
				}
			}
		})
		row := mcqRow{id: strconv.Itoa(len(rows)), rowID: strconv.Itoa(len(rows)), gold: -1}
		for i, l := range labels {
			row.opts = append(row.opts, mcqa.Option{Label: l, Text: r.Options[l]})
			if l == strings.ToUpper(strings.TrimSpace(r.AnswerIdx)) {
				row.gold = i
			}
		}
		rows = append(rows, row)
	})
	if len(rows) != 1273 {
		t.Fatalf("medqa test: %d rows", len(rows))
	}
	return rows
}

// pyTrim is Python's str.strip(), as MedMCQA's loader trims.
func pyTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r >= 0x09 && r <= 0x0d || r >= 0x1c && r <= 0x20 || r == 0x85 || r == 0xa0 || r == 0x1680 ||
			r >= 0x2000 && r <= 0x200a || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000
	})
}

func medmcqaDev(t *testing.T) []mcqRow {
	t.Helper()
	var rows []mcqRow
	jsonLines(t, filepath.Join(shared.Datasets(t), "medmcqa", "dev.json"), func(line []byte) {
		var r struct {
			ID, Question, Opa, Opb, Opc, Opd string
			Cop                              int
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		q := pyTrim(r.Question)
		rows = append(rows, mcqRow{id: r.ID, rowID: q, gold: r.Cop - 1, opts: []mcqa.Option{
			{Label: "A", Text: pyTrim(r.Opa)}, {Label: "B", Text: pyTrim(r.Opb)},
			{Label: "C", Text: pyTrim(r.Opc)}, {Label: "D", Text: pyTrim(r.Opd)},
		}})
	})
	if len(rows) != 4183 {
		t.Fatalf("medmcqa dev: %d rows", len(rows))
	}
	return rows
}

// pubmedqaLabeled returns the 1,000 labeled rows (id → row) and the test ids.
func pubmedqaLabeled(t *testing.T) (map[string]mcqRow, map[string]bool) {
	t.Helper()
	dir := filepath.Join(shared.Datasets(t), "pubmedqa")
	b, err := os.ReadFile(filepath.Join(dir, "ori_pqal.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]struct {
		FinalDecision string `json:"final_decision"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	rows := map[string]mcqRow{}
	for id, r := range all {
		gold := map[string]int{"yes": 0, "no": 1, "maybe": 2}[r.FinalDecision]
		rows[id] = mcqRow{id: id, rowID: id, gold: gold, opts: []mcqa.Option{
			{Label: "A", Text: "Yes"}, {Label: "B", Text: "No"}, {Label: "C", Text: "Maybe"},
		}}
	}
	b, err = os.ReadFile(filepath.Join(dir, "test_ground_truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string]string
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	test := map[string]bool{}
	for id := range truth {
		test[id] = true
	}
	if len(rows) != 1000 || len(test) != 500 {
		t.Fatalf("pubmedqa: %d labeled rows, %d test ids", len(rows), len(test))
	}
	return rows, test
}

// goldStats shuffles every row with seed and counts the new gold labels,
// the rows whose gold label changed, and the rows left unshuffled because
// an option refers to labels.
type goldStats struct {
	Gold      map[string]int
	Changed   int
	LabelLike []string
}

func shuffleAll(t *testing.T, rows []mcqRow, shuffleSeed int64) goldStats {
	t.Helper()
	st := goldStats{Gold: map[string]int{}}
	for _, r := range rows {
		if r.gold < 0 {
			t.Fatalf("row %s: no gold", r.id)
		}
		sh, err := mcqa.Apply(r.opts, r.gold, mcqa.RowSeed(shuffleSeed, r.rowID))
		if err != nil {
			t.Fatal(err)
		}
		if sh.Options[sh.Gold].Text != r.opts[r.gold].Text {
			t.Fatalf("row %s: gold text did not follow", r.id)
		}
		st.Gold[sh.GoldLabel()]++
		if sh.Gold != r.gold {
			st.Changed++
		}
		if strings.Contains(sh.Reason, "refers to other labels") {
			st.LabelLike = append(st.LabelLike, r.id)
		}
	}
	return st
}

func permOf(t *testing.T, r mcqRow, shuffleSeed int64) []int {
	t.Helper()
	sh, err := mcqa.Apply(r.opts, r.gold, mcqa.RowSeed(shuffleSeed, r.rowID))
	if err != nil {
		t.Fatal(err)
	}
	return sh.Perm
}

func TestMedQAShuffle(t *testing.T) {
	rows := medqaTest(t)
	tests := []struct {
		seed        int64
		wantGold    map[string]int
		wantChanged int // -1: not given by the spec
	}{
		{seed: 1618, wantGold: map[string]int{"A": 345, "B": 307, "C": 293, "D": 328}, wantChanged: 962},
		{seed: 9331, wantGold: map[string]int{"A": 326, "B": 312, "C": 333, "D": 302}, wantChanged: -1},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatInt(tt.seed, 10), func(t *testing.T) {
			st := shuffleAll(t, rows, tt.seed)
			if diff := cmp.Diff(tt.wantGold, st.Gold); diff != "" {
				t.Errorf("gold letters (-want +got):\n%s", diff)
			}
			if tt.wantChanged >= 0 && st.Changed != tt.wantChanged {
				t.Errorf("%d rows changed letter, want %d", st.Changed, tt.wantChanged)
			}
			if len(st.LabelLike) != 22 {
				t.Errorf("%d label-like rows, want 22: %v", len(st.LabelLike), st.LabelLike)
			}
			for _, id := range []string{"160", "503", "543", "701"} {
				if !slices.Contains(st.LabelLike, id) {
					t.Errorf("row %s not left unshuffled", id)
				}
			}
		})
	}
	perms := []struct {
		row  int
		want []int
	}{
		{row: 225, want: []int{0, 2, 3, 1}},
		{row: 996, want: []int{3, 1, 0, 2}},
		{row: 761, want: []int{3, 1, 0, 2}},
		{row: 1070, want: []int{2, 0, 1, 3}},
		{row: 160, want: []int{0, 1, 2, 3}},
	}
	for _, tt := range perms {
		t.Run("row_"+strconv.Itoa(tt.row), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, permOf(t, rows[tt.row], 1618)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("inline_996_without_id", func(t *testing.T) {
		r := rows[996]
		sh, err := mcqa.Apply(r.opts, r.gold, mcqa.RowSeed(1618, mcqa.ContentHashRowID(r.opts)))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{1, 0, 2, 3}, sh.Perm); diff != "" || sh.GoldLabel() != "C" {
			t.Errorf("gold %s, want C; mapping (-want +got):\n%s", sh.GoldLabel(), diff)
		}
	})
}

func TestMedMCQAShuffle(t *testing.T) {
	rows := medmcqaDev(t)
	tests := []struct {
		seed        int64
		wantGold    map[string]int
		wantChanged int
	}{
		{seed: 1618, wantGold: map[string]int{"A": 1073, "B": 1016, "C": 1059, "D": 1035}, wantChanged: 3039},
		{seed: 9331, wantGold: map[string]int{"A": 1054, "B": 1088, "C": 1027, "D": 1014}, wantChanged: -1},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatInt(tt.seed, 10), func(t *testing.T) {
			st := shuffleAll(t, rows, tt.seed)
			if diff := cmp.Diff(tt.wantGold, st.Gold); diff != "" {
				t.Errorf("gold letters (-want +got):\n%s", diff)
			}
			if tt.wantChanged >= 0 && st.Changed != tt.wantChanged {
				t.Errorf("%d rows changed letter, want %d", st.Changed, tt.wantChanged)
			}
			if len(st.LabelLike) != 60 {
				t.Errorf("%d label-like rows, want 60", len(st.LabelLike))
			}
		})
	}
	t.Run("anchors", func(t *testing.T) {
		// 232 rows have an anchor (as upstream's ANCHOR counts them); 2 of
		// them are label-like and not shuffled at all, which leaves the 230
		// of envs/medmcqa.md §2.3 where the anchor rule acts.
		anchored, shuffled := 0, 0
		for _, r := range rows {
			sh, err := mcqa.Apply(r.opts, r.gold, mcqa.RowSeed(1618, r.rowID))
			if err != nil {
				t.Fatal(err)
			}
			has := false
			for i, o := range r.opts {
				if mcqa.IsAnchor(o.Text) {
					has = true
					if sh.Perm[i] != i {
						t.Errorf("%s: anchor %s moved", r.id, o.Label)
					}
				}
			}
			if has {
				anchored++
				if sh.Reason == "" {
					shuffled++
				}
			}
		}
		if anchored != 232 || shuffled != 230 {
			t.Errorf("%d rows with an anchor, %d of them shuffled; want 232, 230", anchored, shuffled)
		}
	})
	byID := map[string]mcqRow{}
	for _, r := range rows {
		byID[r.id] = r
	}
	perms := []struct {
		id   string
		want []int
	}{
		{id: "ef3c0dca-5a44-4569-ba14-14ed9fd9a5a5", want: []int{2, 3, 1, 0}},
		{id: "191548fb-ba97-4ff9-9c4f-681747cff0c1", want: []int{1, 2, 0, 3}},
		{id: "0447b9a2-22ec-449c-8a23-a52c28ac6b34", want: []int{1, 3, 2, 0}},
	}
	for _, tt := range perms {
		t.Run(tt.id[:8], func(t *testing.T) {
			if diff := cmp.Diff(tt.want, permOf(t, byID[tt.id], 1618)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPubMedQAShuffle(t *testing.T) {
	labeled, testIDs := pubmedqaLabeled(t)
	var test []mcqRow
	for id := range testIDs {
		test = append(test, labeled[id])
	}
	tests := []struct {
		seed        int64
		wantGold    map[string]int
		wantChanged int
	}{
		{seed: 1618, wantGold: map[string]int{"A": 184, "B": 143, "C": 173}, wantChanged: 317},
		{seed: 9331, wantGold: map[string]int{"A": 175, "B": 166, "C": 159}, wantChanged: -1},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatInt(tt.seed, 10), func(t *testing.T) {
			st := shuffleAll(t, test, tt.seed)
			if diff := cmp.Diff(tt.wantGold, st.Gold); diff != "" {
				t.Errorf("gold letters (-want +got):\n%s", diff)
			}
			if tt.wantChanged >= 0 && st.Changed != tt.wantChanged {
				t.Errorf("%d rows changed letter, want %d", st.Changed, tt.wantChanged)
			}
			if len(st.LabelLike) != 0 {
				t.Errorf("label-like rows: %v", st.LabelLike)
			}
		})
	}
	perms := []struct {
		id   string
		want []int
	}{
		{id: "21214884", want: []int{1, 2, 0}},
		{id: "23848044", want: []int{0, 2, 1}},
		{id: "25277731", want: []int{1, 0, 2}},
		{id: "11296674", want: []int{2, 1, 0}},
		{id: "12377809", want: []int{1, 2, 0}},
	}
	for _, tt := range perms {
		t.Run(tt.id, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, permOf(t, labeled[tt.id], 1618)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestEpisodeModeVaries checks envs/medqa.md §8.6: 100 episode seeds give
// row 225 several orders, each reproducible, the gold text following.
func TestEpisodeModeVaries(t *testing.T) {
	r := medqaTest(t)[225]
	orders := map[string]bool{}
	for ep := range uint64(100) {
		s := mcqa.EpisodeRowSeed(1618, r.rowID, ep)
		a, err := mcqa.Apply(r.opts, r.gold, s)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := mcqa.Apply(r.opts, r.gold, s)
		if !cmp.Equal(a, b) || a.Options[a.Gold].Text != "Vitiligo" {
			t.Fatalf("episode %d: %+v vs %+v", ep, a, b)
		}
		orders[strconv.Quote(strings.Join(texts(a.Options), "|"))] = true
	}
	if len(orders) < 10 {
		t.Errorf("100 episode seeds gave %d orders", len(orders))
	}
}
