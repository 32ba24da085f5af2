package medqa_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset/datasettest"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/mcqa/mcqatest"
	"github.com/medarc-ai/medmarks-t/envs/medqa"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
)

func real(t testing.TB) *envs.Entry { return mcqatest.Real(t, medqa.Name, medqa.New) }

// fileRow is one row of the shipped test file.
type fileRow struct {
	Question  string            `json:"question"`
	Options   map[string]string `json:"options"`
	AnswerIdx string            `json:"answer_idx"`
	MetaInfo  string            `json:"meta_info"`
}

func fileRows(t testing.TB) []fileRow {
	b, err := os.ReadFile(shared.Datasets(t) + "/medqa/phrases_no_exclude_test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var rows []fileRow
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r fileRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestLoading(t *testing.T) {
	e := real(t)
	info := e.Env.Info()
	if len(info.Splits) != 1 || info.Splits[0].Name != "test" || info.Splits[0].Rows != 1273 || !info.Splits[0].Default {
		t.Fatalf("splits = %+v", info.Splits)
	}
	last := mcqatest.Reset(t, e, "test", "1272", "", 0)
	if last.ExampleID != "1272" {
		t.Fatalf("last id %q", last.ExampleID)
	}
	// Gold letters, counted through the grader: a bare letter is accepted
	// as an exact option (strategy 1) only at the gold.
	counts := map[string]int{}
	for i := range 1273 {
		for _, l := range []string{"A", "B", "C", "D"} {
			if r := mcqatest.Score(t, e, "test", strconv.Itoa(i), "<answer>"+l+"</answer>", ""); r.Value == 1 && strings.Contains(r.Detail, "strategy 1") {
				counts[l]++
			}
		}
	}
	if d := cmp.Diff(map[string]int{"A": 353, "B": 309, "C": 346, "D": 265}, counts); d != "" {
		t.Fatalf("gold letters (-want +got):\n%s", d)
	}
}

func TestObservation(t *testing.T) {
	e := real(t)
	want := "Question:The only immunoglobulin found as a dimer has what primary function?\n" +
		"A. Protect against invasive helminth infection\n" +
		"B. Protect against viral infections\n" +
		"C. Inhibiting bacterial adherance and colonization of mucous membranes\n" +
		"D. Provides the most specific recognition to circulating antigens in the bloodstream\n" +
		"Answer:"
	st := mcqatest.Reset(t, e, "test", "996", "", 0)
	if len(st.Observation) != 2 || st.Observation[0].Role != "system" || st.Observation[1].Content != want {
		t.Fatalf("row 996 observation:\n%q", st.Observation)
	}
	idx := int64(996)
	_, byIndex, err := e.Env.Reset(context.Background(), envs.ResetRequest{Index: &idx, Options: mcqatest.Options(t, e, "")})
	if err != nil || !cmp.Equal(byIndex.Observation, st.Observation) {
		t.Fatalf("Reset by index 996 differs: %v", err)
	}
	if u := mcqatest.Reset(t, e, "test", "761", "", 0).Observation[1].Content; !strings.HasSuffix(u, "D. Perform percutaneous drainage\n\"\nAnswer:") {
		t.Fatalf("row 761 lost its stray quote:\n%q", u)
	}
	if u := mcqatest.Reset(t, e, "test", "448", "", 0).Observation[1].Content; !strings.Contains(u, "\n \nA. ") {
		t.Fatalf("row 448 lost its trailing \"\\n \":\n%q", u)
	}
}

func next(l string) string { return string("BCDA"[strings.Index("ABCD", l)]) }

// wrongLetter is the letter after gold, or the one after that when the
// next letter is itself the gold option's text: row 709's options are the
// letters "B", "C", "D", "E" (they refer to a figure), gold A = "B", and
// upstream's strategy 2 (exact answer text, checked before a different
// exact option is ruled wrong) accepts "<answer>B</answer>" there. We keep
// upstream's verdict; that answer is not a wrong letter.
func wrongLetter(gold, goldText string) string {
	w := next(gold)
	if strings.EqualFold(w, strings.TrimSpace(goldText)) {
		w = next(w)
	}
	return w
}

func TestEveryRowGoldAndWrong(t *testing.T) {
	e := real(t)
	rows := fileRows(t)
	for _, opts := range []string{``, `{"shuffle_answers": true}`, `{"shuffle_answers": true, "shuffle_seed": 9331}`} {
		counts := map[string]int{}
		for i, r := range rows {
			id := strconv.Itoa(i)
			// The gold letter after shuffling is where the gold text is shown.
			st := mcqatest.Reset(t, e, "test", id, opts, 0)
			gold := shownLetter(t, st.Observation[1].Content, r.Options[r.AnswerIdx])
			counts[gold]++
			if got := mcqatest.Score(t, e, "test", id, "<answer>"+gold+"</answer>", opts); got.Value != 1 || got.Status != rewards.Scored {
				t.Fatalf("%s row %s gold %s: %+v", opts, id, gold, got)
			}
			wrong := wrongLetter(gold, r.Options[r.AnswerIdx])
			if got := mcqatest.Score(t, e, "test", id, "<answer>"+wrong+"</answer>", opts); got.Value != 0 || got.Status != rewards.Scored {
				t.Fatalf("%s row %s wrong %s: %+v", opts, id, wrong, got)
			}
		}
		want := map[string]map[string]int{
			``:                          {"A": 353, "B": 309, "C": 346, "D": 265},
			`{"shuffle_answers": true}`: {"A": 345, "B": 307, "C": 293, "D": 328},
			`{"shuffle_answers": true, "shuffle_seed": 9331}`: {"A": 326, "B": 312, "C": 333, "D": 302},
		}[opts]
		if d := cmp.Diff(want, counts); d != "" {
			t.Errorf("%s gold letters (-want +got):\n%s", opts, d)
		}
	}
}

// shownLetter finds the letter whose line shows text (unique in MedQA rows
// except where the texts repeat, which the shipped test file has not).
func shownLetter(t testing.TB, user, text string) string {
	t.Helper()
	found := ""
	for _, l := range []string{"A", "B", "C", "D"} {
		i := strings.Index(user, "\n"+l+". ")
		if i < 0 {
			t.Fatalf("no option %s in %q", l, user)
		}
		rest := user[i+4:]
		end := len(rest)
		for _, m := range []string{"A", "B", "C", "D"} {
			if j := strings.Index(rest, "\n"+m+". "); j >= 0 && j < end {
				end = j
			}
		}
		if k := strings.LastIndex(rest, "\nAnswer:"); k >= 0 && k < end {
			end = k
		}
		if rest[:end] == text {
			found = l
		}
	}
	if found == "" {
		t.Fatalf("gold text %q not shown in %q", text, user)
	}
	return found
}

func TestShufflePermutations(t *testing.T) {
	e := real(t)
	rows := fileRows(t)
	opts := `{"shuffle_answers": true}`
	tests := []struct {
		row  int
		perm []int
	}{{225, []int{0, 2, 3, 1}}, {996, []int{3, 1, 0, 2}}, {761, []int{3, 1, 0, 2}}, {1070, []int{2, 0, 1, 3}},
		{160, []int{0, 1, 2, 3}}, {503, []int{0, 1, 2, 3}}, {543, []int{0, 1, 2, 3}}, {701, []int{0, 1, 2, 3}}}
	for _, tt := range tests {
		st := mcqatest.Reset(t, e, "test", strconv.Itoa(tt.row), opts, 0)
		r := rows[tt.row]
		for pos, old := range tt.perm {
			l := string(rune('A' + pos))
			orig := string(rune('A' + old))
			if !strings.Contains(st.Observation[1].Content, "\n"+l+". "+r.Options[orig]+"\n") {
				t.Errorf("row %d: position %s should show old %s (%q)", tt.row, l, orig, r.Options[orig])
			}
		}
	}
	// An inline copy of row 996 without an id hashes its options: [1,0,2,3].
	r := rows[996]
	b, _ := json.Marshal(map[string]any{"question": r.Question, "options": r.Options, "answer_idx": r.AnswerIdx})
	for _, tt := range []struct {
		letter string
		want   float64
	}{{"C", 1}, {"A", 0}} {
		got, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: b, Completion: envs.TextCompletion("<answer>" + tt.letter + "</answer>"), Options: mcqatest.Options(t, e, opts)})
		if err != nil || got.Value != tt.want || !strings.Contains(got.Detail, "[1 0 2 3]") {
			t.Errorf("inline 996 %s: %+v %v", tt.letter, got, err)
		}
	}
}

