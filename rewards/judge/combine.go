package judge

import (
	"fmt"
	"strings"
)

// Score is one judge's contribution to a judged value: its score, or why it
// has none. Envs build Scores from their verdicts (Verdict.Score does it for
// this package's Verdict).
type Score struct {
	Judge    string
	Value    float64
	Err      error // non-nil: no valid verdict from this judge
	Attempts int
	Cached   bool
}

// Score turns v into a Score with f, called only for a valid verdict. An
// error from f makes the judge count as failed, like an unusable reply.
func (v Verdict) Score(f func(Verdict) (float64, error)) Score {
	s := Score{Judge: v.Judge, Err: v.Err, Attempts: v.Attempts, Cached: v.Cached}
	if s.Err == nil {
		s.Value, s.Err = f(v)
	}
	return s
}

// Outcome is the judged part of a reward.
type Outcome struct {
	// Value is the mean over the valid scores; use it only when OK.
	Value float64
	// OK: at least Needed judges gave a valid score.
	OK bool
	// Valid, Needed and Total count judges.
	Valid, Needed, Total int
	// Detail names each failing judge with its last error and attempts,
	// then each valid score, e.g.
	// "judge quorum not met: 1 of 2 valid, 2 needed; b: HTTP 500 (4 attempts); a: 1".
	Detail string
}

// Combine computes the judged value of spec common.md §8: the mean over the
// judges that gave a valid score, provided there are at least quorum of them.
// quorum ≤ 0 means all judges. With no scores at all the outcome fails with
// "no judge configured".
func Combine(scores []Score, quorum int) Outcome {
	o := Outcome{Total: len(scores), Needed: quorum}
	if quorum <= 0 {
		o.Needed = len(scores)
	}
	if len(scores) == 0 {
		o.Detail = "no judge configured"
		return o
	}
	var failed, valid []string
	var sum float64
	for _, s := range scores {
		if s.Err != nil {
			v := Verdict{Err: s.Err, Attempts: s.Attempts}
			failed = append(failed, s.Judge+": "+v.failure())
			continue
		}
		o.Valid++
		sum += s.Value
		line := fmt.Sprintf("%s: %.4g", s.Judge, s.Value)
		if s.Cached {
			line += " (cached)"
		}
		valid = append(valid, line)
	}
	o.OK = o.Valid >= o.Needed && o.Valid > 0
	if o.Valid > 0 {
		o.Value = sum / float64(o.Valid)
	}
	lines := append(failed, valid...)
	if !o.OK {
		head := fmt.Sprintf("judge quorum not met: %d of %d valid, %d needed", o.Valid, o.Total, o.Needed)
		lines = append([]string{head}, lines...)
	}
	o.Detail = strings.Join(lines, "; ")
	return o
}
