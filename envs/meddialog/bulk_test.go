package meddialog_test

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// variedVerdict is a well-formed reply fixed by the prompt.
func variedVerdict(r judgetest.Request) string {
	h := fnv.New32a()
	h.Write([]byte(r.Prompt))
	v := h.Sum32()
	return verdict(1+v%5, 1+(v/5)%5, 1+(v/25)%5)
}

// Acceptance 6: 200 rows against a judge failing 10% of calls at random
// (judgedenvtest.RunBulk); a JUDGE_FAILED item has no components.
func TestBulk(t *testing.T) {
	rows := meddialog.Rows(realEnv(t), "test")[:200]
	items := make([]judgedenvtest.Item, len(rows))
	for i, r := range rows {
		items[i].ID = r.ID
		if i%13 == 0 {
			continue // empty: no judge call
		}
		// Distinct per item, also for the repeated dialogues, so that each
		// item's judge prompt is its own.
		items[i].Completion = fmt.Sprintf("Item %d asks: %s", i, r.Tgt)
	}
	judgedenvtest.RunBulk(t, judgedenvtest.Bulk{Entry: entry, Split: "test", Items: items, Reply: variedVerdict, Seed: 11, Workers: 32})
}