func TestEpisodeShuffle(t *testing.T) {
	e := real(t)
	opts := `{"shuffle_answers": true, "shuffle_mode": "episode"}`
	orders := map[string]bool{}
	for s := range uint64(100) {
		a := mcqatest.Reset(t, e, "test", "225", opts, s).Observation[1].Content
		b := mcqatest.Reset(t, e, "test", "225", opts, s).Observation[1].Content
		if a != b {
			t.Fatalf("episode seed %d gives two orders", s)
		}
		orders[a] = true
		gold := shownLetter(t, a, "Vitiligo")
		seed := s
		got, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: "225", Seed: &seed,
			Completion: envs.TextCompletion("<answer>" + gold + "</answer>"), Options: mcqatest.Options(t, e, opts)})
		if err != nil || got.Value != 1 {
			t.Fatalf("episode seed %d: gold %s scored %+v %v", s, gold, got, err)
		}
	}
	if len(orders) < 5 {
		t.Fatalf("100 episode seeds gave only %d orders of row 225", len(orders))
	}
	_, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: "225",
		Completion: envs.TextCompletion("<answer>B</answer>"), Options: mcqatest.Options(t, e, opts)})
	var fe *envs.FieldError
	if !errors.As(err, &fe) || fe.Field != "seed" {
		t.Fatalf("episode-mode Score without seed: %v", err)
	}
	_, err = e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: "225",
		Completion: envs.TextCompletion("<answer>B</answer>"), Options: mcqatest.Options(t, e, `{"shuffle_answers": true, "shuffle_seed": -1}`)})
	if !errors.As(err, &fe) || fe.Field != "options.shuffle_seed" {
		t.Fatalf("Score with shuffle_seed -1: %v", err)
	}
}

