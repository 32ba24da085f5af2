package meddialog_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 5: the fake judge's faults, in a synctest bubble. Each case
// asserts the status, value, components and each judge's calls.
func TestFakeJudge(t *testing.T) {
	good := verdict(5, 4, 5) // 1, 0.75, 1
	tests := []struct {
		name       string
		give       [][]judgetest.Option
		opts       string
		wantStatus rewards.Status
		wantValue  float64
		wantCalls  []int
		wantDetail []string
	}{
		{name: "well formed", give: [][]judgetest.Option{{judgetest.Replies(good)}}, wantStatus: rewards.Scored, wantValue: 2.75 / 3, wantCalls: []int{1}},
		{name: "garbage body every attempt", give: [][]judgetest.Option{{judgetest.Garbage()}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"judge1", "4 attempts"}},
		{name: "unparseable every attempt", give: [][]judgetest.Option{{judgetest.Replies("A fine summary; 5/5.")}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"no JSON object in reply", "4 attempts"}},
		{name: "garbage then well formed", give: [][]judgetest.Option{{judgetest.Replies("{not json}", good)}}, wantStatus: rewards.Scored, wantValue: 2.75 / 3, wantCalls: []int{2}},
		{name: "timeout", give: [][]judgetest.Option{{judgetest.Hang()}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"timed out"}},
		{name: "500 once", give: [][]judgetest.Option{{judgetest.Status(500, 1), judgetest.Replies(good)}}, wantStatus: rewards.Scored, wantValue: 2.75 / 3, wantCalls: []int{2}},
		{name: "500 always", give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{4}, wantDetail: []string{"HTTP 500", "4 attempts"}},
		{name: "two judges, one always 500", give: [][]judgetest.Option{{judgetest.Replies(good)}, {judgetest.Status(500, 0)}}, wantStatus: rewards.JudgeFailed, wantCalls: []int{1, 4}, wantDetail: []string{"judge2: HTTP 500"}},
		{name: "two judges, one always 500, quorum 1", give: [][]judgetest.Option{{judgetest.Replies(good)}, {judgetest.Status(500, 0)}}, opts: `{"judge_quorum": 1}`, wantStatus: rewards.Scored, wantValue: 2.75 / 3, wantCalls: []int{1, 4}, wantDetail: []string{"judge2: HTTP 500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var servers []*judgetest.Server
				for _, o := range tt.give {
					servers = append(servers, judgetest.NewInProcess(o...))
				}
				e := entry(t, judges(t, 4, judgetest.NewCache(), servers...))
				r := score(t, e, "icliniq-44", "Should I keep brushing while my gums bleed after my braces were removed?", tt.opts)
				if r.Status != tt.wantStatus || r.Status == rewards.Scored && !near(r.Value, tt.wantValue) {
					t.Errorf("reward %v %v (%s); want %v %v", r.Status, r.Value, r.Detail, tt.wantStatus, tt.wantValue)
				}
				if r.Status == rewards.Scored && (len(r.Components) != 3 || !near(comps(r)["completeness"], 0.75)) {
					t.Errorf("components %v", r.Components)
				}
				if r.Status != rewards.Scored && len(r.Components) != 0 {
					t.Errorf("components of a failure: %v", r.Components)
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
					again := score(t, e, "icliniq-44", "Should I keep brushing while my gums bleed after my braces were removed?", tt.opts)
					if again.Value != r.Value || servers[0].Calls() != tt.wantCalls[0] {
						t.Errorf("second Score: %v, %d calls to judge1 (want no new call)", again.Value, servers[0].Calls())
					}
				}
			})
		})
	}
}

func TestRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.RateLimited(1, "2"), judgetest.Replies(verdict(5, 5, 5)))
		e := entry(t, judges(t, 4, nil, j))
		r := score(t, e, "icliniq-44", "Bleeding gums after braces?", "")
		if r.Status != rewards.Scored || r.Value != 1 {
			t.Fatalf("%v %v (%s)", r.Status, r.Value, r.Detail)
		}
		reqs := j.Requests()
		if len(reqs) != 2 || reqs[0].Fault != "429" || reqs[1].At.Sub(reqs[0].At) < 2*time.Second {
			t.Errorf("calls %d, first %q, gap %v; want the retry ≥ 2s after the 429", len(reqs), reqs[0].Fault, reqs[len(reqs)-1].At.Sub(reqs[0].At))
		}
	})
}

