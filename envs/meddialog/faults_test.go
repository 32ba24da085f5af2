package meddialog_test

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 5: the fake judge's faults (judgedenvtest.RunFaults).
func TestFakeJudge(t *testing.T) {
	good := verdict(5, 4, 5) // 1, 0.75, 1
	comps := map[string]float64{"accuracy": 1, "completeness": 0.75, "clarity": 1}
	tests := []judgedenvtest.Fault{
		{Name: "well formed", Give: [][]judgetest.Option{{judgetest.Replies(good)}}, WantStatus: rewards.Scored, WantValue: 2.75 / 3, WantComps: comps, WantCalls: []int{1}},
		{Name: "garbage body every attempt", Give: [][]judgetest.Option{{judgetest.Garbage()}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"judge1", "4 attempts"}},
		{Name: "unparseable every attempt", Give: [][]judgetest.Option{{judgetest.Replies("A fine summary; 5/5.")}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"no JSON object in reply", "4 attempts"}},
		{Name: "garbage then well formed", Give: [][]judgetest.Option{{judgetest.Replies("{not json}", good)}}, WantStatus: rewards.Scored, WantValue: 2.75 / 3, WantComps: comps, WantCalls: []int{2}},
		{Name: "timeout", Give: [][]judgetest.Option{{judgetest.Hang()}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"timed out"}},
		{Name: "500 once", Give: [][]judgetest.Option{{judgetest.Status(500, 1), judgetest.Replies(good)}}, WantStatus: rewards.Scored, WantValue: 2.75 / 3, WantComps: comps, WantCalls: []int{2}},
		{Name: "500 always", Give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"HTTP 500", "4 attempts"}},
		{Name: "two judges, one always 500", Give: [][]judgetest.Option{{judgetest.Replies(good)}, {judgetest.Status(500, 0)}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500"}},
		{Name: "two judges, one always 500, quorum 1", Give: [][]judgetest.Option{{judgetest.Replies(good)}, {judgetest.Status(500, 0)}}, Opts: `{"judge_quorum": 1}`, WantStatus: rewards.Scored, WantValue: 2.75 / 3, WantComps: comps, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500"}},
	}
	judgedenvtest.RunFaults(t, judgedenvtest.Target{Entry: entry, Split: "test", ID: "icliniq-44",
		Completion: "Should I keep brushing while my gums bleed after my braces were removed?"}, tests)
}

func TestRetryAfter(t *testing.T) {
	judgedenvtest.RetryAfter(t, judgedenvtest.Target{Entry: entry, Split: "test", ID: "icliniq-44", Completion: "Bleeding gums after braces?"}, verdict(5, 5, 5))
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
		e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
		const give = "Should I keep brushing my teeth while my gums bleed heavily after my braces were removed today?"
		got := score(t, e, "icliniq-44", give, "")
		c := judgedenvtest.Components(got)
		if got.Status != rewards.Scored || !near(got.Value, 0.9166666666666666) || c["accuracy"] != 1 || c["completeness"] != 0.75 || c["clarity"] != 1 {
			t.Errorf("%v %v %v (%s)", got.Status, got.Value, c, got.Detail)
		}
		p := j.Requests()[0].Prompt
		if judgedenvtest.Section(p, "response") != give || judgedenvtest.Section(p, "gold_response") != r.Tgt || judgedenvtest.Section(p, "conversation") != r.Src {
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
		e := entry(t, judgedenvtest.Judges(t, 4, nil, a, b))
		c := envs.Completion{Messages: []envs.Message{{Role: "assistant", ReasoningContent: "…",
			Content: "<think>Recurrent rash in the armpits with heavy sweating; the doctor suspects fungus.</think>" + clean}}}
		got := scoreC(t, e, "icliniq-361", c, `{"use_think": true}`)
		cs := judgedenvtest.Components(got)
		if got.Status != rewards.Scored || !near(got.Value, 0.75) || !near(cs["accuracy"], 0.625) || !near(cs["completeness"], 0.75) || !near(cs["clarity"], 0.875) {
			t.Errorf("%v %v %v (%s)", got.Status, got.Value, cs, got.Detail)
		}
		for _, j := range []*judgetest.Server{a, b} {
			if p := j.Requests()[0].Prompt; judgedenvtest.Section(p, "response") != clean || strings.Contains(p, "Recurrent rash in the armpits") {
				t.Errorf("response %q", judgedenvtest.Section(p, "response"))
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
			e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
			got := score(t, e, "icliniq-256", give, "")
			if got.Status != rewards.JudgeFailed || !strings.Contains(got.Detail, "judge1: judge: unusable reply: reply lacks clarity (4 attempts)") || j.Calls() != 4 {
				t.Errorf("default: %v after %d calls (%s)", got.Status, j.Calls(), got.Detail)
			}
		})
		j := judgetest.NewInProcess(judgetest.Replies(reply))
		e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
		got := score(t, e, "icliniq-256", give, `{"compat": "medmarks"}`)
		cs := judgedenvtest.Components(got)
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
			e := entry(t, judgedenvtest.Judges(t, 4, judgetest.NewCache(), j))
			got := score(t, e, "icliniq-3", give, opts)
			cs := judgedenvtest.Components(got)
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
