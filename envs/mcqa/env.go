package mcqa

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/extract"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// Option names of the multiple-choice envs (../spec/common.md §10).
const (
	OptAnswerFormat    = "answer_format"
	OptUseThink        = "use_think"
	OptShuffleAnswers  = "shuffle_answers"
	OptShuffleSeed     = "shuffle_seed"
	OptShuffleMode     = "shuffle_mode"
	OptAnswerTextGuard = "answer_text_guard"
)

// Row is one served question, parsed once at start-up and shared read-only.
type Row struct {
	// ID is the example id; RowID the shuffle row id (../spec/common.md §6).
	ID, RowID string
	Question  string
	// Options are in their original order, labelled A, B, …
	Options []Option
	// Gold is the index of the gold option in Options.
	Gold int
	// Contexts are PubMedQA's labelled abstract sections.
	Contexts []Option
}

// Layout renders an env's user message.
type Layout interface {
	// User is the user message for r showing the options in shown order.
	User(r *Row, shown []Option) string
	// Vars are the prompt-template variables (../spec/common.md §3).
	Vars(r *Row, shown []Option) map[string]any
}

// Split is one loaded split; its rows are in serving order.
type Split struct {
	Name string
	Rows []*Row
	byID map[string]int
}

// NewSplit indexes rows by id; ids must be unique (the loader makes them so).
func NewSplit(name string, rows []*Row) *Split {
	s := &Split{Name: name, Rows: rows, byID: make(map[string]int, len(rows))}
	for i, r := range rows {
		s.byID[r.ID] = i
	}
	return s
}

// Spec describes one multiple-choice env.
type Spec struct {
	Name        string
	Aliases     []string
	Description string
	// Splits are the known split names in the order of ../spec/common.md §1
	// (default first, train last).
	Splits []string
	// SplitAliases maps other names to splits ("dev" → "validation").
	SplitAliases map[string]string
	Layout       Layout
	// Inline parses an inline example; a malformed one is an *envs.InputError.
	Inline func(raw []byte) (*Row, error)
	// Unserved says why a known split has no data (files looked for, or
	// that the split is never served).
	Unserved func(split string) string
}

// Env is a multiple-choice env. Safe for concurrent use.
type Env struct {
	spec   Spec
	splits map[string]*Split
	names  envs.Splits
	demo   bool
}

// New builds the env over its loaded splits; reason says why none is
// loaded, when that is so.
func New(spec Spec, splits []*Split, demo bool, reason string) *Env {
	e := &Env{spec: spec, splits: map[string]*Split{}, demo: demo,
		names: envs.Splits{Env: spec.Name, Known: spec.Splits, Aliases: spec.SplitAliases, Reason: reason, Unserved: spec.Unserved}}
	for _, s := range splits {
		if len(s.Rows) > 0 {
			e.splits[s.Name] = s
			e.names.Loaded = append(e.names.Loaded, s.Name)
		}
	}
	return e
}

// Info implements envs.Env.
func (e *Env) Info() envs.Info {
	info := envs.Info{Name: e.spec.Name, Aliases: e.spec.Aliases, Description: e.spec.Description,
		Components: []envs.ComponentInfo{{Name: "accuracy", Weight: 1, Description: "1 when the multiple-choice grader accepts the answer"}}}
	def := e.names.Default()
	for _, n := range e.names.Order() {
		info.Splits = append(info.Splits, envs.SplitInfo{Name: n, Rows: len(e.splits[n].Rows), Default: n == def, Demo: e.demo})
	}
	if len(info.Splits) == 0 {
		info.UnavailableReason = e.names.Reason
	}
	return info
}

// Options implements envs.Env.
func (e *Env) Options() []envs.OptionSpec {
	return []envs.OptionSpec{
		{Name: OptAnswerFormat, Type: envs.String, Default: envs.FormatXML, Allowed: []string{envs.FormatXML, envs.FormatBoxed},
			Description: "xml: <answer>…</answer>; boxed: \\boxed{…}"},
		{Name: OptUseThink, Type: envs.Bool, Default: false, Description: "ask for <think>…</think> first; boxed mode then reads only what follows </think>"},
		{Name: OptShuffleAnswers, Type: envs.Bool, Default: false, Description: "permute the option texts (labels stay)"},
		{Name: OptShuffleSeed, Type: envs.Int, Default: int64(1618), Check: envs.IntRange(-1, 1<<53),
			Description: "≥ 0: deterministic order; -1: a fresh random order (not for Score)"},
		{Name: OptShuffleMode, Type: envs.String, Default: "row", Allowed: []string{"row", "episode"},
			Description: "row: one order per row (Medmarks); episode: the episode seed is mixed in"},
		{Name: OptAnswerTextGuard, Type: envs.Bool, Default: true, Compat: false,
			Description: "reject an answer-text match when another option's text is named too"},
	}
}