// Worked examples of med_dialog.md §9.
func TestWorkedExamples(t *testing.T) {
	t.Run("9.1 icliniq-44", func(t *testing.T) {
		r := rowOf(t, "icliniq-44")
		if r.FileID != "20997" || r.Tgt != "Why is there continuous bleeding while brushing after removal of braces?" {
			t.Fatalf("row %+v", r)
		}
		j := judgetest.NewInProcess(judgetest.Replies(`{"accuracy": {"explanation": "Captures the bleeding after brace removal and the question about brushing.", "score": 5},
 "completeness": {"explanation": "Does not say the bleeding is heavy and persistent on every brushing.", "score": 4},
 "clarity": {"explanation": "Clear single question.", "score": 5}}`))
		e := entry(t, judges(t, 4, nil, j))
		const give = "Should I keep brushing my teeth while my gums bleed heavily after my braces were removed today?"
		got := score(t, e, "icliniq-44", give, "")
		c := comps(got)
		if got.Status != rewards.Scored || !near(got.Value, 0.9166666666666666) || c["accuracy"] != 1 || c["completeness"] != 0.75 || c["clarity"] != 1 {
			t.Errorf("%v %v %v (%s)", got.Status, got.Value, c, got.Detail)
		}
		p := j.Requests()[0].Prompt
		if section(p, "response") != give || section(p, "gold_response") != r.Tgt || section(p, "conversation") != r.Src {
			t.Error("judge prompt sections")
		}
		for _, s := range []string{"accuracy 5 (Captures the bleeding", "completeness 4", give} {
			if !strings.Contains(got.Detail, s) {
				t.Errorf("detail lacks %q: %s", s, got.Detail)
			}
		}
	})
	t.Run("9.2 icliniq-361", func(t *testing.T) {
		if r := rowOf(t, "icliniq-361"); r.FileID != "20290" || r.Tgt != "My armpits are gray, itchy and scabby. Why?" {
			t.Fatalf("row %+v", r)
		}
		const clean = "What is causing the recurrent gray, itchy, scabby rash covering my armpits and spreading to my sides and shoulders?"
		a := judgetest.NewInProcess(judgetest.Replies(verdict(4, 4, 5)))
		b := judgetest.NewInProcess(judgetest.Replies(verdict(3, 4, 4)))
		e := entry(t, judges(t, 4, nil, a, b))
		c := envs.Completion{Messages: []envs.Message{{Role: "assistant", ReasoningContent: "…",
			Content: "<think>Recurrent rash in the armpits with heavy sweating; the doctor suspects fungus.</think>" + clean}}}
		got := scoreC(t, e, "icliniq-361", c, `{"use_think": true}`)
		cs := comps(got)
		if got.Status != rewards.Scored || !near(got.Value, 0.75) || !near(cs["accuracy"], 0.625) || !near(cs["completeness"], 0.75) || !near(cs["clarity"], 0.875) {
			t.Errorf("%v %v %v (%s)", got.Status, got.Value, cs, got.Detail)
		}
		for _, j := range []*judgetest.Server{a, b} {
			if p := j.Requests()[0].Prompt; section(p, "response") != clean || strings.Contains(p, "Recurrent rash in the armpits") {
				t.Errorf("response %q", section(p, "response"))
			}
		}
	})
	t.Run("9.3 icliniq-256", func(t *testing.T) {
		if r := rowOf(t, "icliniq-256"); r.FileID != "8472" || r.Tgt != "What are the possible ways to get rid of genital warts?" {
			t.Fatalf("row %+v", r)
		}
		const give = "I have genital warts with redness after home remedies and want to know how to treat them."
		const reply = `{"accuracy": {"explanation": "…", "score": 4}, "completeness": {"explanation": "…", "score": 3}}`
		synctest.Test(t, func(t *testing.T) {
			j := judgetest.NewInProcess(judgetest.Replies(reply))
			e := entry(t, judges(t, 4, nil, j))
			got := score(t, e, "icliniq-256", give, "")
			if got.Status != rewards.JudgeFailed || !strings.Contains(got.Detail, "judge1: judge: unusable reply: reply lacks clarity (4 attempts)") || j.Calls() != 4 {
				t.Errorf("default: %v after %d calls (%s)", got.Status, j.Calls(), got.Detail)
			}
		})
		j := judgetest.NewInProcess(judgetest.Replies(reply))
		e := entry(t, judges(t, 4, nil, j))
		got := score(t, e, "icliniq-256", give, `{"compat": "medmarks"}`)
		cs := comps(got)
		if got.Status != rewards.Scored || !near(got.Value, 0.625) || cs["accuracy"] != 0.75 || cs["completeness"] != 0.5 || cs["clarity"] != 0.625 || j.Calls() != 1 {
			t.Errorf("compat: %v %v %v (%s)", got.Status, got.Value, cs, got.Detail)
		}
	})
	t.Run("9.4 icliniq-3", func(t *testing.T) {
		if r := rowOf(t, "icliniq-3"); r.FileID != "13154" || r.Tgt != "How long should my husband and I wait to try for a baby if we did cocaine?" {
			t.Fatalf("row %+v", r)
		}
		const give = "How long after using cocaine should my husband and I wait before trying to conceive?"
		const reply = `{"accuracy": {"explanation": "…", "score": 7}, "completeness": {"explanation": "…", "score": "4"}, "clarity": {"explanation": "…", "score": 0}}`
		for _, opts := range []string{"", `{"compat": "medmarks"}`} {
			j := judgetest.NewInProcess(judgetest.Replies(reply))
			e := entry(t, judges(t, 4, judgetest.NewCache(), j))
			got := score(t, e, "icliniq-3", give, opts)
			cs := comps(got)
			if got.Status != rewards.Scored || !near(got.Value, 0.5833333333333334) || cs["accuracy"] != 1 || cs["completeness"] != 0.75 || cs["clarity"] != 0 {
				t.Errorf("%s: %v %v %v (%s)", opts, got.Status, got.Value, cs, got.Detail)
			}
			// icliniq-10 repeats the dialogue: the same completion is
			// answered from the judge cache.
			again := score(t, e, "icliniq-10", give, opts)
			if again.Value != got.Value || j.Calls() != 1 {
				t.Errorf("%s: icliniq-10 %v after %d calls, want the cached verdict", opts, again.Value, j.Calls())
			}
		}
	})
}
