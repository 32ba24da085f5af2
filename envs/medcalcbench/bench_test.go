package medcalcbench_test

import (
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
)

// BenchmarkScore scores the whole v1.0 test set (1,047 rows) per op
// through Env.Score by reference, each completion the row's own
// explanation followed by the gold answer in the tag: row lookup, message
// choice, extraction, check and the reward's detail.
func BenchmarkScore(b *testing.B) {
	e := real(b)
	opts := parse(b, e, "")
	rows := v10(b)
	reqs := make([]envs.ScoreRequest, len(rows))
	for i, r := range rows {
		reqs[i] = envs.ScoreRequest{Split: "1.0/test", ExampleID: r["Row Number"], Options: opts,
			Completion: envs.TextCompletion(r["Ground Truth Explanation"] + "\n<answer>" + r["Ground Truth Answer"] + "</answer>")}
	}
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		for _, req := range reqs {
			if r, err := e.Env.Score(ctx, req); err != nil || r.Value != 1 {
				b.Fatalf("%v %+v", err, r)
			}
		}
		n++
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n*len(reqs)), "ns/item")
}
