package judge_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func TestCombine(t *testing.T) {
	http500 := errors.New("HTTP 500: upstream error")
	tests := []struct {
		name   string
		give   []judge.Score
		quorum int
		want   judge.Outcome
	}{
		{
			name: "no_judge",
			want: judge.Outcome{Detail: "no judge configured"},
		},
		{
			name: "one_valid",
			give: []judge.Score{{Judge: "a", Value: 1, Attempts: 1}},
			want: judge.Outcome{Value: 1, OK: true, Valid: 1, Needed: 1, Total: 1, Detail: "a: 1"},
		},
		{
			name: "mean_of_two",
			give: []judge.Score{{Judge: "a", Value: 1}, {Judge: "b", Value: 0, Cached: true}},
			want: judge.Outcome{Value: 0.5, OK: true, Valid: 2, Needed: 2, Total: 2, Detail: "a: 1; b: 0 (cached)"},
		},
		{
			name: "default_quorum_is_all",
			give: []judge.Score{{Judge: "a", Value: 1, Attempts: 1}, {Judge: "b", Err: http500, Attempts: 4}},
			want: judge.Outcome{Value: 1, Valid: 1, Needed: 2, Total: 2,
				Detail: "judge quorum not met: 1 of 2 valid, 2 needed; b: HTTP 500: upstream error (4 attempts); a: 1"},
		},
		{
			name:   "quorum_one_met",
			give:   []judge.Score{{Judge: "a", Value: 0.625}, {Judge: "b", Err: http500, Attempts: 4}},
			quorum: 1,
			want:   judge.Outcome{Value: 0.625, OK: true, Valid: 1, Needed: 1, Total: 2, Detail: "b: HTTP 500: upstream error (4 attempts); a: 0.625"},
		},
		{
			name:   "quorum_one_none_valid",
			give:   []judge.Score{{Judge: "a", Err: errors.New("no yes/no verdict in reply"), Attempts: 1}},
			quorum: 1,
			want:   judge.Outcome{Needed: 1, Total: 1, Detail: "judge quorum not met: 0 of 1 valid, 1 needed; a: no yes/no verdict in reply (1 attempt)"},
		},
		{
			name:   "quorum_above_judges",
			give:   []judge.Score{{Judge: "a", Value: 1}},
			quorum: 2,
			want:   judge.Outcome{Value: 1, Valid: 1, Needed: 2, Total: 1, Detail: "judge quorum not met: 1 of 1 valid, 2 needed; a: 1"},
		},
		{
			name:   "mean_of_three_of_four",
			give:   []judge.Score{{Judge: "a", Value: 1}, {Judge: "b", Value: 0.5}, {Judge: "c", Err: errors.New("x\ny"), Attempts: 2}, {Judge: "d", Value: 0}},
			quorum: 3,
			want:   judge.Outcome{Value: 0.5, OK: true, Valid: 3, Needed: 3, Total: 4, Detail: "c: x y (2 attempts); a: 1; b: 0.5; d: 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, judge.Combine(tt.give, tt.quorum)); diff != "" {
				t.Errorf("Combine() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVerdictScore(t *testing.T) {
	score := func(v judge.Verdict) (float64, error) {
		if v.Reply == "yes" {
			return 1, nil
		}
		return 0, errors.New("unreadable")
	}
	failed := errors.New("HTTP 500")
	tests := []struct {
		give judge.Verdict
		want judge.Score
	}{
		{judge.Verdict{Judge: "a", Reply: "yes", Attempts: 2}, judge.Score{Judge: "a", Value: 1, Attempts: 2}},
		{judge.Verdict{Judge: "a", Reply: "yes", Cached: true}, judge.Score{Judge: "a", Value: 1, Cached: true}},
		{judge.Verdict{Judge: "a", Err: failed, Attempts: 4}, judge.Score{Judge: "a", Err: failed, Attempts: 4}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.give.Score(score), cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
			t.Errorf("Score() mismatch (-want +got):\n%s", diff)
		}
	}
	if s := (judge.Verdict{Judge: "a", Reply: "no"}).Score(score); s.Err == nil {
		t.Error("a scorer error does not fail the judge")
	}
}

func ExampleCombine() {
	verdicts := []judge.Verdict{
		{Judge: "mini", Reply: "yes", Attempts: 1},
		{Judge: "flash", Err: errors.New("HTTP 500: overloaded"), Attempts: 4},
	}
	yes := func(v judge.Verdict) (float64, error) {
		if v.Reply == "yes" {
			return 1, nil
		}
		return 0, nil
	}
	scores := make([]judge.Score, len(verdicts))
	for i, v := range verdicts {
		scores[i] = v.Score(yes)
	}
	for _, quorum := range []int{0, 1} { // 0: every judge
		o := judge.Combine(scores, quorum)
		fmt.Printf("quorum %d: ok=%v value=%v\n  %s\n", quorum, o.OK, o.Value, o.Detail)
	}
	// Output:
	// quorum 0: ok=false value=1
	//   judge quorum not met: 1 of 2 valid, 2 needed; flash: HTTP 500: overloaded (4 attempts); mini: 1
	// quorum 1: ok=true value=1
	//   flash: HTTP 500: overloaded (4 attempts); mini: 1
}
