package judgedenv

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// Verdict is one judge's valid verdict, its parsed reply read back.
type Verdict[T any] struct {
	Judge  string
	Parsed T
}

// Ask asks j and combines the judges' scores as envs.AskJudge does, each
// valid verdict's score being score of its Parsed JSON read as a T (what the
// Question's Parse wrote); a verdict that does not read counts its judge as
// failed. It also returns the valid verdicts, read, in judge order. The
// error is the context's, when it ended first.
func Ask[T any](ctx context.Context, j envs.Judge, q judge.Question, quorum int64, score func(T) float64) (judge.Outcome, []Verdict[T], error) {
	o, vs, err := envs.AskJudge(ctx, j, q, quorum, func(v judge.Verdict) (float64, error) {
		var t T
		if err := json.Unmarshal(v.Parsed, &t); err != nil {
			return 0, fmt.Errorf("cached verdict unreadable: %w", err)
		}
		return score(t), nil
	})
	if err != nil {
		return judge.Outcome{}, nil, err
	}
	var valid []Verdict[T]
	for _, v := range vs {
		var t T
		if !v.OK() || json.Unmarshal(v.Parsed, &t) != nil {
			continue
		}
		valid = append(valid, Verdict[T]{Judge: v.Judge, Parsed: t})
	}
	return o, valid, nil
}
