package medec_test

import (
	"fmt"
	"io/fs"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/medec"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// baseLogs are the start-up logs of realEnv.
var baseCore, baseLogs = observer.New(zapcore.InfoLevel)

// realEnv is MEDEC over ../shared/datasets, loaded once, without a judge.
var realEnv = judgedenvtest.Loaded(medec.New, envs.Settings{Logger: zap.New(baseCore)})

// entry registers the real env with judge j (nil: none configured).
func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	return judgedenvtest.Register(t, medec.WithJudge(realEnv(t), j))
}

// score scores one completion of a test_ms (or other split) row.
func score(t testing.TB, e *envs.Entry, split, id, completion, opts string) rewards.Reward {
	t.Helper()
	return judgedenvtest.Score(t, e, split, id, envs.TextCompletion(completion), opts)
}

// rubricReply is a well-formed judge reply.
func rubricReply(sc, md, sa, ce bool) string {
	return fmt.Sprintf("<analysis>comparison</analysis>\n<semantically_correct>%v</semantically_correct>\n<matches_details>%v</matches_details>\n<substantive_addition>%v</substantive_addition>\n<critical_error>%v</critical_error>", sc, md, sa, ce)
}

var goodReply = rubricReply(true, true, false, false)

// matchingJudge answers well when the assistant's answer equals the
// reference, and with wrong otherwise.
func matchingJudge(wrong string) judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if judgedenvtest.Section(r.Prompt, "assistant_answer") == judgedenvtest.Section(r.Prompt, "reference_answer") {
			return goodReply
		}
		return wrong
	})
}

// answerOf formats a completion with the three tags.
func answerOf(id, incorrect, correction string) string {
	return fmt.Sprintf("<error_id>%s</error_id>\n<incorrect_sentence>%s</incorrect_sentence>\n<correction>%s</correction>", id, incorrect, correction)
}

// gold returns the loaded gold of a row.
func gold(t testing.TB, split, id string) medec.Gold {
	t.Helper()
	for _, g := range medec.Rows(realEnv(t), split) {
		if g.ID == id {
			return g
		}
	}
	t.Fatalf("no row %s %s", split, id)
	return medec.Gold{}
}

func demoFS(testing.TB) fs.FS { return demo.FS() }
