package medec

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Name is the env's name.
const Name = "medec"

// OptEvalMethod is upstream's eval_method argument; only "judge" is served.
const OptEvalMethod = "eval_method"

// Component names and weights (medec.md §5.1).
const (
	compFlag       = "error_flag"
	compSentence   = "error_sentence"
	compCorrection = "error_correction"
)

var components = []envs.ComponentInfo{
	{Name: compFlag, Weight: 0.25, Description: "1 when the predicted error flag (CORRECT or a sentence id) matches the gold Error Flag"},
	{Name: compSentence, Weight: 0.25, Description: "1 when the predicted sentence id equals the gold Error Sentence ID (-1 for no error)"},
	{Name: compCorrection, Weight: 0.5, Description: "LLM-judged correction of the right sentence (four-question rubric); 1 for CORRECT on a text without error"},
}

// Env is MEDEC. Safe for concurrent use: read-only after New.
type Env struct {
	splits map[string]*split
	names  envs.Splits
	judge  envs.Judge
	demo   bool
}

// New loads MEDEC from set.Data and takes its judge from set.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named(Name)
	loaded, reason, err := load(set, log)
	if err != nil {
		return nil, err
	}
	e := &Env{splits: map[string]*split{}, judge: set.JudgeFor(Name), demo: set.Demo,
		names: envs.Splits{Env: Name, Known: []string{"test_ms", "validation_ms", "train"},
			Aliases: map[string]string{"train_ms": "train"},
			Reason:  reason}}
	e.names.Unserved = func(s string) string {
		return fmt.Sprintf("no data for it under --data (looked for %v)", layout.Looked(s))
	}
	for _, s := range loaded {
		e.splits[s.name] = s
		e.names.Loaded = append(e.names.Loaded, s.name)
	}
	if e.judge != nil && e.judge.Count() == 0 {
		e.judge = nil
	}
	return e, nil
}

// Info implements envs.Env.
func (e *Env) Info() envs.Info {
	info := envs.Info{Name: Name, Description: "MEDEC (MEDIQA-CORR 2024, MS collection): find the one medical error in a clinical text, name its sentence and correct it; the correction is judged by an LLM",
		Components: components, JudgeRequired: true, JudgeConfigured: e.judge != nil}
	def := e.names.Default()
	for _, n := range e.names.Order() {
		info.Splits = append(info.Splits, envs.SplitInfo{Name: n, Rows: e.splits[n].table.Len(), Default: n == def, Demo: e.demo})
	}
	if len(info.Splits) == 0 {
		info.UnavailableReason = e.names.Reason
	}
	return info
}

// Options implements envs.Env.
func (e *Env) Options() []envs.OptionSpec {
	n := 0
	if e.judge != nil {
		n = e.judge.Count()
	}
	return []envs.OptionSpec{
		envs.JudgeQuorumOption(n),
		{Name: OptEvalMethod, Type: envs.String, Default: "judge",
			Description: `accepted for upstream compatibility; only "judge" is supported`,
			Check: func(v any) error {
				if v.(string) != "judge" {
					return fmt.Errorf(`only "judge" is supported, got %q: upstream's "metrics" and "both" (ROUGE-1, BERTScore, BLEURT) need neural checkpoints and are not offered`, v)
				}
				return nil
			}},
	}
}

// TemplateVars implements envs.Env.
func (e *Env) TemplateVars() map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, s := range e.splits {
		_, r, _ := s.table.At(0)
		out[name] = templateVars(r)
	}
	return out
}

func (e *Env) split(name string) (*split, error) {
	n, err := e.names.Resolve(name)
	if err != nil {
		return nil, err
	}
	return e.splits[n], nil
}

// pick chooses a row of s per ../spec/common.md §1 rule 3.
func (e *Env) pick(s *split, id string, index *int64, sd uint64, opts envs.Values) (*row, error) {
	n := envs.Limit(s.table.Len(), opts)
	i, err := envs.PickRow(Name+" "+s.name, n, id, index, sd, func(id string) (int, error) {
		i, _, ok := s.table.Lookup(id)
		if !ok {
			return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q", Name, s.name, id)
		}
		return i, nil
	})
	if err != nil {
		return nil, err
	}
	_, r, _ := s.table.At(i)
	return r, nil
}

func observation(r *row, opts envs.Values) ([]envs.Message, error) {
	return envs.Observation(opts, systemPrompt, userPrompt(r.sentences), templateVars(r))
}

// state is an episode's stored state.
type state struct {
	Split string `json:"split"`
	ID    string `json:"id"`
	Done  bool   `json:"done,omitempty"`
}

// Reset implements envs.Env. Without a judge it refuses the episode
// (ErrPrecondition) before the trainer spends a generation on it.
func (e *Env) Reset(_ context.Context, req envs.ResetRequest) (envs.Episode, envs.Start, error) {
	if e.judge == nil {
		return nil, envs.Start{}, envs.NoJudge(Name)
	}
	s, err := e.split(req.Split)
	if err != nil {
		return nil, envs.Start{}, err
	}
	r, err := e.pick(s, req.ExampleID, req.Index, req.Seed, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	obs, err := observation(r, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	ep := &episode{env: e, row: r, opts: req.Options, st: state{Split: s.name, ID: r.id}}
	return ep, envs.Start{Observation: obs, Split: s.name, ExampleID: r.id, MaxTurns: 1}, nil
}

// Restore implements envs.Env.
func (e *Env) Restore(_ context.Context, b []byte, opts envs.Values) (envs.Episode, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s episode state: %w", Name, err)
	}
	s, err := e.split(st.Split)
	if err != nil {
		return nil, err
	}
	_, r, ok := s.table.Lookup(st.ID)
	if !ok {
		return nil, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q (data changed since the episode began?)", Name, s.name, st.ID)
	}
	return &episode{env: e, row: r, opts: opts, st: st}, nil
}

// Score implements envs.Env.
func (e *Env) Score(ctx context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	var r *row
	if req.Inline != nil {
		var err error
		if r, err = inline(req.Inline); err != nil {
			return rewards.Reward{}, err
		}
	} else {
		s, err := e.split(req.Split)
		if err != nil {
			return rewards.Reward{}, err
		}
		if r, err = e.pick(s, req.ExampleID, nil, 0, req.Options); err != nil {
			return rewards.Reward{}, err
		}
	}
	return e.grade(ctx, r, req.Completion, req.Options)
}

type episode struct {
	env  *Env
	row  *row
	opts envs.Values
	st   state
}

// Step grades the one assistant message. A context that ends while the
// judge is asked fails the Step and leaves the episode open, so a retried
// Step is graded afresh.
func (ep *episode) Step(ctx context.Context, action envs.Message) (envs.StepResult, error) {
	if ep.st.Done {
		return envs.StepResult{}, envs.ErrEpisodeDone
	}
	action.Role = "assistant"
	r, err := ep.env.grade(ctx, ep.row, envs.Completion{Messages: []envs.Message{action}}, ep.opts)
	if err != nil {
		return envs.StepResult{}, err
	}
	ep.st.Done = true
	return envs.StepResult{Terminated: true, Reward: &r}, nil
}

func (ep *episode) State() ([]byte, error) { return json.Marshal(ep.st) }

func (ep *episode) Close(context.Context) error { return nil }
