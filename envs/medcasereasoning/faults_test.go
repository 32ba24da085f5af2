package medcasereasoning_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 6: the fake judge's faults, in a synctest bubble.
func TestFakeJudge(t *testing.T) {
	const garbage = "The prediction is correct."
	tests := []struct {
		name       string
		give       [][]judgetest.Option
		opts       string
		wantStatus rewards.Status
		wantValue  float64
		wantCalls  []int
		wantDetail []string
	}{
		{name: "yes", give: [][]judgetest.Option{{judgetest.Replies("yes")}}, wantStatus: rewards.Scored, wantValue: 1, wantCalls: []int{1}},
		{name: "garbage every attempt", give: [][]judgetest.Option{{judgetest.Replies(garbage)}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"judge1: judge: unusable reply: no yes/no verdict in reply (4 attempts)"}},
		{name: "garbage every attempt, compat", give: [][]judgetest.Option{{judgetest.Replies(garbage)}}, opts: `{"compat": "medmarks"}`, wantStatus: rewards.Scored, wantValue: 0, wantCalls: []int{1}},
		{name: "garbage body", give: [][]judgetest.Option{{judgetest.Garbage()}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}},
		{name: "garbage then no", give: [][]judgetest.Option{{judgetest.Replies(garbage, "no")}}, wantStatus: rewards.Scored, wantValue: 0, wantCalls: []int{2}},
		{name: "timeout", give: [][]judgetest.Option{{judgetest.Hang()}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"timed out"}},
		{name: "500 once", give: [][]judgetest.Option{{judgetest.Status(500, 1), judgetest.Replies("yes")}}, wantStatus: rewards.Scored, wantValue: 1, wantCalls: []int{2}},
		{name: "500 always", give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"HTTP 500"}},
		{name: "500 always, compat", give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, opts: `{"compat": "medmarks"}`, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"HTTP 500", "upstream would have scored 0"}},
		{name: "two judges yes and no", give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Replies("no")}}, wantStatus: rewards.Scored, wantValue: 0.5, wantCalls: []int{1, 1}},
		{name: "one of two always 500", give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Status(500, 0)}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{1, 4}, wantDetail: []string{"judge2: HTTP 500"}},
		{name: "one of two always 500, quorum 1", give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Status(500, 0)}}, opts: `{"judge_quorum": 1}`, wantStatus: rewards.Scored, wantValue: 1, wantCalls: []int{1, 4}, wantDetail: []string{"judge2: HTTP 500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var servers []*judgetest.Server
				for _, o := range tt.give {
					servers = append(servers, judgetest.NewInProcess(o...))
				}
				e := entry(t, judges(t, 4, judgetest.NewCache(), servers...))
				r := score(t, e, "SYN0002", answer("Systemic lupus erythematosus"), tt.opts)
				if r.Status != tt.wantStatus || r.Status == rewards.Scored && (r.Value != tt.wantValue || len(r.Components) != 1 || r.Components[0].Value != tt.wantValue) {
					t.Errorf("%v %v %v (%s); want %v %v", r.Status, r.Value, r.Components, r.Detail, tt.wantStatus, tt.wantValue)
				}
				for _, s := range tt.wantDetail {
					if !strings.Contains(r.Detail, s) {
						t.Errorf("detail lacks %q:\n%s", s, r.Detail)
					}
				}
				for i, s := range servers {
					if s.Calls() != tt.wantCalls[i] {
						t.Errorf("judge%d calls %d, want %d", i+1, s.Calls(), tt.wantCalls[i])
					}
				}
				if r.Status == rewards.Scored {
					again := score(t, e, "SYN0002", answer("Systemic lupus erythematosus"), tt.opts)
					if again.Value != r.Value || servers[0].Calls() != tt.wantCalls[0] {
						t.Errorf("second Score %v, judge1 calls %d: want the cached verdict", again.Value, servers[0].Calls())
					}
				}
			})
		})
	}
}

func TestRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.RateLimited(1, "2"), judgetest.Replies("yes"))
		e := entry(t, judges(t, 4, nil, j))
		r := score(t, e, "SYN0002", answer("SLE"), "")
		reqs := j.Requests()
		if r.Status != rewards.Scored || r.Value != 1 || len(reqs) != 2 || reqs[1].At.Sub(reqs[0].At) < 2*time.Second {
			t.Errorf("%v %v, %d calls (%s)", r.Status, r.Value, len(reqs), r.Detail)
		}
	})
}

// Worked examples of medcasereasoning.md §9.
func TestWorkedExamples(t *testing.T) {
	compat := `{"compat": "medmarks"}`
	tests := []struct {
		name, id, give, reply string
		want, wantCompat      float64
		wantCalls             int
	}{
		{"9.1 SYN0002 abbreviation", "SYN0002", "<think>Multisystem disease with serositis, nephritis, cytopenias and anti-dsDNA …</think>\n<answer>Systemic lupus erythematosus with lupus nephritis</answer>", "Yes", 1, 1, 1},
		{"9.2 SYN0003 no inside words", "SYN0003", answer("Nocardiosis (pulmonary, with brain abscess)"), "Yes. Both name the same diagnosis: nocardial lung infection.", 1, 0, 1},
		{"9.3 SYN0004 wrong", "SYN0004", answer("Trousseau syndrome"), "No", 0, 0, 1},
		{"9.3 SYN0004 right", "SYN0004", answer("Adenocarcinoma of the pancreatic body"), "yes", 1, 1, 1},
		{"9.4 SYN0015 cut off", "SYN0015", "<think>Temporal headache, jaw claudication, ESR 90", "yes", 0, 0, 0},
	}
	for _, tt := range tests {
		for _, opts := range []string{"", compat} {
			j := judgetest.NewInProcess(judgetest.Replies(tt.reply))
			e := entry(t, judges(t, 4, nil, j))
			r := score(t, e, tt.id, tt.give, opts)
			want := tt.want
			if opts != "" {
				want = tt.wantCompat
			}
			if r.Status != rewards.Scored || r.Value != want || j.Calls() != tt.wantCalls {
				t.Errorf("%s %s: %v %v after %d calls (%s)", tt.name, opts, r.Status, r.Value, j.Calls(), r.Detail)
			}
		}
	}
	if g := rowOf(t, "SYN0002").Diagnosis; g != "SLE" {
		t.Errorf("SYN0002 gold %q", g)
	}
	t.Run("9.4 SYN0015 off-format judge", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			j := judgetest.NewInProcess(judgetest.Replies("The prediction is correct."))
			e := entry(t, judges(t, 4, nil, j))
			r := score(t, e, "SYN0015", answer("Giant cell (temporal) arteritis"), "")
			if r.Status != rewards.JudgeFailed || j.Calls() != 4 || !strings.Contains(r.Detail, "judge1: judge: unusable reply: no yes/no verdict in reply (4 attempts)") {
				t.Errorf("default: %v after %d calls (%s)", r.Status, j.Calls(), r.Detail)
			}
			j2 := judgetest.NewInProcess(judgetest.Replies("The prediction is correct."))
			e2 := entry(t, judges(t, 4, nil, j2))
			if r := score(t, e2, "SYN0015", answer("Giant cell (temporal) arteritis"), compat); r.Status != rewards.Scored || r.Value != 0 || j2.Calls() != 1 {
				t.Errorf("compat: %v %v after %d calls", r.Status, r.Value, j2.Calls())
			}
		})
	})
}

// bulkSeed is the fake's failure seed; with it the 2-attempt run has items
// whose every attempt fails.
const bulkSeed = 3

