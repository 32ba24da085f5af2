package medmcqa_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
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
	"github.com/medarc-ai/medmarks-t/envs/medmcqa"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
)

const split = "validation"

func real(t testing.TB) *envs.Entry { return mcqatest.Real(t, medmcqa.Name, medmcqa.New) }

type fileRow struct {
	Question string `json:"question"`
	Opa      string `json:"opa"`
	Opb      string `json:"opb"`
	Opc      string `json:"opc"`
	Opd      string `json:"opd"`
	Cop      int    `json:"cop"`
	ID       string `json:"id"`
}

func (r fileRow) goldText() string {
	return strings.TrimSpace([]string{r.Opa, r.Opb, r.Opc, r.Opd}[r.Cop-1])
}

func devLines(t testing.TB) []string {
	b, err := os.ReadFile(shared.Datasets(t) + "/medmcqa/dev.json")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func devRows(t testing.TB) []fileRow {
	var rows []fileRow
	for _, l := range devLines(t) {
		var r fileRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestLoadingNamesAndSplits(t *testing.T) {
	e := real(t)
	info := e.Env.Info()
	if len(info.Splits) != 1 || info.Splits[0].Name != split || info.Splits[0].Rows != 4183 || !cmp.Equal(info.Aliases, []string{"med_mcqa"}) {
		t.Fatalf("info = %+v", info)
	}
	reg, err := envs.Build(context.Background(), envs.Settings{Data: os.DirFS(shared.Datasets(t))}, nil, medmcqa.New)
	if err != nil {
		t.Fatal(err)
	}
	alias, err := reg.Lookup("med_mcqa")
	if err != nil || alias.Name() != "medmcqa" {
		t.Fatalf("alias lookup: %v", err)
	}
	a := mcqatest.Reset(t, e, "dev", "044e8f11-ca21-4220-9ddc-0fca648ed401", "", 0)
	b := mcqatest.Reset(t, e, "validation", "044e8f11-ca21-4220-9ddc-0fca648ed401", "", 0)
	if !cmp.Equal(a, b) {
		t.Fatal("dev and validation differ")
	}
	_, _, err = e.Env.Reset(context.Background(), envs.ResetRequest{Split: "test", Options: mcqatest.Options(t, e, "")})
	if !errors.Is(err, envs.ErrUnknownSplit) || !strings.Contains(err.Error(), "unpublished") || !strings.Contains(err.Error(), "validation") {
		t.Fatalf("Reset on test: %v", err)
	}
}

func TestObservation(t *testing.T) {
	e := real(t)
	st := mcqatest.Reset(t, e, split, "044e8f11-ca21-4220-9ddc-0fca648ed401", "", 0)
	want := medmcqa.Instruction + "\nQuestion: The active principle of white oleander is:\nA. Nicotine\nB. Nerin\nC. Abrine\nD. Pilocarpine\nAnswer:"
	if got := st.Observation[1].Content; got != want {
		t.Fatalf("observation:\n%q\nwant\n%q", got, want)
	}
	if strings.Count(medmcqa.Instruction, "\n") != 0 {
		t.Fatal("the instruction must be one line")
	}
	// A question with line breaks keeps them.
	for _, r := range devRows(t) {
		if q := strings.TrimSpace(r.Question); strings.Contains(q, "\n") {
			if u := mcqatest.Reset(t, e, split, r.ID, "", 0).Observation[1].Content; !strings.Contains(u, "Question: "+q+"\nA. ") {
				t.Fatalf("%s lost its line breaks:\n%q", r.ID, u)
			}
			break
		}
	}
}

func TestEveryRowGoldAndWrong(t *testing.T) {
	e := real(t)
	rows := devRows(t)
	tests := []struct {
		opts    string
		want    map[string]int
		changed int
	}{
		{``, map[string]int{"A": 1348, "B": 1085, "C": 925, "D": 825}, 0},
		{`{"shuffle_answers": true}`, map[string]int{"A": 1073, "B": 1016, "C": 1059, "D": 1035}, 3039},
		{`{"shuffle_answers": true, "shuffle_seed": 9331}`, map[string]int{"A": 1054, "B": 1088, "C": 1027, "D": 1014}, -1},
	}
	for _, tt := range tests {
		counts, changed := map[string]int{}, 0
		for _, r := range rows {
			gold := mcqatest.GoldLetter(t, e, split, r.ID, tt.opts, "ABCD")
			counts[gold]++
			if gold != string(rune('A'+r.Cop-1)) {
				changed++
			}
			wrong := mcqatest.WrongLetter(gold, r.goldText(), "ABCD")
			if got := mcqatest.Score(t, e, split, r.ID, "<answer>"+wrong+"</answer>", tt.opts); got.Value != 0 || got.Status != rewards.Scored {
				t.Fatalf("%s %s wrong %s: %+v", tt.opts, r.ID, wrong, got)
			}
		}
		if d := cmp.Diff(tt.want, counts); d != "" {
			t.Errorf("%s gold letters (-want +got):\n%s", tt.opts, d)
		}
		if tt.changed >= 0 && changed != tt.changed {
			t.Errorf("%s: %d rows changed letter, want %d", tt.opts, changed, tt.changed)
		}
	}
}

func TestWorkedExamples(t *testing.T) {
	e := real(t)
	const (
		oleander = "044e8f11-ca21-4220-9ddc-0fca648ed401"
		glucose  = "ef3c0dca-5a44-4569-ba14-14ed9fd9a5a5"
		fordyce  = "191548fb-ba97-4ff9-9c4f-681747cff0c1"
		iron     = "0447b9a2-22ec-449c-8a23-a52c28ac6b34"
	)
	sh := `{"shuffle_answers": true}`
	boxed := `{"answer_format": "boxed"}`
	shBoxed := `{"answer_format": "boxed", "shuffle_answers": true}`
	tests := []struct {
		id, opts, completion string
		want                 float64
		decidedBy            string
	}{
		{oleander, ``, "Oleander contains cardiac glycosides such as nerin (oleandrin).\n<answer>B</answer>", 1, "strategy 1"},
		{oleander, ``, "<answer>D</answer>", 0, "strategy 1"},
		{oleander, ``, "<answer>Nerin</answer>", 1, "strategy 2"},
		{oleander, boxed, "The answer is not D; it is nerin.", 1, "strategy 7"},
		{glucose, sh, "<answer>C</answer>", 1, "strategy 1"},
		{glucose, sh, "<answer>B</answer>", 0, "strategy 1"},
		{glucose, sh, "<answer>Secondary active transport</answer>", 0, ""},
		{glucose, sh, "<answer>C) Secondary active transport</answer>", 1, "strategy 5"},
		{glucose, sh, "<answer>Secondary active transpo</answer>", 1, "strategy 2"},
		{glucose, ``, "<answer>B</answer>", 1, "strategy 1"},
		{fordyce, shBoxed, "Fordyce spots are ectopic oil glands of the cheek mucosa.\n\\boxed{B}", 1, "strategy 1"},
		{fordyce, shBoxed, "Fordyce spots are ectopic oil glands of the cheek mucosa, so the answer is B.", 1, "strategy 4"},
		{fordyce, shBoxed, "\\boxed{D}", 0, "strategy 1"},
		{fordyce, shBoxed, "\\boxed{C}", 0, "strategy 1"},
		{fordyce, boxed, "\\boxed{C}", 1, "strategy 1"},
		{iron, ``, "<answer>A</answer>", 1, "strategy 1"},
		{iron, ``, "<answer>C</answer>", 0, "strategy 1"},
		{iron, sh, "<answer>A</answer>", 0, "strategy 1"},
		{iron, sh, "<answer>D</answer>", 1, "strategy 1"},
	}
	for _, tt := range tests {
		got := mcqatest.Score(t, e, split, tt.id, tt.completion, tt.opts)
		if got.Status != rewards.Scored || got.Value != tt.want || !strings.Contains(got.Detail, tt.decidedBy) {
			t.Errorf("%s %s %q: %v (%s), want %v by %q", tt.id[:8], tt.opts, tt.completion, got.Value, got.Detail, tt.want, tt.decidedBy)
		}
	}
	// Permutations of §8.5.
	for _, tt := range []struct {
		id   string
		perm string
	}{{glucose, "[2 3 1 0]"}, {fordyce, "[1 2 0 3]"}, {iron, "[1 3 2 0]"}} {
		if got := mcqatest.Score(t, e, split, tt.id, "x", sh); !strings.Contains(got.Detail, "shuffled "+tt.perm) {
			t.Errorf("%s: %s, want permutation %s", tt.id, got.Detail, tt.perm)
		}
	}
}

func TestInline(t *testing.T) {
	e := real(t)
	rows := devRows(t)
	lines := devLines(t)
	for i := 0; i < 40; i += 7 {
		for _, opts := range []string{``, `{"shuffle_answers": true}`} {
			gold := mcqatest.GoldLetter(t, e, split, rows[i].ID, opts, "ABCD")
			r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: []byte(lines[i]),
				Completion: envs.TextCompletion("<answer>" + gold + "</answer>"), Options: mcqatest.Options(t, e, opts)})
			if err != nil || r.Value != 1 {
				t.Errorf("inline row %d %s: %+v %v", i, opts, r, err)
			}
		}
	}
	for _, tt := range []struct{ give, field string }{
		{`{"question": "q", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": 0}`, "example.cop"},
		{`{"question": "q", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": "2"}`, "example.cop"},
		{`{"question": "q", "opa": "a", "opb": "b", "opc": "c", "opd": "d"}`, "example.cop"},
		{`{"question": " ", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": 1}`, "example.question"},
		{`{"question": "q", "opa": "", "opb": " ", "opc": "", "opd": "", "cop": 1}`, "example.opa"},
		{`{"question": "q", "opa": "a", "opc": "c", "opd": "d", "cop": 1}`, "example.opb"},
	} {
		_, err := e.Env.Score(context.Background(), envs.ScoreRequest{Inline: []byte(tt.give), Completion: envs.TextCompletion("A"), Options: mcqatest.Options(t, e, "")})
		var ie *envs.InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("inline %s: %v, want an InputError on %s", tt.give, err, tt.field)
		}
	}
}

