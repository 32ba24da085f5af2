package meddialog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Name is the env's name.
const Name = "med_dialog"

// Option names (med_dialog.md §6).
const (
	OptSubset   = "subset"
	OptDedupe   = "dedupe"
	OptUseThink = "use_think"
	subsetBoth  = "both"
)

var components = []envs.ComponentInfo{
	{Name: criteria[0], Weight: 1.0 / 3, Description: "judge's 1–5 accuracy score, (s − 1)/4, mean over judges"},
	{Name: criteria[1], Weight: 1.0 / 3, Description: "judge's 1–5 completeness score, (s − 1)/4, mean over judges"},
	{Name: criteria[2], Weight: 1.0 / 3, Description: "judge's 1–5 clarity score, (s − 1)/4, mean over judges"},
}

// Env is MedDialog. Safe for concurrent use: read-only after New.
type Env struct {
	splits map[string]*split
	names  envs.Splits
	judge  envs.Judge
	demo   bool
}

// New loads MedDialog from set.Data and takes its judge from set.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named(Name)
	splits, reason, err := load(set, log)
	if err != nil {
		return nil, err
	}
	e := &Env{splits: splits, judge: set.JudgeFor(Name), demo: set.Demo,
		names: envs.Splits{Env: Name, Known: splitNames, Reason: reason}}
	e.names.Unserved = func(s string) string {
		var looked []string
		for _, sub := range subsets {
			looked = append(looked, layout(sub).Looked(s)...)
		}
		return fmt.Sprintf("no data for it under --data (looked for %s)", strings.Join(looked, ", "))
	}
	for name := range splits {
		e.names.Loaded = append(e.names.Loaded, name)
	}
	if e.judge != nil && e.judge.Count() == 0 {
		e.judge = nil
	}
	return e, nil
}

// Info implements envs.Env.
func (e *Env) Info() envs.Info {
	info := envs.Info{Name: Name, Description: "MedDialog (HELM/MedHELM summarisation): summarise a patient–doctor conversation in one sentence stating the patient's question; rated 1–5 by an LLM judge on accuracy, completeness and clarity",
		Components: components, JudgeRequired: true, JudgeConfigured: e.judge != nil}
	def := e.names.Default()
	for _, n := range e.names.Order() {
		info.Splits = append(info.Splits, envs.SplitInfo{Name: n, Rows: e.splits[n].rows(), Default: n == def, Demo: e.demo})
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
		{Name: OptSubset, Type: envs.String, Default: subsetBoth, Allowed: append([]string{subsetBoth}, subsets...),
			Description: "healthcaremagic, icliniq, or both: every subset present, healthcaremagic first"},
		{Name: OptDedupe, Type: envs.Bool, Default: false, Description: "serve only the first row of each distinct dialogue (src) within a subset's split"},
		{Name: OptUseThink, Type: envs.Bool, Default: false, Description: "ask for reasoning inside <think>…</think> before the summary"},
		envs.JudgeQuorumOption(n),
	}
}

// TemplateVars implements envs.Env.
func (e *Env) TemplateVars() map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, s := range e.splits {
		_, r, _ := s.parts[0].table.At(0)
		out[name] = templateVars(r)
	}
	return out
}

func templateVars(r *row) map[string]any { return map[string]any{"conversation": r.src} }

// view is a split as the options select it: its subsets, deduplicated or
// not, before num_examples.
type view struct {
	split  *split
	parts  []*part
	dedupe bool
}

func (e *Env) view(name string, opts envs.Values) (view, error) {
	n, err := e.names.Resolve(name)
	if err != nil {
		return view{}, err
	}
	s := e.splits[n]
	v := view{split: s, dedupe: opts.Bool(OptDedupe)}
	sub := opts.String(OptSubset)
	if sub == subsetBoth || sub == "" {
		v.parts = s.parts
		return v, nil
	}
	i := slices.IndexFunc(s.parts, func(p *part) bool { return p.subset == sub })
	if i < 0 {
		return view{}, envs.NotFound(envs.ErrUnknownSplit, "%s %s has no %s rows: no file for it under --data (looked for %s)",
			Name, s.name, sub, strings.Join(layout(sub).Looked(s.name), ", "))
	}
	v.parts = s.parts[i : i+1]
	return v, nil
}

func (v view) size(p *part) int {
	if v.dedupe {
		return len(p.unique)
	}
	return p.table.Len()
}