func TestWorkedExamples(t *testing.T) {
	e := real(t)
	shuffled := `{"shuffle_answers": true}`
	tests := []struct {
		row, opts, completion string
		want                  float64
		decidedBy             string
	}{
		// §9.1
		{"996", ``, "Secretory IgA is the only dimer; it blocks bacterial adherence to mucosa.\n<answer>C</answer>", 1, "strategy 1"},
		{"996", ``, "<answer>A</answer>", 0, "strategy 1"},
		{"996", ``, "<answer>Inhibiting bacterial adherance and colonization of mucous membranes</answer>", 1, "strategy 2"},
		{"996", `{"answer_format": "boxed"}`, "Secretory IgA is the only dimer. The answer is C.", 1, "strategy 4"},
		{"996", ``, "<answer>Inhibiting bacterial adherence and colonization of mucous membranes</answer>", 0, ""},
		{"996", ``, "Secretory IgA is the only dimer. The answer is C.", 0, ""},
		// §9.2
		{"225", shuffled, "<answer>B</answer>", 1, "strategy 1"},
		{"225", shuffled, "<answer>C</answer>", 0, "strategy 1"},
		{"225", shuffled, "Absent melanocytes point to vitiligo, not albinism.\n<answer>B. Vitiligo</answer>", 1, "strategy 3"},
		{"225", shuffled, "<answer>Tinea versicolor, Albinism, Vitiligo, Melanoma</answer>", 0, "guard"},
		{"225", `{"shuffle_answers": true, "compat": "medmarks"}`, "<answer>Tinea versicolor, Albinism, Vitiligo, Melanoma</answer>", 1, "strategy 7"},
		{"225", shuffled, "<answer>C. Vitiligo</answer>", 0, "strategy 3"},
		{"225", ``, "<answer>C</answer>", 1, "strategy 1"},
		// §9.3
		{"1070", `{"answer_format": "boxed"}`, `I first thought \boxed{A}, but a pouch above the cricopharyngeus fits better: \boxed{D}`, 1, "strategy 1"},
		{"1070", `{"answer_format": "boxed"}`, "Final answer: Zenker's diverticulum", 1, "strategy 7"},
		{"1070", `{"answer_format": "boxed", "use_think": true}`, `<think>Halitosis and dysphagia in an old man: Zenker's diverticulum. \boxed{D}`, 0, ""},
		{"1070", `{"use_think": true}`, "<think>Could it be <answer>A</answer>? Reflux does not form a pouch.</think>\n<answer>D</answer>", 0, "strategy 1"},
		{"1070", `{"answer_format": "boxed", "use_think": true}`, "<think>Cricopharyngeal dysfunction leads to a pharyngoesophageal pouch.</think>\nThe answer is \\boxed{D}.", 1, "strategy 1"},
		// §9.4
		{"761", ``, "<answer>D</answer>", 1, "strategy 1"},
		{"761", ``, "<answer>Perform percutaneous drainage</answer>", 0, ""},
		{"761", ``, "<answer>D. Perform percutaneous drainage</answer>", 1, "strategy 5"},
		{"761", shuffled, "<answer>A</answer>", 1, "strategy 1"},
		{"761", shuffled, "<answer>D</answer>", 0, "strategy 1"},
	}
	for _, tt := range tests {
		t.Run(tt.row+" "+tt.completion[:min(30, len(tt.completion))], func(t *testing.T) {
			got := mcqatest.Score(t, e, "test", tt.row, tt.completion, tt.opts)
			if got.Status != rewards.Scored || got.Value != tt.want || !strings.Contains(got.Detail, tt.decidedBy) {
				t.Fatalf("%s %q: %v (%s), want %v decided by %q", tt.opts, tt.completion, got.Value, got.Detail, tt.want, tt.decidedBy)
			}
		})
	}
}

