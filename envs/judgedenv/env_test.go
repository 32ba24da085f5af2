package judgedenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// capitals is a tiny judged env: name a country's capital; a fake judge
// says yes when the answer is the gold.
const capitals = "capitals"

var layout = dataset.Layout{Dir: capitals, Want: []dataset.Want{{Key: "test"}, {Key: "train"}}}

type row struct{ country, capital string }

type rawRow struct {
	ID      string  `json:"id"`
	Country string  `json:"country"`
	Capital *string `json:"capital"`
}

func build(r *rawRow) (*row, string, *judgedenv.Problem) {
	switch {
	case r.Capital == nil:
		return nil, r.ID, &judgedenv.Problem{Col: "capital", Why: "required", Absent: true}
	case *r.Capital == "":
		return nil, r.ID, &judgedenv.Problem{Col: "capital", Why: "empty capital"}
	}
	return &row{country: r.Country, capital: *r.Capital}, r.ID, nil
}

const testRows = `{"id": "fr", "country": "France", "capital": "Paris"}
{"id": "jp", "country": "Japan", "capital": "Tokyo"}
{"id": "xx", "country": "Nowhere", "capital": ""}
{"country": "Peru", "capital": "Lima"}
{"id": "fr", "country": "France again", "capital": "Paris"}
{"id": "ke", "country": "Kenya", "capital": "Nairobi"}
`

// ruling is the fake judge's parsed reply.
type ruling struct{ Yes bool }

// fakeJudge answers yes when the answer in the prompt is the gold, and
// breaks the cached JSON of a reply "garbled".
type fakeJudge struct{ n int }

func (f fakeJudge) Count() int { return f.n }

func (f fakeJudge) Ask(_ context.Context, q judge.Question) ([]judge.Verdict, error) {
	answer, gold, _ := strings.Cut(q.Prompt, "|")
	var vs []judge.Verdict
	for i := range f.n {
		reply := "no"
		if answer == gold {
			reply = "yes"
		}
		v := judge.Verdict{Judge: string(rune('a' + i)), Reply: reply}
		v.Parsed, v.Err = q.Parse(reply)
		if answer == "garbled" {
			v.Parsed = json.RawMessage("{")
		}
		vs = append(vs, v)
	}
	return vs, nil
}

func grade(ctx context.Context, j envs.Judge, r *row, c envs.Completion, opts envs.Values) (rewards.Reward, error) {
	texts := c.AssistantTexts()
	answer := ""
	if len(texts) > 0 {
		answer = texts[len(texts)-1]
	}
	q := judge.Question{Prompt: answer + "|" + r.capital, Parser: envs.JudgeParser(capitals, opts),
		Parse: func(reply string) (json.RawMessage, error) { return json.Marshal(ruling{Yes: reply == "yes"}) }}
	o, vs, err := judgedenv.Ask(ctx, j, q, opts.Int(envs.OptJudgeQuorum), func(rl ruling) float64 {
		if rl.Yes {
			return 1
		}
		return 0
	})
	if err != nil {
		return rewards.Reward{}, err
	}
	detail := o.Detail
	for _, v := range vs {
		detail += "; parsed " + v.Judge
	}
	if !o.OK {
		return rewards.Reward{Status: rewards.JudgeFailed, Detail: detail}, nil
	}
	return rewards.Reward{Value: o.Value, Status: rewards.Scored, Detail: detail,
		Components: []rewards.Component{{Name: "capital", Value: o.Value, Weight: 1}}}, nil
}

func spec() judgedenv.Spec[*row] {
	return judgedenv.Spec[*row]{Name: capitals, Description: "name the capital",
		Components: []envs.ComponentInfo{{Name: "capital", Weight: 1}},
		Options:    func(n int) []envs.OptionSpec { return []envs.OptionSpec{envs.JudgeQuorumOption(n)} },
		Prompt:     func(r *row, _ envs.Values) (string, string) { return "Name the capital.", r.country },
		Vars:       func(r *row, id string) map[string]any { return map[string]any{"country": r.country, "id": id} },
		Inline: func(raw []byte) (*row, error) {
			var rr rawRow
			if err := json.Unmarshal(raw, &rr); err != nil {
				return nil, envs.Inputf("example", "%v", err)
			}
			r, _, p := build(&rr)
			if p != nil {
				return nil, envs.Inputf("example."+p.Col, "%s", p.Why)
			}
			return r, nil
		},
		Grade: grade}
}

// newEnv loads the capitals env over fsys.
func newEnv(t *testing.T, fsys fstest.MapFS, j envs.Judge) (*judgedenv.Env[*row], *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	set := envs.Settings{Data: fsys, Logger: zap.New(core), Judges: func(string) envs.Judge { return j }}
	log := judgedenv.Logger(set, capitals)
	srcs, reason, err := judgedenv.Discover(set, layout, log)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := judgedenv.ReadTables(set.Data, log, capitals, []string{"test", "train"}, srcs, dataset.Format{}, build)
	if err != nil {
		t.Fatal(err)
	}
	names := envs.Splits{Env: capitals, Known: []string{"test", "train"}, Loaded: rows.Names(), Reason: reason}
	return judgedenv.New(spec(), rows, names, set), logs
}

