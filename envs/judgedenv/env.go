package judgedenv

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Spec is what makes a judged env itself: how ListEnvs shows it, its
// options, its prompts and its grader. R is the env's row type.
type Spec[R any] struct {
	Name        string
	Description string
	Components  []envs.ComponentInfo
	// Options declares the env's own options when its judge has n judges (0:
	// none configured); envs.JudgeQuorumOption(n) is one of them.
	Options func(n int) []envs.OptionSpec
	// Prompt gives the built-in system and user messages of an episode on r
	// (a prompt template or the system_prompt option may replace them).
	Prompt func(r R, opts envs.Values) (system, user string)
	// Vars are the prompt-template variables of r, whose example id is id
	// (../spec/common.md §3).
	Vars func(r R, id string) map[string]any
	// Inline parses an inline example given to Score; a malformed one is an
	// *envs.InputError.
	Inline func(raw []byte) (R, error)
	// Grade scores a completion of r, asking j (nil: none is configured). Its
	// error is the context's, when it ended while the judge was asked.
	Grade func(ctx context.Context, j envs.Judge, r R, c envs.Completion, opts envs.Values) (rewards.Reward, error)
}

// Rows are an env's loaded splits. Every split given to them is loaded
// (envs.Splits.Resolve has named it).
type Rows[R any] interface {
	// Len is the number of rows of a split, whatever the options.
	Len(split string) int
	// First is the first row of a split, with its example id.
	First(split string) (R, string)
	// Pick chooses a row of a split per ../spec/common.md §1 rule 3 (by id,
	// by index, or drawn from seed) among the rows the options serve, and
	// returns it with its example id.
	Pick(split, id string, index *int64, seed uint64, opts envs.Values) (R, string, error)
	// Find returns the row of a split with an example id, whatever the
	// options: the row of a restored episode.
	Find(split, id string) (R, bool)
}

// Env is a judged env whose episodes are one turn. Safe for concurrent
// use: read-only after New.
type Env[R any] struct {
	spec  Spec[R]
	rows  Rows[R]
	names envs.Splits
	judge envs.Judge
	demo  bool
}

// New builds the env of spec over its loaded rows, with the judge and the
// demo flag of set. names are its splits, the loaded ones among them.
func New[R any](spec Spec[R], rows Rows[R], names envs.Splits, set envs.Settings) *Env[R] {
	e := &Env[R]{spec: spec, rows: rows, names: names, demo: set.Demo}
	return e.WithJudge(set.JudgeFor(spec.Name))
}

// WithJudge returns a copy of e that asks j instead (nil, or a judge with
// no judges: none is configured), sharing e's loaded rows, so that tests
// load the data once and try many judges.
func (e *Env[R]) WithJudge(j envs.Judge) *Env[R] {
	c := *e
	c.judge = j
	if j != nil && j.Count() == 0 {
		c.judge = nil
	}
	return &c
}

// Rows returns the loaded rows, which an env's tests read back.
func (e *Env[R]) Rows() Rows[R] { return e.rows }

// Logger is the logger an env's New loads with: set's, named for env.
func Logger(set envs.Settings, env string) *zap.Logger {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return log.Named(env)
}

// Info implements envs.Env.
func (e *Env[R]) Info() envs.Info {
	info := envs.Info{Name: e.spec.Name, Description: e.spec.Description, Components: e.spec.Components,
		JudgeRequired: true, JudgeConfigured: e.judge != nil}
	def := e.names.Default()
	for _, n := range e.names.Order() {
		info.Splits = append(info.Splits, envs.SplitInfo{Name: n, Rows: e.rows.Len(n), Default: n == def, Demo: e.demo})
	}
	if len(info.Splits) == 0 {
		info.UnavailableReason = e.names.Reason
	}
	return info
}

// Options implements envs.Env.
func (e *Env[R]) Options() []envs.OptionSpec {
	n := 0
	if e.judge != nil {
		n = e.judge.Count()
	}
	return e.spec.Options(n)
}

// TemplateVars implements envs.Env.
func (e *Env[R]) TemplateVars() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, n := range e.names.Loaded {
		out[n] = e.spec.Vars(e.rows.First(n))
	}
	return out
}

// Reset implements envs.Env. Without a judge it refuses the episode
// (ErrPrecondition) before the trainer spends a generation on it.
func (e *Env[R]) Reset(_ context.Context, req envs.ResetRequest) (envs.Episode, envs.Start, error) {
	if e.judge == nil {
		return nil, envs.Start{}, envs.NoJudge(e.spec.Name)
	}
	split, err := e.names.Resolve(req.Split)
	if err != nil {
		return nil, envs.Start{}, err
	}
	r, id, err := e.rows.Pick(split, req.ExampleID, req.Index, req.Seed, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	system, user := e.spec.Prompt(r, req.Options)
	obs, err := envs.Observation(req.Options, system, user, e.spec.Vars(r, id))
	if err != nil {
		return nil, envs.Start{}, err
	}
	ep := &episode[R]{env: e, row: r, opts: req.Options, st: state{Split: split, ID: id}}
	return ep, envs.Start{Observation: obs, Split: split, ExampleID: id, MaxTurns: 1}, nil
}

// Restore implements envs.Env.
func (e *Env[R]) Restore(_ context.Context, b []byte, opts envs.Values) (envs.Episode, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s episode state: %w", e.spec.Name, err)
	}
	split, err := e.names.Resolve(st.Split)
	if err != nil {
		return nil, err
	}
	r, ok := e.rows.Find(split, st.ID)
	if !ok {
		return nil, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q (data changed since the episode began?)", e.spec.Name, split, st.ID)
	}
	return &episode[R]{env: e, row: r, opts: opts, st: st}, nil
}

// Score implements envs.Env.
func (e *Env[R]) Score(ctx context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	r, err := e.example(req)
	if err != nil {
		return rewards.Reward{}, err
	}
	return e.spec.Grade(ctx, e.judge, r, req.Completion, req.Options)
}

// example is the row a ScoreRequest names: inline, or a split's row.
func (e *Env[R]) example(req envs.ScoreRequest) (R, error) {
	if req.Inline != nil {
		return e.spec.Inline(req.Inline)
	}
	var r R
	split, err := e.names.Resolve(req.Split)
	if err == nil {
		r, _, err = e.rows.Pick(split, req.ExampleID, nil, 0, req.Options)
	}
	return r, err
}
