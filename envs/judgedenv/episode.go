package judgedenv

import (
	"context"
	"encoding/json"

	"github.com/medarc-ai/medmarks-t/envs"
)

// state is an episode's stored state.
type state struct {
	Split string `json:"split"`
	ID    string `json:"id"`
	Done  bool   `json:"done,omitempty"`
}

// episode is one turn on one row.
type episode[R any] struct {
	env  *Env[R]
	row  R
	opts envs.Values
	st   state
}

// Step grades the one assistant message. A context that ends while the
// judge is asked fails the Step and leaves the episode open, so a retried
// Step is graded afresh.
func (ep *episode[R]) Step(ctx context.Context, action envs.Message) (envs.StepResult, error) {
	if ep.st.Done {
		return envs.StepResult{}, envs.ErrEpisodeDone
	}
	action.Role = "assistant"
	r, err := ep.env.spec.Grade(ctx, ep.env.judge, ep.row, envs.Completion{Messages: []envs.Message{action}}, ep.opts)
	if err != nil {
		return envs.StepResult{}, err
	}
	ep.st.Done = true
	return envs.StepResult{Terminated: true, Reward: &r}, nil
}

func (ep *episode[R]) State() ([]byte, error) { return json.Marshal(ep.st) }

func (ep *episode[R]) Close(context.Context) error { return nil }
