package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Scorer applies the shared scoring rules around Env.Score.
type Scorer struct {
	// Deadline bounds one item (score_deadline); past it the item's status
	// is TIMEOUT. Zero: no deadline beyond the caller's.
	Deadline time.Duration
	Log      *zap.Logger
}

// Score grades one item. A malformed item (inline row, completion) is a
// reward with status INVALID_INPUT; the error is returned only when the call
// itself cannot be served (unknown example, bad field, the caller's context
// ended) or for a bug (ErrInternal), so a unary call can map it to a code
// and a batch can turn it into an in-band status with Item.
func (s Scorer) Score(ctx context.Context, e *envs.Entry, req envs.ScoreRequest) (r rewards.Reward, err error) {
	ictx := ctx
	// Only a judged reward waits on anything; the others are pure CPU and
	// finish long before any deadline, so they skip the timer.
	if s.Deadline > 0 && e.Judged() {
		var cancel context.CancelFunc
		ictx, cancel = context.WithTimeout(ctx, s.Deadline)
		defer cancel()
	}
	defer func() {
		if p := recover(); p != nil {
			if s.Log != nil {
				s.Log.Error("panic while scoring", zap.String("env", e.Name()), zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
			}
			r, err = rewards.Reward{}, fmt.Errorf("%w: %v", ErrInternal, p)
		}
	}()
	if req.Inline != nil && !isObject(req.Inline) {
		return s.stamp(e, rewards.Failed(rewards.InvalidInput, "example_json: want a JSON object")), nil
	}
	r, err = e.Env.Score(ictx, req)
	var ie *envs.InputError
	switch {
	case errors.As(err, &ie):
		r, err = rewards.Failed(rewards.InvalidInput, ie.Error()), nil
	case err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		r, err = rewards.Failed(rewards.Timeout, fmt.Sprintf("scoring took longer than score_deadline (%s)", s.Deadline)), nil
	case err != nil:
		return rewards.Reward{}, err
	}
	if r.Status == rewards.Scored {
		r = efficiency(req).Apply(r)
	}
	return s.stamp(e, r), nil
}

func (Scorer) stamp(e *envs.Entry, r rewards.Reward) rewards.Reward {
	r.EnvVersion = e.Version()
	r.Detail = envs.ValidUTF8(r.Detail)
	return r
}

// isObject reports whether b is one valid JSON object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

func efficiency(req envs.ScoreRequest) rewards.Efficiency {
	budget, weight := req.Options.Efficiency()
	e := rewards.Efficiency{BudgetTokens: int(budget), Weight: weight}
	if req.CompletionTokens != nil {
		e.Tokens = int(*req.CompletionTokens)
	} else {
		e.Tokens, e.Estimated = rewards.EstimateTokens(req.Completion.AssistantBytes()), true
	}
	return e
}

// ErrInternal marks a recovered panic.
var ErrInternal = errors.New("batch: internal error")

// ItemReward turns a call-level error of one batch item into its in-band
// reward: a bug is INTERNAL, anything else the item's INVALID_INPUT with the
// message a unary call would have got.
func ItemReward(e *envs.Entry, err error) rewards.Reward {
	st := rewards.InvalidInput
	msg := err.Error()
	if errors.Is(err, ErrInternal) {
		st, msg = rewards.Internal, "internal error while scoring this item; details are in the server log"
	}
	r := rewards.Failed(st, envs.ValidUTF8(msg))
	if e != nil {
		r.EnvVersion = e.Version()
	}
	return r
}
