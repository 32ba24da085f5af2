package medcasereasoning_test

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// realEnv is the env over ../shared/datasets (the synthetic fixture).
var realEnv = judgedenvtest.Loaded(medcasereasoning.New, envs.Settings{})

func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	return judgedenvtest.Register(t, medcasereasoning.WithJudge(realEnv(t), j))
}

// score scores a completion of a synthetic_val row.
func score(t testing.TB, e *envs.Entry, id, completion, opts string) rewards.Reward {
	t.Helper()
	return judgedenvtest.Score(t, e, "synthetic_val", id, envs.TextCompletion(completion), opts)
}

// matchingJudge says yes when the prediction equals the true diagnosis
// (case-insensitively), no otherwise.
func matchingJudge() judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if strings.EqualFold(judgedenvtest.Section(r.Prompt, "predicted_diagnosis"), judgedenvtest.Section(r.Prompt, "true_diagnosis")) {
			return "Yes"
		}
		return "No."
	})
}

func answer(dx string) string { return "<think>\nreasoning\n</think>\n<answer>\n" + dx + "\n</answer>" }

func rowOf(t testing.TB, id string) medcasereasoning.Row {
	t.Helper()
	for _, r := range medcasereasoning.Rows(realEnv(t), "synthetic_val") {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no row %s", id)
	return medcasereasoning.Row{}
}
