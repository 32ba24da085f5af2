package judgedenvtest

import (
	"maps"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Target is what a fault test scores: the env, registered by Entry with
// judge j, and one completion of one row.
type Target struct {
	Entry                 func(tb testing.TB, j envs.Judge) *envs.Entry
	Split, ID, Completion string
}

func (tg Target) score(tb testing.TB, e *envs.Entry, opts string) rewards.Reward {
	tb.Helper()
	return Score(tb, e, tg.Split, tg.ID, envs.TextCompletion(tg.Completion), opts)
}

// Fault is one case of RunFaults.
type Fault struct {
	Name string
	// Give has the options of each fake judge, one list per judge.
	Give       [][]judgetest.Option
	Opts       string
	WantStatus rewards.Status
	// WantValue is the reward's value when SCORED.
	WantValue float64
	// WantComps are the reward's components by name (nil: none).
	WantComps map[string]float64
	// WantCalls are the calls each judge receives.
	WantCalls  []int
	WantDetail []string
}

// RunFaults scores tg once per case against fake judges with faults, with
// up to 4 attempts per judge and a cache, in a synctest bubble so that
// backoff, timeouts and Retry-After take no real time. It checks the
// status, value and components, each judge's calls and the detail; a
// SCORED item scored again must be answered from the cache, with no new
// call to the first judge.
func RunFaults(t *testing.T, tg Target, tests []Fault) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var servers []*judgetest.Server
				for _, o := range tt.Give {
					servers = append(servers, judgetest.NewInProcess(o...))
				}
				e := tg.Entry(t, Judges(t, 4, judgetest.NewCache(), servers...))
				r := tg.score(t, e, tt.Opts)
				got := Components(r)
				if r.Status != tt.WantStatus || r.Status == rewards.Scored && r.Value != tt.WantValue ||
					len(r.Components) != len(tt.WantComps) || !maps.Equal(tt.WantComps, got) {
					t.Errorf("reward %v %v %v (%s); want %v %v %v", r.Status, r.Value, got, r.Detail, tt.WantStatus, tt.WantValue, tt.WantComps)
				}
				for _, s := range tt.WantDetail {
					if !strings.Contains(r.Detail, s) {
						t.Errorf("detail lacks %q:\n%s", s, r.Detail)
					}
				}
				for i, s := range servers {
					if s.Calls() != tt.WantCalls[i] {
						t.Errorf("judge%d calls %d, want %d", i+1, s.Calls(), tt.WantCalls[i])
					}
				}
				if r.Status != rewards.Scored {
					return
				}
				again := tg.score(t, e, tt.Opts)
				if again.Status != r.Status || again.Value != r.Value {
					t.Errorf("second Score %v %v, first %v %v", again.Status, again.Value, r.Status, r.Value)
				}
				if n := servers[0].Calls() - tt.WantCalls[0]; n != 0 {
					t.Errorf("second Score made %d new calls to judge1, want 0 (the cached verdict)", n)
				}
			})
		})
	}
}

// RetryAfter checks that a 429 with Retry-After: 2 holds the next call back
// 2 s (in a synctest bubble), after which tg scores 1 with the judge's
// reply.
func RetryAfter(t *testing.T, tg Target, reply string) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.RateLimited(1, "2"), judgetest.Replies(reply))
		r := tg.score(t, tg.Entry(t, Judges(t, 4, nil, j)), "")
		if r.Status != rewards.Scored || r.Value != 1 {
			t.Fatalf("reward %v %v (%s)", r.Status, r.Value, r.Detail)
		}
		reqs := j.Requests()
		if len(reqs) != 2 || reqs[0].Fault != "429" {
			t.Fatalf("calls %+v", reqs)
		}
		if gap := reqs[1].At.Sub(reqs[0].At); gap < 2*time.Second {
			t.Errorf("second call %v after the 429, want ≥ 2s", gap)
		}
	})
}