// hfRow is the exports' parquet schema; cop an int64 column.
type hfRow struct {
	Question *string `json:"question" parquet:"question,optional"`
	Opa      *string `json:"opa" parquet:"opa,optional"`
	Opb      *string `json:"opb" parquet:"opb,optional"`
	Opc      *string `json:"opc" parquet:"opc,optional"`
	Opd      *string `json:"opd" parquet:"opd,optional"`
	Cop      *int64  `json:"cop" parquet:"cop,optional"`
	ID       *string `json:"id" parquet:"id,optional"`
}

func TestExports(t *testing.T) {
	lines := devLines(t)[:40]
	var zeroBased []string
	for _, l := range lines {
		var m map[string]any
		_ = json.Unmarshal([]byte(l), &m)
		m["cop"] = m["cop"].(float64) - 1
		b, _ := json.Marshal(m)
		zeroBased = append(zeroBased, string(b))
	}
	classLabel := map[string]string{"huggingface": `{"info": {"features": {"cop": {"names": ["a", "b", "c", "d"], "_type": "ClassLabel"}}}}`}
	// A source with both a cop 0 and a cop 4 is neither 0- nor 1-based.
	withCop := func(line string, cop int) string {
		var m map[string]any
		_ = json.Unmarshal([]byte(line), &m)
		m["cop"] = cop
		b, _ := json.Marshal(m)
		return string(b)
	}
	mixed := []string{withCop(lines[0], 0), withCop(lines[1], 4), lines[2]}
	skips := []string{
		`{"question": "q1", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": 5, "id": "s1"}`,
		`{"question": "q2", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": "2", "id": "s2"}`,
		`{"question": "", "opa": "a", "opb": "b", "opc": "c", "opd": "d", "cop": 2, "id": "s3"}`,
		`{"question": "q4", "opa": "", "opb": "", "opc": "", "opd": " ", "cop": 2, "id": "s4"}`,
	}
	fixtures := []struct {
		name      string
		fsys      fstest.MapFS
		rows      int
		converted bool
	}{
		{"original", fstest.MapFS{"medmcqa/dev.json": {Data: []byte(strings.Join(lines, "\n"))}}, 40, false},
		{"lighteval jsonl", fstest.MapFS{"medmcqa/validation.jsonl": {Data: []byte(strings.Join(lines, "\n"))}}, 40, false},
		{"lighteval parquet", fstest.MapFS{"medmcqa/default/validation/0000.parquet": {Data: datasettest.Parquet[hfRow](t, lines, nil)}}, 40, false},
		{"openlifescienceai jsonl", fstest.MapFS{"medmcqa/validation.jsonl": {Data: []byte(strings.Join(zeroBased, "\n"))}}, 40, true},
		{"openlifescienceai parquet", fstest.MapFS{"medmcqa/data/validation-00000-of-00001.parquet": {Data: datasettest.Parquet[hfRow](t, zeroBased, classLabel)}}, 40, true},
		{"skips", fstest.MapFS{"medmcqa/dev.json": {Data: []byte(strings.Join(append(append([]string{}, skips...), lines...), "\n"))}}, 40, false},
		{"mixed", fstest.MapFS{"medmcqa/dev.json": {Data: []byte(strings.Join(mixed, "\n"))}}, 0, false},
	}
	var want []string
	for _, fx := range fixtures {
		core, logs := observer.New(zap.InfoLevel)
		reg, err := envs.Build(context.Background(), envs.Settings{Data: fx.fsys, Logger: zap.New(core)}, nil, medmcqa.New)
		if err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		e, _ := reg.Lookup("medmcqa")
		rows := 0
		if s := e.Env.Info().Splits; len(s) > 0 {
			rows = s[0].Rows
		}
		if rows != fx.rows {
			t.Fatalf("%s: %d rows, want %d", fx.name, rows, fx.rows)
		}
		if n := logs.FilterMessageSnippet("converted to 1-based").Len(); (n == 1) != fx.converted {
			t.Errorf("%s: %d conversion log lines", fx.name, n)
		}
		if fx.name == "mixed" {
			if logs.FilterMessageSnippet("neither 0- nor 1-based").Len() != 1 {
				t.Errorf("mixed: no refusal logged")
			}
			continue
		}
		var got []string
		for i := range 40 {
			id := devRows(t)[i].ID
			st := mcqatest.Reset(t, e, split, id, "", 0)
			got = append(got, st.Observation[1].Content+" gold="+mcqatest.GoldLetter(t, e, split, id, "", "ABCD"))
		}
		if want == nil {
			want = got
		} else if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s differs from the original (-want +got):\n%s", fx.name, d)
		}
	}
}

func TestConformance(t *testing.T) {
	e := real(t)
	byID := map[string]fileRow{}
	for _, r := range devRows(t) {
		byID[r.ID] = r
	}
	answer := func(tb testing.TB, st envs.Start, opts string, wrong bool) []envs.Message {
		l := mcqatest.GoldLetter(tb, e, st.Split, st.ExampleID, opts, "ABCD")
		if wrong {
			l = mcqatest.WrongLetter(l, byID[st.ExampleID].goldText(), "ABCD")
		}
		return []envs.Message{{Role: "assistant", Content: "<answer>" + l + "</answer>"}}
	}
	for _, opts := range []string{``, `{"shuffle_answers": true}`} {
		envtest.RunConformance(t, envtest.Suite{Entry: e, Options: opts,
			Gold:  func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, opts, false) },
			Wrong: func(tb testing.TB, st envs.Start) []envs.Message { return answer(tb, st, opts, true) },
		})
	}
}