func TestConformance(t *testing.T) {
	e, _ := newEnv(t, fstest.MapFS{"capitals/test.jsonl": {Data: []byte(testRows)}}, fakeJudge{n: 2})
	capital := map[string]string{"France": "Paris", "Japan": "Tokyo", "Peru": "Lima", "France again": "Paris", "Kenya": "Nairobi"}
	msg := func(s string) []envs.Message { return []envs.Message{{Role: "assistant", Content: s}} }
	envtest.RunConformance(t, envtest.Suite{
		Entry: judgedenvtest.Register(t, e),
		Gold: func(tb testing.TB, st envs.Start) []envs.Message {
			return msg(capital[st.Observation[len(st.Observation)-1].Content])
		},
		Wrong: func(testing.TB, envs.Start) []envs.Message { return msg("Atlantis") },
	})
}

func TestTables(t *testing.T) {
	e, logs := newEnv(t, fstest.MapFS{"capitals/test.jsonl": {Data: []byte(testRows)}}, fakeJudge{n: 1})
	rows := e.Rows()
	var ids []string
	for i := range rows.Len("test") {
		ids = append(ids, rows.(*judgedenv.Tables[*row]).Table("test").ID(i))
	}
	if got := strings.Join(ids, " "); got != "fr jp row-3 fr#2 ke" {
		t.Errorf("ids %s", got)
	}
	if r, id := rows.First("test"); id != "fr" || r.country != "France" {
		t.Errorf("First: %s %+v", id, r)
	}
	if r, ok := rows.Find("test", "fr#2"); !ok || r.country != "France again" {
		t.Errorf("Find: %+v %v", r, ok)
	}
	v := judgedenvtest.Options(t, judgedenvtest.Register(t, e), `{"num_examples": 2}`)
	if _, _, err := rows.Pick("test", "ke", nil, 0, v); !errors.Is(err, envs.ErrUnknownExample) {
		t.Errorf("Pick outside num_examples: %v", err)
	}
	idx := int64(1)
	if r, id, err := rows.Pick("test", "", &idx, 0, v); err != nil || id != "jp" || r.capital != "Tokyo" {
		t.Errorf("Pick index 1: %s %+v %v", id, r, err)
	}
	l := logs.FilterMessage("split loaded").All()
	if len(l) != 1 || l[0].ContextMap()["split"] != "test" || l[0].ContextMap()["skipped"] != int64(1) || l[0].ContextMap()["env"] != capitals {
		t.Errorf("load log %+v", l)
	}
	if d := e.TemplateVars(); len(d) != 1 || d["test"]["id"] != "fr" || d["test"]["country"] != "France" {
		t.Errorf("TemplateVars %v", d)
	}
}

func TestLoadProblems(t *testing.T) {
	core, _ := observer.New(zapcore.InfoLevel)
	set := envs.Settings{Data: fstest.MapFS{"capitals/test.jsonl": {Data: []byte(`{"id": "a", "country": "A"}`)}}, Logger: zap.New(core)}
	srcs, _, err := judgedenv.Discover(set, layout, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	_, err = judgedenv.ReadTables(set.Data, zap.NewNop(), capitals, []string{"test"}, srcs, dataset.Format{}, build)
	if err == nil || !strings.Contains(err.Error(), `missing column "capital"`) {
		t.Errorf("a file without a required column: %v", err)
	}
	tests := []struct {
		name       string
		give       envs.Settings
		wantReason string
	}{
		{"no data directory", envs.Settings{}, "no data directory"},
		{"no folder", envs.Settings{Data: fstest.MapFS{"other/x.jsonl": {Data: []byte("{}")}}}, "no capitals/ folder in the data directory"},
	}
	for _, tt := range tests {
		srcs, reason, err := judgedenv.Discover(tt.give, layout, zap.NewNop())
		if err != nil || srcs != nil || reason != tt.wantReason {
			t.Errorf("%s: %v %q %v, want %q", tt.name, srcs, reason, err, tt.wantReason)
		}
	}
}

func TestJudges(t *testing.T) {
	e, _ := newEnv(t, fstest.MapFS{"capitals/test.jsonl": {Data: []byte(testRows)}}, nil)
	opts := judgedenvtest.Options(t, judgedenvtest.Register(t, e), "")
	if _, _, err := e.Reset(context.Background(), envs.ResetRequest{Options: opts}); !errors.Is(err, envs.ErrPrecondition) {
		t.Errorf("Reset without a judge: %v", err)
	}
	if e.Info().JudgeConfigured || e.WithJudge(fakeJudge{n: 0}).Info().JudgeConfigured || !e.WithJudge(fakeJudge{n: 1}).Info().JudgeConfigured {
		t.Error("JudgeConfigured")
	}
	score := func(e *judgedenv.Env[*row], answer string) rewards.Reward {
		t.Helper()
		r, err := e.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: "jp", Completion: envs.TextCompletion(answer), Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name, give string
		judge      envs.Judge
		wantStatus rewards.Status
		wantDetail string
	}{
		{"no judge", "Tokyo", nil, rewards.JudgeFailed, "no judge configured"},
		{"two judges", "Tokyo", fakeJudge{n: 2}, rewards.Scored, "a: 1; b: 1; parsed a; parsed b"},
		// A verdict whose cached JSON does not read fails its judge and is
		// not returned.
		{"unreadable verdict", "garbled", fakeJudge{n: 1}, rewards.JudgeFailed, "a: cached verdict unreadable"},
	}
	for _, tt := range tests {
		r := score(e.WithJudge(tt.judge), tt.give)
		if r.Status != tt.wantStatus || !strings.Contains(r.Detail, tt.wantDetail) || strings.Contains(r.Detail, "parsed") != (tt.wantStatus == rewards.Scored) {
			t.Errorf("%s: %v (%s), want %v with %q", tt.name, r.Status, r.Detail, tt.wantStatus, tt.wantDetail)
		}
	}
}