// TemplateVars implements envs.Env.
func (e *Env) TemplateVars() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, n := range e.names.Order() {
		r := e.splits[n].Rows[0]
		out[n] = e.spec.Layout.Vars(r, r.Options)
	}
	return out
}

func (e *Env) split(name string) (*Split, error) {
	n, err := e.names.Resolve(name)
	if err != nil {
		return nil, err
	}
	return e.splits[n], nil
}

// row picks a row: by id, by index, or drawn from the seed
// (../spec/common.md §1 rule 3), among the first num_examples rows.
func (e *Env) row(s *Split, id string, index *int64, sd uint64, opts envs.Values) (*Row, error) {
	where := e.spec.Name + " " + s.Name
	i, err := envs.PickRow(where, envs.Limit(len(s.Rows), opts), id, index, sd, func(id string) (int, error) {
		if i, ok := s.byID[id]; ok {
			return i, nil
		}
		return 0, envs.NotFound(envs.ErrUnknownExample, "%s has no example %q", where, id)
	})
	if err != nil {
		return nil, err
	}
	return s.Rows[i], nil
}

// arrange shuffles r's options per the options. episodeSeed is nil for a
// Score without a seed; fromScore refuses the fresh-randomness seed.
func arrange(r *Row, opts envs.Values, episodeSeed *uint64, fromScore bool) (Shuffled, uint64, error) {
	if !opts.Bool(OptShuffleAnswers) {
		return identity(r), 0, nil
	}
	mode, err := ParseMode(opts.String(OptShuffleMode))
	if err != nil {
		return Shuffled{}, 0, envs.Fieldf("options."+OptShuffleMode, "%v", err)
	}
	ss := opts.Int(OptShuffleSeed)
	if ss == FreshShuffleSeed && fromScore {
		return Shuffled{}, 0, envs.Fieldf("options."+OptShuffleSeed,
			"-1 (a fresh random order) cannot be scored: it would grade against an order the model never saw")
	}
	var es uint64
	if mode == ModeEpisode {
		if episodeSeed == nil {
			return Shuffled{}, 0, envs.Fieldf("seed", `required when shuffle_mode is "episode" (the episode seed the order was drawn with)`)
		}
		es = *episodeSeed
	}
	gs, err := Seed(ss, r.RowID, mode, es)
	if err != nil {
		return Shuffled{}, 0, envs.Fieldf("options."+OptShuffleSeed, "%v", err)
	}
	sh, err := Apply(r.Options, r.Gold, gs)
	return sh, gs, err
}

func identity(r *Row) Shuffled {
	perm := make([]int, len(r.Options))
	for i := range perm {
		perm[i] = i
	}
	return Shuffled{Options: r.Options, Perm: perm, Gold: r.Gold, Reason: "not shuffled: shuffle_answers is off"}
}

func (e *Env) observation(r *Row, sh Shuffled, opts envs.Values) ([]envs.Message, error) {
	sys := envs.SystemPrompt(opts.String(OptAnswerFormat), opts.Bool(OptUseThink), false)
	return envs.Observation(opts, sys, e.spec.Layout.User(r, sh.Options), e.spec.Layout.Vars(r, sh.Options))
}

// state is an episode's stored state: the row and the generator seed of
// its order (the seed itself, so a fresh-randomness order survives too).
type state struct {
	Split    string `json:"split"`
	ID       string `json:"id"`
	Shuffled bool   `json:"shuffled"`
	GenSeed  uint64 `json:"gen_seed,omitempty"`
	Done     bool   `json:"done,omitempty"`
}

