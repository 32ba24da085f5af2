package medec_test

import (
	"hash/fnv"
	"strconv"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/medec"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// variedReply is a well-formed judge reply fixed by the prompt, so that
// rewards differ between items but not between runs.
func variedReply(r judgetest.Request) string {
	h := fnv.New32a()
	h.Write([]byte(r.Prompt))
	v := h.Sum32()
	return rubricReply(v&1 == 0, v&2 == 0, v&4 != 0, v&8 != 0)
}

// bulkCompletions gives every test_ms row a completion: most error rows
// name the right sentence (the judge is asked), the others cover the
// table's other rows.
func bulkCompletions(rows []medec.Gold) []string {
	out := make([]string, len(rows))
	for i, g := range rows {
		k := strconv.Itoa(g.ErrID)
		switch {
		case g.Flag == 0 && i%5 == 0:
			out[i] = answerOf("1", "x", "y")
		case g.Flag == 0:
			out[i] = answerOf("CORRECT", "N/A", "N/A")
		case i%7 == 0:
			out[i] = answerOf(strconv.Itoa(g.ErrID+1), "x", "y")
		case i%11 == 0:
			out[i] = answerOf(k, g.ErrorSentence, "N/A")
		case i%2 == 0:
			out[i] = answerOf(k, g.ErrorSentence, g.Corrected)
		default:
			out[i] = answerOf(k, g.ErrorSentence, "A different correction for "+g.ID+".")
		}
	}
	return out
}

// Acceptance 9: all 597 test rows against a judge failing 10% of calls at
// random (judgedenvtest.RunBulk); at least 200 need the judge, and a
// JUDGE_FAILED item keeps its flag and sentence components.
func TestBulk(t *testing.T) {
	rows := medec.Rows(realEnv(t), "test_ms")
	if len(rows) != 597 {
		t.Fatalf("%d rows", len(rows))
	}
	items := make([]judgedenvtest.Item, len(rows))
	for i, c := range bulkCompletions(rows) {
		items[i] = judgedenvtest.Item{ID: rows[i].ID, Completion: c}
	}
	judgedenvtest.RunBulk(t, judgedenvtest.Bulk{Entry: entry, Split: "test_ms", Items: items, Reply: variedReply,
		Seed: 7, Workers: 32, MinJudged: 200,
		Kept: func(truth rewards.Reward) []rewards.Component { return truth.Components[:2] }})
}
