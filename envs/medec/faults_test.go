package medec_test

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/judgedenv/judgedenvtest"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Acceptance 7: the fake judge's faults (judgedenvtest.RunFaults).
func TestFakeJudge(t *testing.T) {
	fix := gold(t, "test_ms", "ms-test-474")
	partial := map[string]float64{"error_flag": 1, "error_sentence": 1}
	full := map[string]float64{"error_flag": 1, "error_sentence": 1, "error_correction": 1}
	tests := []judgedenvtest.Fault{
		{Name: "well formed", Give: [][]judgetest.Option{{judgetest.Replies(goodReply)}},
			WantStatus: rewards.Scored, WantValue: 1, WantComps: full, WantCalls: []int{1}},
		{Name: "garbage body every attempt", Give: [][]judgetest.Option{{judgetest.Garbage()}},
			WantStatus: rewards.JudgeFailed, WantComps: partial, WantCalls: []int{4}, WantDetail: []string{"judge1", "4 attempts"}},
		{Name: "unparseable reply every attempt", Give: [][]judgetest.Option{{judgetest.Replies("The sentence looks right.")}},
			WantStatus: rewards.JudgeFailed, WantComps: partial, WantCalls: []int{4}, WantDetail: []string{"judge1", "no <semantically_correct> tag", "4 attempts"}},
		{Name: "garbage then well formed", Give: [][]judgetest.Option{{judgetest.Replies("<semantically_correct>maybe</semantically_correct>", goodReply)}},
			WantStatus: rewards.Scored, WantValue: 1, WantComps: full, WantCalls: []int{2}},
		{Name: "timeout", Give: [][]judgetest.Option{{judgetest.Hang()}},
			WantStatus: rewards.JudgeFailed, WantComps: partial, WantCalls: []int{4}, WantDetail: []string{"timed out", "4 attempts"}},
		{Name: "500 once", Give: [][]judgetest.Option{{judgetest.Status(500, 1), judgetest.Replies(goodReply)}},
			WantStatus: rewards.Scored, WantValue: 1, WantComps: full, WantCalls: []int{2}},
		{Name: "500 always", Give: [][]judgetest.Option{{judgetest.Status(500, 0)}},
			WantStatus: rewards.JudgeFailed, WantComps: partial, WantCalls: []int{4}, WantDetail: []string{"HTTP 500", "4 attempts"}},
		{Name: "two judges, one always 500", Give: [][]judgetest.Option{{judgetest.Replies(goodReply)}, {judgetest.Status(500, 0)}},
			WantStatus: rewards.JudgeFailed, WantComps: partial, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500", "judge1: 1"}},
		{Name: "two judges, one always 500, quorum 1", Give: [][]judgetest.Option{{judgetest.Replies(goodReply)}, {judgetest.Status(500, 0)}}, Opts: `{"judge_quorum": 1}`,
			WantStatus: rewards.Scored, WantValue: 1, WantComps: full, WantCalls: []int{1, 4}, WantDetail: []string{"judge2: HTTP 500"}},
		{Name: "two judges averaged", Give: [][]judgetest.Option{{judgetest.Replies(goodReply)}, {judgetest.Replies(rubricReply(true, false, false, false))}},
			WantStatus: rewards.Scored, WantValue: 0.5 + 0.5*0.875, WantComps: map[string]float64{"error_flag": 1, "error_sentence": 1, "error_correction": 0.875}, WantCalls: []int{1, 1}},
	}
	judgedenvtest.RunFaults(t, judgedenvtest.Target{Entry: entry, Split: "test_ms", ID: "ms-test-474",
		Completion: answerOf("3", fix.ErrorSentence, fix.Corrected)}, tests)
}

// A 429 with Retry-After: 2 holds the next call back 2 s, then the reward
// is SCORED.
func TestRetryAfter(t *testing.T) {
	fix := gold(t, "test_ms", "ms-test-474")
	judgedenvtest.RetryAfter(t, judgedenvtest.Target{Entry: entry, Split: "test_ms", ID: "ms-test-474",
		Completion: answerOf("3", "", fix.Corrected)}, goodReply)
}

// Worked examples of medec.md §9.
func TestWorkedExamples(t *testing.T) {
	t.Run("9.1 ms-test-474", func(t *testing.T) {
		for _, opts := range []string{"", `{"compat": "medmarks"}`} {
			j := judgetest.NewInProcess(judgetest.Replies("<analysis>Same drug and same claim as the reference; nothing added; nothing false.</analysis>\n<semantically_correct>true</semantically_correct>\n<matches_details>true</matches_details>\n<substantive_addition>false</substantive_addition>\n<critical_error>false</critical_error>"))
			e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
			give := "Miosis and respiratory depression with track marks point to opioid overdose; flumazenil reverses benzodiazepines.\n" +
				answerOf("3", "Flumazenil would have been appropriate to administer.", "Naloxone would have been appropriate to administer.")
			r := score(t, e, "test_ms", "ms-test-474", give, opts)
			if r.Status != rewards.Scored || r.Value != 1 || j.Calls() != 1 {
				t.Errorf("%s: %v %v, %d calls (%s)", opts, r.Status, r.Value, j.Calls(), r.Detail)
			}
			p := j.Requests()[0].Prompt
			wantCtx := "0 A 35-year-old male is picked up by paramedics presenting with respiratory depression, pupillary constriction, and seizures.\n1 Within a few minutes, the male dies.\n2 On autopsy, fresh tracks marks are seen on both arms.\n3 [MISSING SENTENCE]"
			if opts != "" {
				wantCtx = ""
			}
			if judgedenvtest.Section(p, "context") != wantCtx || judgedenvtest.Section(p, "reference_answer") != "Naloxone would have been appropriate to administer." ||
				judgedenvtest.Section(p, "assistant_answer") != "Naloxone would have been appropriate to administer." {
				t.Errorf("%s: prompt sections %q / %q / %q", opts, judgedenvtest.Section(p, "context"), judgedenvtest.Section(p, "reference_answer"), judgedenvtest.Section(p, "assistant_answer"))
			}
			for _, s := range []string{"error at sentence 3", "semantically_correct true", "Same drug"} {
				if !strings.Contains(r.Detail, s) {
					t.Errorf("detail lacks %q: %s", s, r.Detail)
				}
			}
		}
	})
	t.Run("9.2 ms-test-112", func(t *testing.T) {
		g := gold(t, "test_ms", "ms-test-112")
		if g.ErrID != 2 || g.ErrorSentence != "Patient is diagnosed with melanoma." || g.Corrected != "Patient is diagnosed with seborrheic keratosis." {
			t.Fatalf("gold %+v", g)
		}
		j := judgetest.NewInProcess(judgetest.Replies(rubricReply(false, false, false, true)))
		e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
		r := score(t, e, "test_ms", "ms-test-112", answerOf("2", "Patient is diagnosed with melanoma.", "Patient is diagnosed with actinic keratosis."), "")
		if r.Status != rewards.Scored || r.Value != 0.625 || judgedenvtest.Components(r)["error_correction"] != 0.25 || j.Calls() != 1 {
			t.Errorf("%v %v %v (%s)", r.Status, r.Value, judgedenvtest.Components(r), r.Detail)
		}
		if p := j.Requests()[0].Prompt; !strings.Contains(judgedenvtest.Section(p, "context"), "2 [MISSING SENTENCE]") || strings.Contains(p, "melanoma") {
			t.Errorf("context %q", judgedenvtest.Section(p, "context"))
		}
	})
	t.Run("9.3 ms-test-475", func(t *testing.T) {
		j := judgetest.NewInProcess()
		e := entry(t, judgedenvtest.Judges(t, 4, nil, j))
		tests := []struct {
			give, opts string
			want       float64
		}{
			{"<error_id>CORRECT</error_id><incorrect_sentence>N/A</incorrect_sentence><correction>N/A</correction>", "", 1},
			{"<error_id>CORRECT</error_id><incorrect_sentence>N/A</incorrect_sentence><correction>N/A</correction>", `{"compat": "medmarks"}`, 1},
			{"<error_id>INCORRECT</error_id><incorrect_sentence></incorrect_sentence><correction></correction>", "", 0},
			{"<error_id>INCORRECT</error_id><incorrect_sentence></incorrect_sentence><correction></correction>", `{"compat": "medmarks"}`, 1},
		}
		for _, tt := range tests {
			if r := score(t, e, "test_ms", "ms-test-475", tt.give, tt.opts); r.Status != rewards.Scored || r.Value != tt.want {
				t.Errorf("%s %s: %v %v (%s)", tt.give, tt.opts, r.Status, r.Value, r.Detail)
			}
		}
		if j.Calls() != 0 {
			t.Errorf("%d judge calls, want 0", j.Calls())
		}
	})
	t.Run("9.4 ms-test-0", func(t *testing.T) {
		g := gold(t, "test_ms", "ms-test-0")
		if g.ErrID != 10 || g.ErrorType != "causalOrganism" || g.Corrected != "Patient's symptoms are suspected to be due to Schistosoma mansoni." {
			t.Fatalf("gold %+v", g)
		}
		give := answerOf("10", g.ErrorSentence, "Patient's symptoms are suspected to be due to Schistosoma mansoni.")
		tests := []struct {
			opts       string
			wantStatus rewards.Status
			wantComps  map[string]float64
			wantDetail []string
		}{
			{"", rewards.JudgeFailed, map[string]float64{"error_flag": 1, "error_sentence": 1}, []string{"judge2: HTTP 500", "4 attempts", "judge1: 1"}},
			{`{"judge_quorum": 1}`, rewards.Scored, map[string]float64{"error_flag": 1, "error_sentence": 1, "error_correction": 1}, []string{"judge2: HTTP 500"}},
			{`{"compat": "medmarks"}`, rewards.JudgeFailed, map[string]float64{"error_flag": 1, "error_sentence": 1}, []string{"judge2: HTTP 500", "upstream would have scored error_correction 0 (reward 0.5)"}},
		}
		for _, tt := range tests {
			synctest.Test(t, func(t *testing.T) {
				a := judgetest.NewInProcess(judgetest.Replies(rubricReply(true, true, false, false)))
				b := judgetest.NewInProcess(judgetest.Status(500, 0))
				e := entry(t, judgedenvtest.Judges(t, 4, nil, a, b))
				r := score(t, e, "test_ms", "ms-test-0", give, tt.opts)
				if r.Status != tt.wantStatus || !cmp.Equal(tt.wantComps, judgedenvtest.Components(r)) || (r.Status == rewards.Scored && r.Value != 1) {
					t.Errorf("%s: %v %v %v (%s)", tt.opts, r.Status, r.Value, judgedenvtest.Components(r), r.Detail)
				}
				for _, s := range tt.wantDetail {
					if !strings.Contains(r.Detail, s) {
						t.Errorf("%s: detail lacks %q:\n%s", tt.opts, s, r.Detail)
					}
				}
				if a.Calls() != 1 || b.Calls() != 4 {
					t.Errorf("calls %d, %d; want 1, 4", a.Calls(), b.Calls())
				}
			})
		}
	})
}