// len is the number of rows the view serves.
func (v view) len() int {
	n := 0
	for _, p := range v.parts {
		n += v.size(p)
	}
	return n
}

// at returns the row at position i of the view.
func (v view) at(i int) (*part, int) {
	for _, p := range v.parts {
		if n := v.size(p); i >= n {
			i -= n
			continue
		}
		if v.dedupe {
			return p, int(p.unique[i])
		}
		return p, i
	}
	return nil, -1
}

// find returns the position of an example id in the view, or why it is
// not served.
func (v view) find(id string) (int, error) {
	sub, _, _ := strings.Cut(id, "-")
	off := 0
	for _, p := range v.parts {
		if p.subset != sub {
			off += v.size(p)
			continue
		}
		pos, _, ok := p.table.Lookup(id)
		switch {
		case !ok:
		case !v.dedupe:
			return off + pos, nil
		case p.rank[pos] < 0:
			return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s example %q repeats the dialogue of %s and dedupe is on",
				Name, v.split.name, id, p.table.ID(int(p.first[pos])))
		default:
			return off + int(p.rank[pos]), nil
		}
		break
	}
	if _, ok := v.split.lookup(id); ok {
		return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s example %q is not in the selected subset", Name, v.split.name, id)
	}
	return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q", Name, v.split.name, id)
}

// pick chooses a row per ../spec/common.md §1 rule 3 among the view's
// first num_examples rows.
func (e *Env) pick(v view, id string, index *int64, sd uint64, opts envs.Values) (*row, string, error) {
	n := envs.Limit(v.len(), opts)
	i, err := envs.PickRow(Name+" "+v.split.name, n, id, index, sd, v.find)
	if err != nil {
		return nil, "", err
	}
	p, pos := v.at(i)
	rid, r, _ := p.table.At(pos)
	return r, rid, nil
}

// lookup finds a row by id in any part of a split, whatever the options.
func (s *split) lookup(id string) (*row, bool) {
	for _, p := range s.parts {
		if _, r, ok := p.table.Lookup(id); ok {
			return r, true
		}
	}
	return nil, false
}

func observation(r *row, opts envs.Values) ([]envs.Message, error) {
	sys := systemPrompt
	if opts.Bool(OptUseThink) {
		sys = systemPromptThink
	}
	return envs.Observation(opts, sys, r.src, templateVars(r))
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
	v, err := e.view(req.Split, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	r, id, err := e.pick(v, req.ExampleID, req.Index, req.Seed, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	obs, err := observation(r, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	ep := &episode{env: e, row: r, opts: req.Options, st: state{Split: v.split.name, ID: id}}
	return ep, envs.Start{Observation: obs, Split: v.split.name, ExampleID: id, MaxTurns: 1}, nil
}

// Restore implements envs.Env.
func (e *Env) Restore(_ context.Context, b []byte, opts envs.Values) (envs.Episode, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s episode state: %w", Name, err)
	}
	n, err := e.names.Resolve(st.Split)
	if err != nil {
		return nil, err
	}
	r, ok := e.splits[n].lookup(st.ID)
	if !ok {
		return nil, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q (data changed since the episode began?)", Name, n, st.ID)
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
		v, err := e.view(req.Split, req.Options)
		if err != nil {
			return rewards.Reward{}, err
		}
		if r, _, err = e.pick(v, req.ExampleID, nil, 0, req.Options); err != nil {
			return rewards.Reward{}, err
		}
	}
	return e.grade(ctx, r, req.Completion, req.Options)
}

// inline parses an inline example: src and tgt, optionally id and subset.
func inline(raw []byte) (*row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			return nil, envs.Inputf("example."+te.Field, "want %s", te.Type.String())
		}
		return nil, envs.Inputf("example", "not a JSON object with src and tgt: %v", err)
	}
	switch {
	case r.Src == nil:
		return nil, envs.Inputf("example.src", "required")
	case r.Tgt == nil:
		return nil, envs.Inputf("example.tgt", "required")
	case envs.TrimPy(*r.Src) == "":
		return nil, envs.Inputf("example.src", "empty")
	case envs.TrimPy(*r.Tgt) == "":
		return nil, envs.Inputf("example.tgt", "empty")
	}
	return &row{src: *r.Src, tgt: *r.Tgt, fileID: idText(r.ID)}, nil
}

type episode struct {
	env  *Env
	row  *row
	opts envs.Values
	st   state
}

// Step grades the one assistant message. A context that ends while the
// judge is asked fails the Step and leaves the episode open.
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