// Reset implements envs.Env.
func (e *Env) Reset(_ context.Context, req envs.ResetRequest) (envs.Episode, envs.Start, error) {
	s, err := e.split(req.Split)
	if err != nil {
		return nil, envs.Start{}, err
	}
	r, err := e.row(s, req.ExampleID, req.Index, req.Seed, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	sd := req.Seed
	sh, gs, err := arrange(r, req.Options, &sd, false)
	if err != nil {
		return nil, envs.Start{}, err
	}
	obs, err := e.observation(r, sh, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	ep := &episode{env: e, row: r, sh: sh, opts: req.Options,
		st: state{Split: s.Name, ID: r.ID, Shuffled: req.Options.Bool(OptShuffleAnswers), GenSeed: gs}}
	return ep, envs.Start{Observation: obs, Split: s.Name, ExampleID: r.ID, MaxTurns: 1}, nil
}

// Restore implements envs.Env.
func (e *Env) Restore(_ context.Context, b []byte, opts envs.Values) (envs.Episode, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s episode state: %w", e.spec.Name, err)
	}
	s, err := e.split(st.Split)
	if err != nil {
		return nil, err
	}
	i, ok := s.byID[st.ID]
	if !ok {
		return nil, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q (data changed since the episode began?)", e.spec.Name, s.Name, st.ID)
	}
	r := s.Rows[i]
	sh := identity(r)
	if st.Shuffled {
		if sh, err = Apply(r.Options, r.Gold, st.GenSeed); err != nil {
			return nil, err
		}
	}
	return &episode{env: e, row: r, sh: sh, opts: opts, st: st}, nil
}

// Score implements envs.Env.
func (e *Env) Score(_ context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	var r *Row
	if req.Inline != nil {
		var err error
		if r, err = e.spec.Inline(req.Inline); err != nil {
			return rewards.Reward{}, err
		}
	} else {
		s, err := e.split(req.Split)
		if err != nil {
			return rewards.Reward{}, err
		}
		if r, err = e.row(s, req.ExampleID, nil, 0, req.Options); err != nil {
			return rewards.Reward{}, err
		}
	}
	sh, _, err := arrange(r, req.Options, req.Seed, true)
	if err != nil {
		return rewards.Reward{}, err
	}
	return grade(req.Completion, sh, req.Options), nil
}

type episode struct {
	env  *Env
	row  *Row
	sh   Shuffled
	opts envs.Values
	st   state
}

func (ep *episode) Step(_ context.Context, action envs.Message) (envs.StepResult, error) {
	if ep.st.Done {
		return envs.StepResult{}, envs.ErrEpisodeDone
	}
	ep.st.Done = true
	action.Role = "assistant"
	r := grade(envs.Completion{Messages: []envs.Message{action}}, ep.sh, ep.opts)
	return envs.StepResult{Terminated: true, Reward: &r}, nil
}

func (ep *episode) State() ([]byte, error) { return json.Marshal(ep.st) }

func (ep *episode) Close(context.Context) error { return nil }

// grade extracts the answer (../spec/common.md §4) and grades it (§5).
func grade(c envs.Completion, sh Shuffled, opts envs.Values) rewards.Reward {
	texts := c.AssistantTexts()
	format, think := opts.String(OptAnswerFormat), opts.Bool(OptUseThink)
	var answer, how string
	switch {
	case format == envs.FormatBoxed:
		last := ""
		if len(texts) > 0 {
			last = texts[len(texts)-1]
		}
		how = "boxed"
		if think {
			var ok bool
			if last, ok = extract.AfterThink(last); !ok {
				how = "boxed+think: no </think>, nothing read"
			}
		}
		var boxed bool
		answer, boxed = extract.Boxed(last)
		if !boxed && last != "" {
			how += " (no \\boxed{}: whole text)"
		}
	default:
		var ok bool
		answer, ok = extract.FirstTagOfLastMessage(texts, "answer")
		how = "xml"
		if !ok {
			how = "xml: no <answer>…</answer>"
		}
	}
	others := make([]string, 0, len(sh.Options)-1)
	for i, o := range sh.Options {
		if i != sh.Gold {
			others = append(others, o.Text)
		}
	}
	gold := sh.Options[sh.Gold]
	v := mcq.Grade(answer, mcq.Question{GoldLabel: gold.Label, GoldText: gold.Text, OtherTexts: others},
		mcq.Options{Guard: opts.Bool(OptAnswerTextGuard)})
	value, verdict := 0.0, "wrong"
	if v.Correct {
		value, verdict = 1, "correct"
	}
	// detail is built by hand: this runs for every MCQ reward, and fmt
	// costs more than the grading itself.
	d := make([]byte, 0, 96+len(answer)+len(gold.Text))
	d = append(d, how...)
	d = append(d, "; answer "...)
	d = strconv.AppendQuote(d, shorten200(answer))
	d = append(d, "; gold "+gold.Label+" "...)
	d = strconv.AppendQuote(d, shorten200(gold.Text))
	d = append(d, "; "+v.Strategy.String()+": "+verdict...)
	if sh.Reason == "" {
		d = append(d, "; shuffled ["...)
		for i, p := range sh.Perm {
			if i > 0 {
				d = append(d, ' ')
			}
			d = strconv.AppendInt(d, int64(p), 10)
		}
		d = append(d, ']')
	} else if opts.Bool(OptShuffleAnswers) {
		d = append(d, "; "+sh.Reason...)
	}
	return rewards.Reward{Value: value, Status: rewards.Scored, Detail: string(d),
		Components: []rewards.Component{{Name: "accuracy", Value: value, Weight: 1}}}
}

// shorten200 keeps detail readable: at most 200 characters of a text.
func shorten200(s string) string {
	if utf8.RuneCountInString(s) <= 200 {
		return s
	}
	return string([]rune(s)[:200]) + "…"
}

// OptionVars are options as template variables: a list of {label, text}.
func OptionVars(shown []Option) []map[string]string {
	out := make([]map[string]string, len(shown))
	for i, o := range shown {
		out[i] = map[string]string{"label": o.Label, "text": o.Text}
	}
	return out
}

// WriteOptionLines writes upstream's option lines, one "\n<label>. <text>"
// per shown option.
func WriteOptionLines(b *strings.Builder, shown []Option) {
	for _, o := range shown {
		b.WriteString("\n" + o.Label + ". " + o.Text)
	}
}
