package meddialog_test

import (
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 7: the shared conformance suite, with a fake judge that gives
// 5s to the reference summary and 1s to anything else.
func TestConformance(t *testing.T) {
	j := judgetest.NewInProcess(matchingJudge())
	e := entry(t, judgedenvtest.Judges(t, 2, nil, j))
	msg := func(s string) []envs.Message { return []envs.Message{{Role: "assistant", Content: s}} }
	envtest.RunConformance(t, envtest.Suite{
		Entry: e,
		Gold: func(tb testing.TB, st envs.Start) []envs.Message {
			return msg(rowOf(tb, st.ExampleID).Tgt)
		},
		Wrong: func(tb testing.TB, st envs.Start) []envs.Message {
			return msg("The patient asks about something else entirely.")
		},
	})
}
