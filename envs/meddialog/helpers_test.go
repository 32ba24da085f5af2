package meddialog_test

import (
	"encoding/json"
	"testing"

	"go.uber.org/goleak"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// realEnv is MedDialog over ../shared/datasets, loaded once, no judge.
var realEnv = judgedenvtest.Loaded(meddialog.New, envs.Settings{})

func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	return judgedenvtest.Register(t, meddialog.WithJudge(realEnv(t), j))
}

// scoreC scores a completion of a test row.
func scoreC(t testing.TB, e *envs.Entry, id string, c envs.Completion, opts string) rewards.Reward {
	t.Helper()
	return judgedenvtest.Score(t, e, "test", id, c, opts)
}

func score(t testing.TB, e *envs.Entry, id, completion, opts string) rewards.Reward {
	t.Helper()
	return scoreC(t, e, id, envs.TextCompletion(completion), opts)
}

// verdict is a judge reply with three scores (JSON values, so "4" and 3.5
// can be written).
func verdict(a, c, l any) string {
	b, _ := json.Marshal(map[string]any{
		"accuracy":     map[string]any{"explanation": "acc.", "score": a},
		"completeness": map[string]any{"explanation": "comp.", "score": c},
		"clarity":      map[string]any{"explanation": "clar.", "score": l},
	})
	return string(b)
}

// matchingJudge gives 5s when the response equals the reference, 1s
// otherwise.
func matchingJudge() judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if judgedenvtest.Section(r.Prompt, "response") == judgedenvtest.Section(r.Prompt, "gold_response") {
			return verdict(5, 5, 5)
		}
		return verdict(1, 1, 1)
	})
}

func rowOf(t testing.TB, id string) meddialog.Row {
	t.Helper()
	for _, r := range meddialog.Rows(realEnv(t), "test") {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no row %s", id)
	return meddialog.Row{}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