func TestOptionAndInputErrors(t *testing.T) {
	e := real(t)
	for _, tt := range []struct{ give, field string }{
		{`{"answer_format": "json"}`, "options.answer_format"},
		{`{"shuffle_mode": "x"}`, "options.shuffle_mode"},
		{`{"nope": 1}`, "options.nope"},
	} {
		_, err := e.Options.Parse(tt.give)
		var fe *envs.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: %v, want a FieldError on %s", tt.give, err, tt.field)
		}
	}
	_, _, err := e.Env.Reset(context.Background(), envs.ResetRequest{ExampleID: "1273", Options: mcqatest.Options(t, e, "")})
	if !errors.Is(err, envs.ErrUnknownExample) {
		t.Errorf("unknown id: %v", err)
	}
	for _, tt := range []struct{ give, field string }{
		{`{"question": "q", "options": {"A": "a", "B": "b"}}`, "example.answer_idx"},
		{`{"question": "q", "options": {"A": "a", "B": "b"}, "answer_idx": "E"}`, "example.answer_idx"},
		{`{"question": "q", "options": {"A": "a", "B": ""}, "answer_idx": "A"}`, "example.options"},
		{`{"options": {"A": "a", "B": "b"}, "answer_idx": "A"}`, "example.question"},
		{`{"question": 5, "options": {"A": "a", "B": "b"}, "answer_idx": "A"}`, "example.question"},
	} {
		_, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: []byte(tt.give), Completion: envs.TextCompletion("A"), Options: mcqatest.Options(t, e, "")})
		var ie *envs.InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("inline %s: %v, want an InputError on %s", tt.give, err, tt.field)
		}
	}
	// An inline copy scores as the row by reference.
	r := fileRows(t)[17]
	b, _ := json.Marshal(r)
	for _, l := range []string{"A", "B", "C", "D"} {
		in, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: b, Completion: envs.TextCompletion("<answer>" + l + "</answer>"), Options: mcqatest.Options(t, e, "")})
		ref := mcqatest.Score(t, e, "test", "17", "<answer>"+l+"</answer>", "")
		if err != nil || in.Value != ref.Value {
			t.Errorf("inline row 17 %s: %v %v, by reference %v", l, in.Value, err, ref.Value)
		}
	}
}

// gbakerRow is the GBaker export's schema in parquet.
type gbakerRow struct {
	Question *string `json:"question" parquet:"question,optional"`
	Answer   *string `json:"answer" parquet:"answer,optional"`
	Options  *struct {
		A *string `json:"A" parquet:"A,optional"`
		B *string `json:"B" parquet:"B,optional"`
		C *string `json:"C" parquet:"C,optional"`
		D *string `json:"D" parquet:"D,optional"`
	} `json:"options" parquet:"options,optional"`
	MetaInfo  *string `json:"meta_info" parquet:"meta_info,optional"`
	AnswerIdx *string `json:"answer_idx" parquet:"answer_idx,optional"`
}

