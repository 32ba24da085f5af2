package meddialog_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// bulkSeed is the fake's failure seed; with it the 2-attempt run has items
// whose every attempt fails.
const bulkSeed = 11

// variedVerdict is a well-formed reply fixed by the prompt.
func variedVerdict(r judgetest.Request) string {
	h := fnv.New32a()
	h.Write([]byte(r.Prompt))
	v := h.Sum32()
	return verdict(1+v%5, 1+(v/5)%5, 1+(v/25)%5)
}

// Acceptance 6: 200 rows against a judge failing 10% of calls at random:
// the JUDGE_FAILED items are exactly those whose attempts all fail by the
// fake's failure function, SCORED rewards equal those of a judge that never
// fails, the calls are exactly the attempts implied, and a second run over
// a shared cache calls the judge only for the items that failed.
func TestBulk(t *testing.T) {
	rows := meddialog.Rows(realEnv(t), "test")[:200]
	completions := make([]string, len(rows))
	for i, r := range rows {
		if i%13 == 0 {
			continue // empty: no judge call
		}
		// Distinct per item, also for the repeated dialogues, so that each
		// item's judge prompt is its own.
		completions[i] = fmt.Sprintf("Item %d asks: %s", i, r.Tgt)
	}
	truthJudge := judgetest.NewInProcess(judgetest.Reply(variedVerdict))
	truthEnv := entry(t, judges(t, 1, nil, truthJudge))
	truth := make([]rewards.Reward, len(rows))
	prompts := make([]string, len(rows))
	seen := map[string]bool{}
	for i, r := range rows {
		before := truthJudge.Calls()
		truth[i] = score(t, truthEnv, r.ID, completions[i], "")
		if truth[i].Status != rewards.Scored {
			t.Fatalf("truth %s: %v", r.ID, truth[i].Status)
		}
		if truthJudge.Calls() > before {
			prompts[i] = truthJudge.Requests()[before].Prompt
			if seen[prompts[i]] {
				t.Fatalf("%s: a judge prompt repeats", r.ID)
			}
			seen[prompts[i]] = true
		}
	}

	for _, attempts := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d attempts", attempts), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cache := judgetest.NewCache()
				fake := judgetest.NewInProcess(judgetest.FailRandomly(0.1, bulkSeed), judgetest.Reply(variedVerdict))
				run := func() []rewards.Reward {
					e := entry(t, judges(t, attempts, cache, fake))
					out := make([]rewards.Reward, len(rows))
					var g errgroup.Group
					g.SetLimit(32)
					for i, r := range rows {
						g.Go(func() error {
							rw, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: r.ID,
								Completion: envs.TextCompletion(completions[i]), Options: parse(t, e, "")})
							out[i] = rw
							return err
						})
					}
					if err := g.Wait(); err != nil {
						t.Fatal(err)
					}
					return out
				}
				expect := func(i, first int) (failed bool, calls int) {
					if prompts[i] == "" {
						return false, 0
					}
					for a := first; a < first+attempts; a++ {
						if !failsAt(bulkSeed, 0.1, prompts[i], a) {
							return false, a - first + 1
						}
					}
					return true, attempts
				}
				check := func(run int, got []rewards.Reward, first func(int) int, cached func(int) bool) (map[int]bool, int) {
					failed, calls := map[int]bool{}, 0
					for i, r := range got {
						f, n := expect(i, first(i))
						if !cached(i) {
							calls += n
						}
						switch {
						case f:
							failed[i] = true
							if r.Status != rewards.JudgeFailed || len(r.Components) != 0 {
								t.Errorf("run %d %s: %v %v, want JUDGE_FAILED without components", run, rows[i].ID, r.Status, r.Components)
							}
						case r.Status != rewards.Scored:
							t.Errorf("run %d %s: %v (%s), want SCORED", run, rows[i].ID, r.Status, r.Detail)
						case r.Value != truth[i].Value || !cmp.Equal(truth[i].Components, r.Components):
							t.Errorf("run %d %s: %v, want %v as with a judge that never fails", run, rows[i].ID, r.Value, truth[i].Value)
						}
					}
					return failed, calls
				}
				first := run()
				failed, calls := check(1, first, func(int) int { return 1 }, func(int) bool { return false })
				if fake.Calls() != calls {
					t.Errorf("run 1: %d calls, want %d", fake.Calls(), calls)
				}
				if attempts == 2 && len(failed) == 0 {
					t.Fatalf("no item failed with seed %d; pick a seed that exercises failures", bulkSeed)
				}
				t.Logf("%d attempts: %d JUDGE_FAILED, %d calls", attempts, len(failed), calls)
				before := fake.Calls()
				second := run()
				_, calls2 := check(2, second, func(i int) int {
					if failed[i] {
						return attempts + 1
					}
					return 1
				}, func(i int) bool { return !failed[i] })
				if n := fake.Calls() - before; n != calls2 {
					t.Errorf("run 2: %d calls, want %d (only the items that failed)", n, calls2)
				}
				for _, rq := range fake.Requests()[before:] {
					for i := range rows {
						if prompts[i] == rq.Prompt && !failed[i] {
							t.Errorf("run 2 called the judge for %s, SCORED in run 1", rows[i].ID)
						}
					}
				}
			})
		})
	}
}
