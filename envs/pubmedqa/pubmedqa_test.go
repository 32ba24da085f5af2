package pubmedqa_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset/datasettest"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/mcqa/mcqatest"
	"github.com/medarc-ai/medmarks-t/envs/pubmedqa"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
)

func real(t testing.TB) *envs.Entry { return mcqatest.Real(t, pubmedqa.Name, pubmedqa.New) }

type entry struct {
	Question string   `json:"QUESTION"`
	Contexts []string `json:"CONTEXTS"`
	Labels   []string `json:"LABELS"`
	Decision string   `json:"final_decision"`
	Long     string   `json:"LONG_ANSWER"`
}

func readJSON(t testing.TB, name string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(shared.Datasets(t) + "/pubmedqa/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
	return b
}

func labeled(t testing.TB) map[string]entry {
	var m map[string]entry
	readJSON(t, "ori_pqal.json", &m)
	return m
}

func testIDs(t testing.TB) map[string]string {
	var m map[string]string
	readJSON(t, "test_ground_truth.json", &m)
	return m
}

var goldLetter = map[string]string{"yes": "A", "no": "B", "maybe": "C"}

func ids(t testing.TB, e *envs.Entry, split string) []string {
	t.Helper()
	var out []string
	for _, s := range e.Env.Info().Splits {
		if s.Name != split {
			continue
		}
		for i := range s.Rows {
			idx := int64(i)
			_, st, err := e.Env.Reset(context.Background(), envs.ResetRequest{Split: split, Index: &idx, Options: mcqatest.Options(t, e, "")})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, st.ExampleID)
		}
	}
	return out
}

func TestLoading(t *testing.T) {
	e := real(t)
	lab, truth := labeled(t), testIDs(t)
	test, rest := ids(t, e, "test"), ids(t, e, "train_labeled")
	if len(test) != 500 || len(rest) != 500 {
		t.Fatalf("test %d, train_labeled %d", len(test), len(rest))
	}
	if test[0] != "21645374" || test[1] != "16418930" || rest[0] != "10808977" || rest[1] != "23831910" {
		t.Fatalf("order: test %v…, train_labeled %v…", test[:2], rest[:2])
	}
	seen := map[string]bool{}
	for _, split := range [][]string{test, rest} {
		counts := map[string]int{}
		for _, id := range split {
			if seen[id] {
				t.Fatalf("%s in two splits", id)
			}
			seen[id] = true
			counts[lab[id].Decision]++
		}
		if d := cmp.Diff(map[string]int{"yes": 276, "no": 169, "maybe": 55}, counts); d != "" {
			t.Errorf("labels (-want +got):\n%s", d)
		}
	}
	for _, id := range test {
		if _, ok := truth[id]; !ok {
			t.Fatalf("%s in test but not a test id", id)
		}
	}
	if len(seen) != len(lab) {
		t.Fatalf("%d ids served, %d labeled", len(seen), len(lab))
	}
	if info := e.Env.Info(); info.Splits[0].Name != "test" || !info.Splits[0].Default {
		t.Fatalf("default split: %+v", info.Splits)
	}
}

func TestObservation(t *testing.T) {
	e := real(t)
	st := mcqatest.Reset(t, e, "test", "23848044", "", 0)
	want := pubmedqa.Instruction + "\n\nContext: METHOD. This study represents a subset of a complete data set, considering only those children aged admitted to the Pediatric Surgery and Pediatric Nephrology Clinics during the period January 2011 to July 2012.\n" +
		"RESULT. In this study, we have determined that the QT interval changes significantly depending on the use of oxybutynin. The QT changes increased cardiac arrhythmia in children.\n\n" +
		"Question: Does oxybutynin hydrochloride cause arrhythmia in children with bladder dysfunction?\nA. Yes\nB. No\nC. Maybe\nAnswer: "
	if got := st.Observation[1].Content; got != want {
		t.Fatalf("observation:\n%q\nwant\n%q", got, want)
	}
	idx := int64(467)
	_, byIndex, err := e.Env.Reset(context.Background(), envs.ResetRequest{Split: "test", Index: &idx, Options: mcqatest.Options(t, e, "")})
	if err != nil || byIndex.ExampleID != "23848044" {
		t.Fatalf("index 467 = %s, %v", byIndex.ExampleID, err)
	}
	if long := labeled(t)["23848044"].Long; strings.Contains(st.Observation[1].Content, long[:40]) {
		t.Fatal("the long answer leaked into the prompt")
	}
}

