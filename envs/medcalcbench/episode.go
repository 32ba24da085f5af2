package medcalcbench

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// state is an episode's stored state (Episode.State), enough to continue
// it after a restart without the earlier messages.
type state struct {
	Variant string `json:"variant"`
	Split   string `json:"split"`
	ID      string `json:"id"`
	// Session is the sandbox session of the episode's python calls: the
	// episode id, kept so a restored episode goes on using it.
	Session  string   `json:"session,omitempty"`
	Tools    []string `json:"tools,omitempty"`
	MaxTurns int      `json:"max_turns"`
	Compat   bool     `json:"compat,omitempty"`
	Turns    int      `json:"turns"`
	// Answer is the tag content of the last assistant message holding an
	// <answer> pair (spec §5.1), from turn AnswerTurn (0: none yet).
	Answer     string `json:"answer,omitempty"`
	AnswerTurn int    `json:"answer_turn,omitempty"`
	Calls      counts `json:"calls"`
	// Statuses counts the executed calls by "tool STATUS" ("python OK").
	Statuses map[string]int `json:"statuses,omitempty"`
	// PythonRuns counts python calls that reached the sandbox.
	PythonRuns int  `json:"python_runs,omitempty"`
	Done       bool `json:"done,omitempty"`
}

// counts are the weight-0 monitoring counters of tool mode (spec §7): the
// calls the model made, malformed ones included.
type counts struct {
	Total      int `json:"total,omitempty"`
	Calculator int `json:"calculator,omitempty"`
	Python     int `json:"python,omitempty"`
}

func (c *counts) add(calls []envs.ToolCall) {
	for _, tc := range calls {
		c.Total++
		switch tc.Name {
		case ToolCalculator:
			c.Calculator++
		case ToolPython, toolPythonAlias:
			c.Python++
		}
	}
}

