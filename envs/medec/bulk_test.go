package medec_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medec"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// bulkSeed is the fake's failure seed; with it the 2-attempt run has
// items whose every attempt fails, so the test checks real failures.
const bulkSeed = 7

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
// random. Every JUDGE_FAILED item is one whose attempts all failed by the
// fake's deterministic failure function, every SCORED reward equals the
// reward with a judge that never fails, the calls made are exactly the
// attempts the function implies, and a second run over a shared cache calls
// the judge only for the items that failed.
func TestBulk(t *testing.T) {
	rows := medec.Rows(realEnv(t), "test_ms")
	if len(rows) != 597 {
		t.Fatalf("%d rows", len(rows))
	}
	completions := bulkCompletions(rows)

	// The truth: a judge that never fails; it also gives each item's prompt.
	truthJudge := judgetest.NewInProcess(judgetest.Reply(variedReply))
	truthEnv := entry(t, judges(t, 1, nil, truthJudge))
	truth := make([]rewards.Reward, len(rows))
	prompts := make([]string, len(rows))
	seen := map[string]bool{}
	judged := 0
	for i, g := range rows {
		before := truthJudge.Calls()
		truth[i] = score(t, truthEnv, "test_ms", g.ID, completions[i], "")
		if truth[i].Status != rewards.Scored {
			t.Fatalf("truth %s: %v (%s)", g.ID, truth[i].Status, truth[i].Detail)
		}
		if truthJudge.Calls() > before {
			prompts[i] = truthJudge.Requests()[before].Prompt
			if seen[prompts[i]] {
				t.Fatalf("%s: a judge prompt repeats; the expectation below assumes distinct prompts", g.ID)
			}
			seen[prompts[i]] = true
			judged++
		}
	}
	if judged < 200 {
		t.Fatalf("only %d items need the judge", judged)
	}

	for _, attempts := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d attempts", attempts), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cache := judgetest.NewCache()
				fake := judgetest.NewInProcess(judgetest.FailRandomly(0.1, bulkSeed), judgetest.Reply(variedReply))
				run := func() []rewards.Reward {
					e := entry(t, judges(t, attempts, cache, fake))
					out := make([]rewards.Reward, len(rows))
					var g errgroup.Group
					g.SetLimit(32)
					for i, r := range rows {
						g.Go(func() error {
							rw, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test_ms", ExampleID: r.ID,
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
				// expect gives, per item, whether its attempts from first on
				// all fail, and the calls it makes.
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
				// check compares a run with the expectation; first gives an
				// item's first attempt number at the fake, cached whether its
				// verdict is in the cache. It returns the failed items and the
				// calls the run should have made.
				check := func(run int, got []rewards.Reward, first func(i int) int, cached func(i int) bool) (failedItems map[int]bool, calls int) {
					failedItems = map[int]bool{}
					for i, r := range got {
						failed, n := expect(i, first(i))
						if !cached(i) {
							calls += n
						}
						switch {
						case failed:
							failedItems[i] = true
							if r.Status != rewards.JudgeFailed {
								t.Errorf("run %d %s: %v, want JUDGE_FAILED (every attempt fails)", run, rows[i].ID, r.Status)
							}
							want := truth[i].Components[:2]
							if d := cmp.Diff(want, r.Components); d != "" {
								t.Errorf("run %d %s: components of the failure (-want +got):\n%s", run, rows[i].ID, d)
							}
						case r.Status != rewards.Scored:
							t.Errorf("run %d %s: %v (%s), want SCORED", run, rows[i].ID, r.Status, r.Detail)
						case r.Value != truth[i].Value || !cmp.Equal(truth[i].Components, r.Components):
							t.Errorf("run %d %s: %v %v, want %v %v as with a judge that never fails", run, rows[i].ID, r.Value, r.Components, truth[i].Value, truth[i].Components)
						}
					}
					return failedItems, calls
				}

				first := run()
				failed, calls := check(1, first, func(int) int { return 1 }, func(int) bool { return false })
				if fake.Calls() != calls {
					t.Errorf("run 1: %d judge calls, want %d", fake.Calls(), calls)
				}
				if attempts == 2 && len(failed) == 0 {
					t.Fatalf("no item failed with seed %d; pick a seed that exercises failures", bulkSeed)
				}
				t.Logf("%d attempts: %d items judged, %d JUDGE_FAILED, %d calls", attempts, judged, len(failed), calls)

				before := fake.Calls()
				second := run()
				_, calls2 := check(2, second, func(i int) int {
					if failed[i] {
						return attempts + 1 // the fake counts attempts per prompt across runs
					}
					return 1
				}, func(i int) bool { return !failed[i] }) // SCORED in run 1: cached
				if n := fake.Calls() - before; n != calls2 {
					t.Errorf("run 2: %d judge calls, want %d (only the items that failed)", n, calls2)
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
