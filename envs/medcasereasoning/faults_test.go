package medcasereasoning_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 6: the fake judge's faults (judgedenvtest.RunFaults).
func TestFakeJudge(t *testing.T) {
	const garbage = "The prediction is correct."
	yes := map[string]float64{"diagnosis_correct": 1}
	no := map[string]float64{"diagnosis_correct": 0}
	tests := []judgedenvtest.Fault{
		{Name: "yes", Give: [][]judgetest.Option{{judgetest.Replies("yes")}}, WantStatus: rewards.Scored, WantValue: 1, WantComps: yes, WantCalls: []int{1}},
		{Name: "garbage every attempt", Give: [][]judgetest.Option{{judgetest.Replies(garbage)}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"judge1: judge: unusable reply: no yes/no verdict in reply (4 attempts)"}},
		{Name: "garbage every attempt, compat", Give: [][]judgetest.Option{{judgetest.Replies(garbage)}}, Opts: `{"compat": "medmarks"}`, WantStatus: rewards.Scored, WantValue: 0, WantComps: no, WantCalls: []int{1}},
		{Name: "garbage body", Give: [][]judgetest.Option{{judgetest.Garbage()}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}},
		{Name: "garbage then no", Give: [][]judgetest.Option{{judgetest.Replies(garbage, "no")}}, WantStatus: rewards.Scored, WantValue: 0, WantComps: no, WantCalls: []int{2}},
		{Name: "timeout", Give: [][]judgetest.Option{{judgetest.Hang()}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"timed out"}},
		{Name: "500 once", Give: [][]judgetest.Option{{judgetest.Status(500, 1), judgetest.Replies("yes")}}, WantStatus: rewards.Scored, WantValue: 1, WantComps: yes, WantCalls: []int{2}},
		{Name: "500 always", Give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"HTTP 500"}},
		{Name: "500 always, compat", Give: [][]judgetest.Option{{judgetest.Status(500, 0)}}, Opts: `{"compat": "medmarks"}`, WantStatus: rewards.JudgeFailed, WantCalls: []int{4}, WantDetail: []string{"HTTP 500", "upstream would have scored 0"}},
		{Name: "two judges yes and no", Give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Replies("no")}}, WantStatus: rewards.Scored, WantValue: 0.5, WantComps: map[string]float64{"diagnosis_correct": 0.5}, WantCalls: []int{1, 1}},
		{Name: "one of two always 500", Give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Status(500, 0)}}, WantStatus: rewards.JudgeFailed, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500"}},
		{Name: "one of two always 500, quorum 1", Give: [][]judgetest.Option{{judgetest.Replies("yes")}, {judgetest.Status(500, 0)}}, Opts: `{"judge_quorum": 1}`, WantStatus: rewards.Scored, WantValue: 1, WantComps: yes, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500"}},
	}
	judgedenvtest.RunFaults(t, judgedenvtest.Target{Entry: entry, Split: "synthetic_val", ID: "SYN0002",
		Completion: answer("Systemic lupus erythematosus")}, tests)
}

func TestRetryAfter(t *testing.T) {
	judgedenvtest.RetryAfter(t, judgedenvtest.Target{Entry: entry, Split: "synthetic_val", ID: "SYN0002", Completion: answer("SLE")}, "yes")
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
			e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
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
			e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
			r := score(t, e, "SYN0015", answer("Giant cell (temporal) arteritis"), "")
			if r.Status != rewards.JudgeFailed || j.Calls() != 4 || !strings.Contains(r.Detail, "judge1: judge: unusable reply: no yes/no verdict in reply (4 attempts)") {
				t.Errorf("default: %v after %d calls (%s)", r.Status, j.Calls(), r.Detail)
			}
			j2 := judgetest.NewInProcess(judgetest.Replies("The prediction is correct."))
			e2 := entry(t, judgedenvtest.Judges(t, 4, nil, j2))
			if r := score(t, e2, "SYN0015", answer("Giant cell (temporal) arteritis"), compat); r.Status != rewards.Scored || r.Value != 0 || j2.Calls() != 1 {
				t.Errorf("compat: %v %v after %d calls", r.Status, r.Value, j2.Calls())
			}
		})
	})
}

// Acceptance 7: the 24 fixture rows × 10 completions against a judge
// failing 10% of calls at random (judgedenvtest.RunBulk).
func TestBulk(t *testing.T) {
	var items []judgedenvtest.Item
	for _, r := range medcasereasoning.Rows(realEnv(t), "synthetic_val") {
		for k := range 10 {
			c := answer(fmt.Sprintf("Candidate %d for %s", k, r.ID))
			switch k {
			case 0:
				c = answer(r.Diagnosis)
			case 9:
				c = "<think>ran out of tokens"
			}
			items = append(items, judgedenvtest.Item{ID: r.ID, Completion: c})
		}
	}
	reply := func(r judgetest.Request) string {
		if strings.EqualFold(judgedenvtest.Section(r.Prompt, "predicted_diagnosis"), judgedenvtest.Section(r.Prompt, "true_diagnosis")) || len(r.Prompt)%3 == 0 {
			return "Yes."
		}
		return "No."
	}
	judgedenvtest.RunBulk(t, judgedenvtest.Bulk{Entry: entry, Split: "synthetic_val", Items: items, Reply: reply, Seed: 3, Workers: 16})
}

// Acceptance 8: the shared conformance suite.
func TestConformance(t *testing.T) {
	e := entry(t, judgedenvtest.Judges(t, 2, nil, judgetest.NewInProcess(matchingJudge())))
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