func TestExportsAndSkips(t *testing.T) {
	rows := fileRows(t)[:30]
	var lines []string
	for _, r := range rows {
		b, _ := json.Marshal(r)
		lines = append(lines, string(b))
	}
	bad := []string{
		`{"question": "q", "options": {"A": "a", "B": "b", "C": "c", "D": "d"}, "answer_idx": "E"}`,
		`{"question": "q", "options": {"A": "a", "B": "", "C": "", "D": ""}, "answer_idx": "A"}`,
	}
	withBad := append(append(append([]string{}, lines[:5]...), bad...), lines[5:]...)
	fixtures := map[string]fstest.MapFS{
		"original":       {"medqa/phrases_no_exclude_test.jsonl": {Data: []byte(strings.Join(lines, "\n") + "\n")}},
		"gbaker jsonl":   {"medqa/test.jsonl": {Data: []byte(strings.Join(lines, "\n"))}},
		"gbaker parquet": {"medqa/default/test/0000.parquet": {Data: datasettest.Parquet[gbakerRow](t, lines, nil)}},
		"skips":          {"medqa/phrases_no_exclude_test.jsonl": {Data: []byte(strings.Join(withBad, "\n"))}},
	}
	obs := map[string][]string{}
	for name, fsys := range fixtures {
		reg, err := envs.Build(context.Background(), envs.Settings{Data: fsys}, nil, medqa.New)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e, _ := reg.Lookup("medqa")
		for i := range 32 {
			id := strconv.Itoa(i)
			if name == "skips" && (i == 5 || i == 6) {
				if _, _, err := e.Env.Reset(context.Background(), envs.ResetRequest{ExampleID: id, Options: mcqatest.Options(t, e, "")}); !errors.Is(err, envs.ErrUnknownExample) {
					t.Errorf("skipped row %s served: %v", id, err)
				}
				continue
			}
			if name != "skips" && i >= 30 {
				continue
			}
			st := mcqatest.Reset(t, e, "test", id, "", 0)
			obs[name] = append(obs[name], st.Observation[1].Content)
		}
		// 30 rows everywhere: the skips fixture has 32 with 2 left out.
		if n := e.Env.Info().Splits[0].Rows; n != 30 {
			t.Errorf("%s: %d rows served, want 30", name, n)
		}
	}
	for name, o := range obs {
		if d := cmp.Diff(obs["original"], o); d != "" {
			t.Errorf("%s observations differ from the original file's (-want +got):\n%s", name, d)
		}
	}
}

func TestConformance(t *testing.T) {
	e := real(t)
	rows := fileRows(t)
	answer := func(tb testing.TB, st envs.Start, wrong bool) []envs.Message {
		i, _ := strconv.Atoi(st.ExampleID)
		l := shownLetter(tb, st.Observation[len(st.Observation)-1].Content, rows[i].Options[rows[i].AnswerIdx])
		if wrong {
			l = wrongLetter(l, rows[i].Options[rows[i].AnswerIdx])
		}
		return []envs.Message{{Role: "assistant", Content: fmt.Sprintf("<think>Reasoning.</think>\n<answer>%s</answer> \\boxed{%s}", l, l)}}
	}
	for _, opts := range []string{"", `{"shuffle_answers": true, "shuffle_mode": "episode"}`, `{"answer_format": "boxed", "use_think": true}`} {
		t.Run(opts, func(t *testing.T) {
			envtest.RunConformance(t, envtest.Suite{Entry: e, Options: opts,
				Gold:  func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, false) },
				Wrong: func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, true) },
			})
		})
	}
}

// A fresh random order (shuffle_seed -1) is stored with the episode, so a
// restored episode grades against the order the model saw.
func TestFreshOrderSurvivesRestore(t *testing.T) {
	e := real(t)
	rows := fileRows(t)
	opts := mcqatest.Options(t, e, `{"shuffle_answers": true, "shuffle_seed": -1}`)
	orders := map[string]bool{}
	for range 20 {
		ep, st, err := e.Env.Reset(context.Background(), envs.ResetRequest{ExampleID: "225", Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		orders[st.Observation[1].Content] = true
		state, _ := ep.State()
		back, err := e.Env.Restore(context.Background(), state, opts)
		if err != nil {
			t.Fatal(err)
		}
		gold := shownLetter(t, st.Observation[1].Content, rows[225].Options[rows[225].AnswerIdx])
		res, err := back.Step(context.Background(), envs.Message{Content: "<answer>" + gold + "</answer>"})
		if err != nil || res.Reward.Value != 1 {
			t.Fatalf("restored fresh-order episode: %+v %v", res.Reward, err)
		}
	}
	if len(orders) < 3 {
		t.Fatalf("20 fresh orders of row 225 gave %d distinct orders", len(orders))
	}
}
