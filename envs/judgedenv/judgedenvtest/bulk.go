package judgedenvtest

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sync/errgroup"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// bulkFailures is the fraction of calls the bulk run's judge fails.
const bulkFailures = 0.1

// Item is one example of a bulk run and its completion.
type Item struct{ ID, Completion string }

// Bulk is a run of many items against a judge failing a tenth of its calls
// at random (judgetest.FailRandomly).
type Bulk struct {
	// Entry registers the env with judge j.
	Entry func(tb testing.TB, j envs.Judge) *envs.Entry
	Split string
	Items []Item
	// Reply is a well-formed judge reply fixed by the prompt, so that
	// rewards differ between items but not between runs.
	Reply func(judgetest.Request) string
	// Seed is the failure seed; with it the 2-attempt run must have items
	// whose every attempt fails, so that the run checks real failures.
	Seed uint64
	// Workers is how many items are scored at once.
	Workers int
	// MinJudged is the fewest items that must need the judge.
	MinJudged int
	// Kept gives the components a JUDGE_FAILED item still reports, from its
	// reward with a judge that never fails; nil: none.
	Kept func(truth rewards.Reward) []rewards.Component
}

// RunBulk scores the items with a judge that never fails (the truth, which
// also gives each item's judge prompt; prompts must be distinct). Then, with
// 2 and with 4 attempts per judge, it scores them twice over one cache
// against the failing judge, in a synctest bubble. Every JUDGE_FAILED item
// must be one whose attempts all fail by judgetest.FailsAt, every SCORED
// reward must equal the truth, the judge must get exactly the calls the
// failures imply, and the second run must call it only for the items that
// failed in the first.
func RunBulk(t *testing.T, b Bulk) {
	t.Helper()
	truthJudge := judgetest.NewInProcess(judgetest.Reply(b.Reply))
	truthEnv := b.Entry(t, Judges(t, 1, nil, truthJudge))
	truth := make([]rewards.Reward, len(b.Items))
	prompts := make([]string, len(b.Items))
	byPrompt := map[string]int{}
	for i, it := range b.Items {
		before := truthJudge.Calls()
		truth[i] = Score(t, truthEnv, b.Split, it.ID, envs.TextCompletion(it.Completion), "")
		if truth[i].Status != rewards.Scored {
			t.Fatalf("truth %s: %v (%s)", it.ID, truth[i].Status, truth[i].Detail)
		}
		if truthJudge.Calls() == before {
			continue
		}
		prompts[i] = truthJudge.Requests()[before].Prompt
		if _, ok := byPrompt[prompts[i]]; ok {
			t.Fatalf("%s: a judge prompt repeats; the expectation below assumes distinct prompts", it.ID)
		}
		byPrompt[prompts[i]] = i
	}
	if len(byPrompt) < b.MinJudged {
		t.Fatalf("only %d items need the judge", len(byPrompt))
	}
	kept := func(truth rewards.Reward) []rewards.Component {
		if b.Kept == nil {
			return nil
		}
		return b.Kept(truth)
	}

	for _, attempts := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d attempts", attempts), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cache := judgetest.NewCache()
				fake := judgetest.NewInProcess(judgetest.FailRandomly(bulkFailures, b.Seed), judgetest.Reply(b.Reply))
				run := func() []rewards.Reward {
					e := b.Entry(t, Judges(t, attempts, cache, fake))
					opts := Options(t, e, "")
					out := make([]rewards.Reward, len(b.Items))
					var g errgroup.Group
					g.SetLimit(b.Workers)
					for i, it := range b.Items {
						g.Go(func() error {
							r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: b.Split, ExampleID: it.ID,
								Completion: envs.TextCompletion(it.Completion), Options: opts})
							out[i] = r
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
						if !judgetest.FailsAt(b.Seed, bulkFailures, prompts[i], a) {
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
						id := b.Items[i].ID
						switch {
						case failed:
							failedItems[i] = true
							if r.Status != rewards.JudgeFailed {
								t.Errorf("run %d item %d (%s): %v, want JUDGE_FAILED (every attempt fails)", run, i, id, r.Status)
							}
							if d := cmp.Diff(kept(truth[i]), r.Components, cmpopts.EquateEmpty()); d != "" {
								t.Errorf("run %d item %d (%s): components of the failure (-want +got):\n%s", run, i, id, d)
							}
						case r.Status != rewards.Scored:
							t.Errorf("run %d item %d (%s): %v (%s), want SCORED", run, i, id, r.Status, r.Detail)
						case r.Value != truth[i].Value || !cmp.Equal(truth[i].Components, r.Components):
							t.Errorf("run %d item %d (%s): %v %v, want %v %v as with a judge that never fails", run, i, id, r.Value, r.Components, truth[i].Value, truth[i].Components)
						}
					}
					return failedItems, calls
				}

				failed, calls := check(1, run(), func(int) int { return 1 }, func(int) bool { return false })
				if fake.Calls() != calls {
					t.Errorf("run 1: %d judge calls, want %d", fake.Calls(), calls)
				}
				if attempts == 2 && len(failed) == 0 {
					t.Fatalf("no item failed with seed %d; pick a seed that exercises failures", b.Seed)
				}
				t.Logf("%d attempts: %d items judged, %d JUDGE_FAILED, %d calls", attempts, len(byPrompt), len(failed), calls)

				before := fake.Calls()
				_, calls2 := check(2, run(), func(i int) int {
					if failed[i] {
						return attempts + 1 // the fake counts attempts per prompt across runs
					}
					return 1
				}, func(i int) bool { return !failed[i] }) // SCORED in run 1: cached
				if n := fake.Calls() - before; n != calls2 {
					t.Errorf("run 2: %d judge calls, want %d (only the items that failed)", n, calls2)
				}
				for _, rq := range fake.Requests()[before:] {
					if i, ok := byPrompt[rq.Prompt]; ok && !failed[i] {
						t.Errorf("run 2 called the judge for item %d (%s), SCORED in run 1", i, b.Items[i].ID)
					}
				}
			})
		})
	}
}