// Acceptance 7: the 24 fixture rows × 10 completions against a judge
// failing 10% of calls at random.
func TestBulk(t *testing.T) {
	rows := medcasereasoning.Rows(realEnv(t), "synthetic_val")
	type item struct{ id, completion string }
	var items []item
	for _, r := range rows {
		for k := range 10 {
			c := answer(fmt.Sprintf("Candidate %d for %s", k, r.ID))
			switch k {
			case 0:
				c = answer(r.Diagnosis)
			case 9:
				c = "<think>ran out of tokens"
			}
			items = append(items, item{r.ID, c})
		}
	}
	reply := judgetest.Reply(func(r judgetest.Request) string {
		if strings.EqualFold(section(r.Prompt, "predicted_diagnosis"), section(r.Prompt, "true_diagnosis")) || len(r.Prompt)%3 == 0 {
			return "Yes."
		}
		return "No."
	})
	truthJudge := judgetest.NewInProcess(reply)
	truthEnv := entry(t, judges(t, 1, nil, truthJudge))
	truth := make([]rewards.Reward, len(items))
	prompts := make([]string, len(items))
	for i, it := range items {
		before := truthJudge.Calls()
		truth[i] = score(t, truthEnv, it.id, it.completion, "")
		if truthJudge.Calls() > before {
			prompts[i] = truthJudge.Requests()[before].Prompt
		}
	}
	for _, attempts := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d attempts", attempts), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cache := judgetest.NewCache()
				fake := judgetest.NewInProcess(judgetest.FailRandomly(0.1, bulkSeed), reply)
				run := func() []rewards.Reward {
					e := entry(t, judges(t, attempts, cache, fake))
					out := make([]rewards.Reward, len(items))
					var g errgroup.Group
					g.SetLimit(16)
					for i, it := range items {
						g.Go(func() error {
							r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "synthetic_val", ExampleID: it.id,
								Completion: envs.TextCompletion(it.completion), Options: parse(t, e, "")})
							out[i] = r
							return err
						})
					}
					if err := g.Wait(); err != nil {
						t.Fatal(err)
					}
					return out
				}
				expect := func(i, first int) (bool, int) {
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
							if r.Status != rewards.JudgeFailed {
								t.Errorf("run %d item %d: %v, want JUDGE_FAILED", run, i, r.Status)
							}
						case r.Status != rewards.Scored || r.Value != truth[i].Value:
							t.Errorf("run %d item %d: %v %v, want SCORED %v", run, i, r.Status, r.Value, truth[i].Value)
						}
					}
					return failed, calls
				}
				failed, calls := check(1, run(), func(int) int { return 1 }, func(int) bool { return false })
				if fake.Calls() != calls {
					t.Errorf("run 1: %d calls, want %d", fake.Calls(), calls)
				}
				if attempts == 2 && len(failed) == 0 {
					t.Fatalf("no item failed with seed %d; pick a seed that exercises failures", bulkSeed)
				}
				t.Logf("%d attempts: %d JUDGE_FAILED, %d calls", attempts, len(failed), calls)
				before := fake.Calls()
				_, calls2 := check(2, run(), func(i int) int {
					if failed[i] {
						return attempts + 1
					}
					return 1
				}, func(i int) bool { return !failed[i] })
				if n := fake.Calls() - before; n != calls2 {
					t.Errorf("run 2: %d calls, want %d", n, calls2)
				}
			})
		})
	}
}

// Acceptance 8: the shared conformance suite.
func TestConformance(t *testing.T) {
	e := entry(t, judges(t, 2, nil, judgetest.NewInProcess(matchingJudge())))
	msg := func(s string) []envs.Message { return []envs.Message{{Role: "assistant", Content: s}} }
	envtest.RunConformance(t, envtest.Suite{
		Entry: e,
		Gold: func(tb testing.TB, st envs.Start) []envs.Message {
			return msg(answer(rowOf(tb, st.ExampleID).Diagnosis))
		},
		Wrong: func(tb testing.TB, st envs.Start) []envs.Message {
			return msg(answer("Something else"))
		},
	})
}