func TestEveryRowGoldAndWrong(t *testing.T) {
	e := real(t)
	lab := labeled(t)
	for _, split := range []string{"test", "train_labeled"} {
		for _, id := range ids(t, e, split) {
			gold := goldLetter[lab[id].Decision]
			word := map[string]string{"A": "Yes", "B": "No", "C": "Maybe"}[gold]
			for _, l := range []string{"A", "B", "C"} {
				want := 0.0
				if l == gold {
					want = 1
				}
				if r := mcqatest.Score(t, e, split, id, "<answer>"+l+"</answer>", ""); r.Value != want || r.Status != rewards.Scored {
					t.Fatalf("%s %s letter %s: %+v", split, id, l, r)
				}
			}
			if r := mcqatest.Score(t, e, split, id, "<answer>"+word+"</answer>", ""); r.Value != 1 {
				t.Fatalf("%s %s word %s: %+v", split, id, word, r)
			}
		}
	}
}

func TestShuffle(t *testing.T) {
	e := real(t)
	lab := labeled(t)
	tests := []struct {
		opts string
		want map[string]int
	}{
		{`{"shuffle_answers": true}`, map[string]int{"A": 184, "B": 143, "C": 173}},
		{`{"shuffle_answers": true, "shuffle_seed": 9331}`, map[string]int{"A": 175, "B": 166, "C": 159}},
	}
	for _, tt := range tests {
		counts, changed := map[string]int{}, 0
		for _, id := range ids(t, e, "test") {
			g := mcqatest.GoldLetter(t, e, "test", id, tt.opts, "ABC")
			counts[g]++
			if g != goldLetter[lab[id].Decision] {
				changed++
			}
		}
		if d := cmp.Diff(tt.want, counts); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.opts, d)
		}
		if tt.opts == `{"shuffle_answers": true}` && changed != 317 {
			t.Errorf("%d rows changed letter, want 317", changed)
		}
	}
	for _, tt := range []struct{ split, id, perm string }{
		{"test", "21214884", "[1 2 0]"}, {"test", "23848044", "[0 2 1]"}, {"test", "25277731", "[1 0 2]"},
		{"train_labeled", "11296674", "[2 1 0]"}, {"test", "12377809", "[1 2 0]"},
	} {
		if r := mcqatest.Score(t, e, tt.split, tt.id, "x", `{"shuffle_answers": true}`); !strings.Contains(r.Detail, "shuffled "+tt.perm) {
			t.Errorf("%s: %s, want %s", tt.id, r.Detail, tt.perm)
		}
	}
	// Episode mode: same seeds, same order; different seeds, other orders;
	// the gold word follows its option.
	orders := map[string]bool{}
	opts := `{"shuffle_answers": true, "shuffle_mode": "episode"}`
	for s := range uint64(30) {
		a := mcqatest.Reset(t, e, "test", "21214884", opts, s).Observation[1].Content
		if b := mcqatest.Reset(t, e, "test", "21214884", opts, s).Observation[1].Content; a != b {
			t.Fatal("episode order not reproducible")
		}
		orders[a[strings.Index(a, "\nA. "):]] = true
		i := strings.Index(a, ". No\n")
		if i < 0 {
			i = strings.Index(a, ". No\nAnswer")
		}
		letter := a[i-1 : i]
		seed := s
		r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: "21214884", Seed: &seed,
			Completion: envs.TextCompletion("<answer>" + letter + "</answer>"), Options: mcqatest.Options(t, e, opts)})
		if err != nil || r.Value != 1 {
			t.Fatalf("episode %d: %s scored %+v %v", s, letter, r, err)
		}
	}
	if len(orders) < 3 {
		t.Fatalf("30 episode seeds gave %d orders", len(orders))
	}
}