// Reset implements envs.Env.
func (e *Env) Reset(_ context.Context, req envs.ResetRequest) (envs.Episode, envs.Start, error) {
	tools, err := e.toolsFor(req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	s, err := e.resolve(req.Split, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	r, err := e.row(s, req.ExampleID, req.Index, req.Seed, req.Options)
	if err != nil {
		return nil, envs.Start{}, err
	}
	var ex *Row
	if req.Options.Bool(OptOneShot) {
		if ex, err = e.exemplar(s, r); err != nil {
			return nil, envs.Start{}, err
		}
	}
	if err := e.checkAvailable(tools); err != nil {
		return nil, envs.Start{}, err
	}
	obs, err := observation(r, ex, req.Options, tools)
	if err != nil {
		return nil, envs.Start{}, err
	}
	st := state{Variant: s.variant, Split: s.name, ID: r.ID, Tools: tools, MaxTurns: 1,
		Compat: mode(req.Options) == medcalc.Medmarks}
	start := envs.Start{Observation: obs, Split: s.qualified(), ExampleID: r.ID, MaxTurns: 1}
	if len(tools) > 0 {
		st.MaxTurns = int(req.Options.Int(OptMaxTurns))
		st.Session = req.EpisodeID
		if st.Session == "" {
			st.Session = "medcalc-" + rand.Text()
		}
		start.MaxTurns = st.MaxTurns
		start.Tools = e.specs(tools)
	}
	return &episode{env: e, row: r, st: st}, start, nil
}

// specs returns the schemas of tools in that order.
func (e *Env) specs(tools []string) []envs.ToolSpec {
	got := e.tools.Specs(tools)
	out := make([]envs.ToolSpec, 0, len(tools))
	for _, t := range tools {
		if i := slices.IndexFunc(got, func(s envs.ToolSpec) bool { return s.Name == t }); i >= 0 {
			out = append(out, got[i])
		}
	}
	return out
}

// Restore implements envs.Env. The options are not consulted: the state
// holds everything the episode needs.
func (e *Env) Restore(_ context.Context, b []byte, _ envs.Values) (envs.Episode, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s episode state: %w", Name, err)
	}
	v := e.variant(st.Variant)
	if v == nil || v.splits[st.Split] == nil {
		return nil, envs.NotFound(envs.ErrUnknownSplit, "%s split %s/%s is no longer loaded (data changed since the episode began?)", Name, st.Variant, st.Split)
	}
	_, r, ok := v.splits[st.Split].table.Lookup(st.ID)
	if !ok {
		return nil, envs.NotFound(envs.ErrUnknownExample, "%s %s/%s has no example %q (data changed since the episode began?)", Name, st.Variant, st.Split, st.ID)
	}
	// The python interpreter of the session did not survive (the episode
	// was closed, or the server restarted): say so on the next result.
	return &episode{env: e, row: r, st: st, restarted: st.PythonRuns > 0}, nil
}

// Score implements envs.Env.
func (e *Env) Score(_ context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	tools, err := e.toolsFor(req.Options)
	if err != nil {
		return rewards.Reward{}, err
	}
	var r *Row
	if req.Inline != nil {
		if r, err = inline(req.Inline); err != nil {
			return rewards.Reward{}, err
		}
	} else {
		s, err := e.resolve(req.Split, req.Options)
		if err != nil {
			return rewards.Reward{}, err
		}
		if r, err = e.row(s, req.ExampleID, nil, 0, req.Options); err != nil {
			return rewards.Reward{}, err
		}
	}
	m := mode(req.Options)
	msgs := req.Completion.Messages
	var a answerSource
	if m == medcalc.Medmarks {
		// Upstream reads completion[-1], whatever its role.
		if n := len(msgs); n > 0 {
			a = finalMessage(msgs[n-1].Text(), msgs[n-1].Role)
		}
	} else {
		texts := req.Completion.AssistantTexts()
		ans, i := medcalc.LastAnswer(texts)
		a = answerSource{answer: ans, found: i >= 0, where: fmt.Sprintf("assistant message %d of %d", i+1, len(texts))}
	}
	var extra []string
	var c *counts
	if len(tools) > 0 {
		c = &counts{}
		turns := 0
		for _, msg := range msgs {
			if msg.Role == "assistant" {
				turns++
				c.add(msg.ToolCalls)
			}
		}
		extra = append(extra, fmt.Sprintf("%d assistant turns", turns))
		return grade(r, a, m, c, turns, extra), nil
	}
	if hasToolCalls(msgs) {
		extra = append(extra, "tool calls ignored (use_tools is off)")
	}
	return grade(r, a, m, nil, 0, extra), nil
}

func hasToolCalls(msgs []envs.Message) bool {
	return slices.ContainsFunc(msgs, func(m envs.Message) bool { return m.Role == "assistant" && len(m.ToolCalls) > 0 })
}

// answerSource is the answer of a completion and where it came from.
type answerSource struct {
	answer string
	found  bool
	where  string
}

// finalMessage reads the final message under compat "medmarks" (spec
// §5.1).
func finalMessage(text, role string) answerSource {
	ans, ok := medcalc.AnswerText(text)
	return answerSource{answer: ans, found: ok, where: "final message (" + role + ")"}
}

// grade checks an answer (spec §6) and builds the reward (§7): the
// correctness component, in tool mode the weight-0 counters, and the
// detail line.
func grade(r *Row, a answerSource, m medcalc.Mode, c *counts, turns int, extra []string) rewards.Reward {
	g := r.Gold
	name := g.Name
	if name == "" {
		name = "(unnamed)"
	}
	var d strings.Builder
	fmt.Fprintf(&d, "calculator %d %s (%s): ", g.CalculatorID, name, g.Type)
	value := 0.0
	switch {
	case a.found:
		v := medcalc.Check(g, a.answer, m)
		if v.Correct {
			value = 1
		}
		d.WriteString(a.where + ": " + v.Detail)
	case m == medcalc.Medmarks:
		d.WriteString("no <answer>…</answer> in the final message → incorrect (compat medmarks)")
	default:
		d.WriteString("no <answer>…</answer> in any assistant message → incorrect")
	}
	for _, x := range extra {
		d.WriteString("; " + x)
	}
	comps := []rewards.Component{{Name: "correctness", Value: value, Weight: 1}}
	if c != nil {
		comps = append(comps,
			rewards.Component{Name: "num_turns", Value: float64(turns)},
			rewards.Component{Name: "tool_calls", Value: float64(c.Total)},
			rewards.Component{Name: "calculator_calls", Value: float64(c.Calculator)},
			rewards.Component{Name: "python_calls", Value: float64(c.Python)})
	}
	return rewards.Reward{Value: value, Status: rewards.Scored, Detail: d.String(), Components: comps}
}

// episode is one run on one row. The caller serialises calls to it.
type episode struct {
	env *Env
	row *Row
	st  state
	// restarted: the next python result is led by the restart note.
	restarted bool
	closed    bool
}

// Step implements envs.Episode (spec §8.4).
func (ep *episode) Step(ctx context.Context, action envs.Message) (envs.StepResult, error) {
	if ep.st.Done {
		return envs.StepResult{}, envs.ErrEpisodeDone
	}
	before, restarted := ep.st, ep.restarted
	before.Statuses = maps.Clone(ep.st.Statuses)
	st := &ep.st
	st.Turns++
	text := action.Text()
	if ans, ok := medcalc.AnswerText(text); ok {
		st.Answer, st.AnswerTurn = ans, st.Turns
	}
	tooling := len(st.Tools) > 0
	if tooling {
		st.Calls.add(action.ToolCalls)
	}
	switch {
	case !tooling:
		var extra []string
		if len(action.ToolCalls) > 0 {
			extra = append(extra, "tool calls ignored (use_tools is off)")
		}
		return ep.finish(ctx, text, false, extra), nil
	case len(action.ToolCalls) == 0:
		return ep.finish(ctx, text, false, nil), nil
	case st.Turns >= st.MaxTurns:
		return ep.finish(ctx, text, true, []string{fmt.Sprintf("turn limit %d reached with %d tool calls pending (not run)", st.MaxTurns, len(action.ToolCalls))}), nil
	}
	obs, failure, err := ep.runCalls(ctx, action.ToolCalls)
	if err != nil {
		ep.st, ep.restarted = before, restarted // the caller's context ended: nothing is applied
		return envs.StepResult{}, err
	}
	if failure != "" {
		st.Done = true
		ep.closeSession(ctx)
		r := rewards.Failed(rewards.SandboxFailed, fmt.Sprintf("calculator %d: %s; the episode ended at turn %d", ep.row.Gold.CalculatorID, failure, st.Turns))
		return envs.StepResult{Truncated: true, Reward: &r}, nil
	}
	return envs.StepResult{Observation: obs}, nil
}

// finish ends the episode and grades it.
func (ep *episode) finish(ctx context.Context, final string, truncated bool, extra []string) envs.StepResult {
	st := &ep.st
	st.Done = true
	var a answerSource
	m := medcalc.Official
	if st.Compat {
		m = medcalc.Medmarks
		a = finalMessage(final, "assistant")
	} else {
		a = answerSource{answer: st.Answer, found: st.AnswerTurn > 0, where: fmt.Sprintf("assistant message %d of %d", st.AnswerTurn, st.Turns)}
	}
	var c *counts
	if len(st.Tools) > 0 {
		c = &st.Calls
		if len(st.Statuses) > 0 {
			extra = append(extra, "tool results: "+statusSummary(st.Statuses))
		}
		ep.closeSession(ctx)
	}
	r := grade(ep.row, a, m, c, st.Turns, extra)
	return envs.StepResult{Terminated: !truncated, Truncated: truncated, Reward: &r}
}

func statusSummary(s map[string]int) string {
	keys := slices.Sorted(maps.Keys(s))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, s[k])
	}
	return strings.Join(parts, ", ")
}

// State implements envs.Episode.
func (ep *episode) State() ([]byte, error) { return json.Marshal(ep.st) }

// Close implements envs.Episode: it frees the episode's sandbox session;
// a second call is a no-op.
func (ep *episode) Close(ctx context.Context) error {
	if ep.closed || len(ep.st.Tools) == 0 || ep.env.tools == nil {
		ep.closed = true
		return nil
	}
	if err := ep.env.tools.CloseSession(ctx, ep.st.Session); err != nil {
		return fmt.Errorf("%s: close tool session: %w", Name, err)
	}
	ep.closed = true
	return nil
}

// closeSession frees the session when the episode ends; on failure Close
// tries again.
func (ep *episode) closeSession(ctx context.Context) {
	_ = ep.Close(ctx)
}
