package medec_test

import (
	"strconv"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 10: the shared conformance suite, with a fake judge that
// accepts exactly the gold correction.
func TestConformance(t *testing.T) {
	j := judgetest.NewInProcess(matchingJudge(rubricReply(false, false, true, true)))
	e := entry(t, judgedenvtest.Judges(t, 2, nil, j)) // no cache: detail would say "(cached)" on the restored run
	msg := func(s string) []envs.Message { return []envs.Message{{Role: "assistant", Content: s}} }
	envtest.RunConformance(t, envtest.Suite{
		Entry: e,
		Gold: func(tb testing.TB, st envs.Start) []envs.Message {
			g := gold(tb, st.Split, st.ExampleID)
			if g.Flag == 0 {
				return msg(answerOf("CORRECT", "N/A", "N/A"))
			}
			return msg("Reasoning first.\n" + answerOf(strconv.Itoa(g.ErrID), g.ErrorSentence, g.Corrected))
		},
		Wrong: func(tb testing.TB, st envs.Start) []envs.Message {
			if gold(tb, st.Split, st.ExampleID).Flag == 0 {
				return msg(answerOf("0", "x", "y"))
			}
			return msg(answerOf("CORRECT", "N/A", "N/A"))
		},
	})
}