func TestWorkedExamples(t *testing.T) {
	e := real(t)
	sh, boxed, think := `{"shuffle_answers": true}`, `{"answer_format": "boxed"}`, `{"answer_format": "boxed", "use_think": true}`
	tests := []struct {
		split, id, opts, completion string
		want                        float64
		decidedBy                   string
	}{
		{"test", "23848044", ``, "<answer>A</answer>", 1, "strategy 1"},
		{"test", "23848044", ``, "<answer>B</answer>", 0, "strategy 1"},
		{"test", "23848044", ``, "<answer>Yes</answer>", 1, "strategy 2"},
		{"test", "23848044", boxed, "The QT interval changed with oxybutynin, so yes.", 1, "strategy 7"},
		{"test", "23848044", ``, "The QT interval changed with oxybutynin, so yes.", 0, ""},
		{"test", "21214884", sh, "<answer>A</answer>", 1, "strategy 1"},
		{"test", "21214884", sh, "<answer>B</answer>", 0, "strategy 1"},
		{"test", "21214884", sh, "No high-risk HPV DNA was found in any of the 32 samples.\n<answer>A. No</answer>", 1, "strategy 3"},
		{"test", "21214884", sh, "<answer>B. No</answer>", 0, "strategy 3"},
		{"test", "25277731", boxed, `\boxed{C}`, 1, "strategy 1"},
		{"test", "25277731", boxed, "With only four cases the study cannot settle it, so the answer is C.", 1, "strategy 4"},
		{"test", "25277731", boxed, `\boxed{Maybe}`, 1, "strategy 2"},
		{"test", "25277731", think, `<think>Four cases are too few to call it often overlooked. \boxed{C}`, 0, ""},
		{"test", "25277731", think, "<think>Four cases are too few to call it often overlooked.</think>\n\\boxed{C}", 1, "strategy 1"},
		{"test", "25277731", think, `Four cases are too few. \boxed{C}`, 0, ""},
		{"test", "17971187", ``, "<answer>yes, no, maybe</answer>", 0, "guard"},
		{"test", "17971187", `{"compat": "medmarks"}`, "<answer>yes, no, maybe</answer>", 1, "strategy 7"},
		{"test", "17971187", boxed, "There is no clear answer; I would say maybe.", 0, "guard"},
		{"test", "17971187", `{"answer_format": "boxed", "compat": "medmarks"}`, "There is no clear answer; I would say maybe.", 1, "strategy 7"},
		{"test", "17971187", boxed, "The answer is not yes.", 0, ""},
		{"test", "17971187", ``, "<answer>Maybe</answer>", 0, ""},
		{"train_labeled", "11296674", ``, "<answer>C</answer>", 1, "strategy 1"},
		{"train_labeled", "11296674", ``, "<answer>A</answer>", 0, "strategy 1"},
		{"train_labeled", "11296674", sh, "<answer>A</answer>", 1, "strategy 1"},
		{"train_labeled", "11296674", sh, "<answer>C</answer>", 0, "strategy 1"},
	}
	for _, tt := range tests {
		r := mcqatest.Score(t, e, tt.split, tt.id, tt.completion, tt.opts)
		if r.Status != rewards.Scored || r.Value != tt.want || !strings.Contains(r.Detail, tt.decidedBy) {
			t.Errorf("%s %s %q: %v (%s), want %v by %q", tt.id, tt.opts, tt.completion, r.Value, r.Detail, tt.want, tt.decidedBy)
		}
	}
}

// exportRow is the pqa_labeled export's schema.
type exportRow struct {
	Pubid    *int32  `json:"pubid" parquet:"pubid,optional"`
	Question *string `json:"question" parquet:"question,optional"`
	Context  *struct {
		Contexts []*string `json:"contexts" parquet:"contexts,optional,list"`
		Labels   []*string `json:"labels" parquet:"labels,optional,list"`
		Meshes   []*string `json:"meshes" parquet:"meshes,optional,list"`
	} `json:"context" parquet:"context,optional"`
	LongAnswer    *string `json:"long_answer" parquet:"long_answer,optional"`
	FinalDecision *string `json:"final_decision" parquet:"final_decision,optional"`
}

func TestSourcesAndExports(t *testing.T) {
	dir := shared.Datasets(t) + "/pubmedqa/"
	read := func(name string) []byte {
		b, err := os.ReadFile(dir + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lab := labeled(t)
	keys := make([]string, 0, len(lab))
	for k := range lab {
		keys = append(keys, k)
	}
	// Export rows in the original file's order.
	var order []string
	dec := json.NewDecoder(strings.NewReader(string(read("ori_pqal.json"))))
	_, _ = dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		order = append(order, tok.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	sort.Strings(keys)
	if len(order) != len(keys) {
		t.Fatal("key order not read")
	}
	var exportLines []string
	for _, k := range order {
		en := lab[k]
		b, _ := json.Marshal(map[string]any{"pubid": json.Number(k), "question": en.Question,
			"context": map[string]any{"contexts": en.Contexts, "labels": en.Labels}, "final_decision": en.Decision})
		exportLines = append(exportLines, string(b))
	}
	bad := `{"90000001": {"QUESTION": "q", "CONTEXTS": ["c"], "LABELS": ["L"], "final_decision": "unknown"},
		"90000002": {"QUESTION": " ", "CONTEXTS": ["c"], "LABELS": ["L"], "final_decision": "yes"},
		"90000003": {"QUESTION": "q", "CONTEXTS": [], "LABELS": [], "final_decision": "no"}}`
	fixtures := []struct {
		name          string
		fsys          fstest.MapFS
		trainLabeled  bool
		skipped       int
		unlabeledLogs int
	}{
		{"original", fstest.MapFS{"pubmedqa/ori_pqal.json": {Data: read("ori_pqal.json")}, "pubmedqa/test_ground_truth.json": {Data: read("test_ground_truth.json")}}, true, 0, 0},
		{"test_set alone", fstest.MapFS{"pubmedqa/test_set.json": {Data: read("test_set.json")}}, false, 0, 0},
		{"compiled-in ids", fstest.MapFS{"pubmedqa/ori_pqal.json": {Data: read("ori_pqal.json")}}, true, 0, 0},
		{"pqa_labeled jsonl", fstest.MapFS{"pubmedqa/pqa_labeled/train.jsonl": {Data: []byte(strings.Join(exportLines, "\n"))},
			"pubmedqa/pqa_unlabeled/train.jsonl": {Data: []byte(`{"pubid": 1}` + "\n" + `{"pubid": 2}`)}}, true, 0, 1},
		{"pqa_labeled parquet", fstest.MapFS{"pubmedqa/pqa_labeled/train-00000-of-00001.parquet": {Data: datasettest.Parquet[exportRow](t, exportLines, nil)}}, true, 0, 0},
		{"skips", fstest.MapFS{"pubmedqa/test_set.json": {Data: []byte(bad)}}, false, 3, 0},
	}
	var want map[string]string
	for _, fx := range fixtures {
		core, logs := observer.New(zap.DebugLevel)
		reg, err := envs.Build(context.Background(), envs.Settings{Data: fx.fsys, Logger: zap.New(core)}, nil, pubmedqa.New)
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		e, _ := reg.Lookup("pubmedqa")
		if n := logs.FilterMessageSnippet("pqa_unlabeled").Len(); n != fx.unlabeledLogs {
			t.Errorf("%s: %d pqa_unlabeled log lines", fx.name, n)
		}
		if fx.name == "skips" {
			found := false
			for _, l := range logs.FilterMessage("split loaded").All() {
				if l.ContextMap()["skipped"] == int64(fx.skipped) {
					found = true
				}
			}
			if !found {
				t.Errorf("skips: no load line with %d skipped: %v", fx.skipped, logs.All())
			}
			continue
		}
		_, _, err = e.Env.Reset(context.Background(), envs.ResetRequest{Split: "train_labeled", Options: mcqatest.Options(t, e, "")})
		if (err == nil) != fx.trainLabeled || (err != nil && !errors.Is(err, envs.ErrUnknownSplit)) {
			t.Errorf("%s: train_labeled: %v", fx.name, err)
		}
		got := map[string]string{}
		for _, id := range ids(t, e, "test") {
			got[id] = mcqatest.Reset(t, e, "test", id, "", 0).Observation[1].Content + " gold=" + mcqatest.GoldLetter(t, e, "test", id, "", "ABC")
		}
		if len(got) != 500 {
			t.Fatalf("%s: %d test rows", fx.name, len(got))
		}
		if want == nil {
			want = got
		} else if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s differs from the original (-want +got):\n%s", fx.name, d)
		}
	}
}

func TestInline(t *testing.T) {
	e := real(t)
	lab := labeled(t)
	en := lab["23848044"]
	orig, _ := json.Marshal(map[string]any{"23848044": en})
	exp, _ := json.Marshal(map[string]any{"pubid": 23848044, "question": en.Question,
		"context": map[string]any{"contexts": en.Contexts, "labels": en.Labels}, "final_decision": en.Decision})
	for _, raw := range [][]byte{orig, exp} {
		for _, opts := range []string{``, `{"shuffle_answers": true}`} {
			gold := mcqatest.GoldLetter(t, e, "test", "23848044", opts, "ABC")
			r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: raw, Completion: envs.TextCompletion("<answer>" + gold + "</answer>"), Options: mcqatest.Options(t, e, opts)})
			if err != nil || r.Value != 1 {
				t.Errorf("inline %s %s: %+v %v", raw[:30], opts, r, err)
			}
		}
	}
	for _, tt := range []struct{ give, field string }{
		{`{"question": "q", "context": {"contexts": ["c"], "labels": ["L"]}, "final_decision": "yes"}`, "example.pubid"},
		{`{"pubid": 1, "question": "q", "context": {"contexts": ["c"], "labels": ["L"]}, "final_decision": "unknown"}`, "example.final_decision"},
		{`{"pubid": 1, "question": "q", "context": {"contexts": [], "labels": []}, "final_decision": "no"}`, "example.context.contexts"},
		{`{"123": {"QUESTION": "", "CONTEXTS": ["c"], "LABELS": ["L"], "final_decision": "no"}}`, "example.123.QUESTION"},
	} {
		_, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: []byte(tt.give), Completion: envs.TextCompletion("A"), Options: mcqatest.Options(t, e, "")})
		var ie *envs.InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("inline %s: %v, want an InputError on %s", tt.give, err, tt.field)
		}
	}
}

func TestConformance(t *testing.T) {
	e := real(t)
	for _, opts := range []string{``, `{"shuffle_answers": true, "shuffle_mode": "episode"}`} {
		answer := func(tb testing.TB, st envs.Start, wrong bool) []envs.Message {
			var l string
			if opts == "" {
				l = mcqatest.GoldLetter(tb, e, st.Split, st.ExampleID, opts, "ABC")
			} else {
				// Episode orders depend on the Reset seed: read the gold
				// word's letter off the observation.
				u := st.Observation[1].Content
				word := map[string]string{"yes": "Yes", "no": "No", "maybe": "Maybe"}[labeled(tb)[st.ExampleID].Decision]
				i := strings.Index(u, ". "+word+"\n")
				l = u[i-1 : i]
			}
			if wrong {
				l = mcqatest.WrongLetter(l, "", "ABC")
			}
			return []envs.Message{{Role: "assistant", Content: "<answer>" + l + "</answer>"}}
		}
		envtest.RunConformance(t, envtest.Suite{Entry: e, Options: opts,
			Gold:  func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, false) },
			Wrong: func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, true) },
		})
	}
}
