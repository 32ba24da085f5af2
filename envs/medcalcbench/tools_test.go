package medcalcbench_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// toolEnv is the v1.0 test set with a fresh fake toolbox.
func toolEnv(t *testing.T) (*envs.Entry, *fakeTools) {
	t.Helper()
	ft := newFakeTools()
	e := build(t, variantFS(map[string][]byte{"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}), ft)
	return e, ft
}

func calls(tcs ...envs.ToolCall) envs.Message {
	return envs.Message{Role: "assistant", Content: "Let me compute.", ToolCalls: tcs}
}

func tc(id, name, args string) envs.ToolCall {
	return envs.ToolCall{ID: id, Name: name, Arguments: args}
}

func step(t *testing.T, ep envs.Episode, m envs.Message) envs.StepResult {
	t.Helper()
	res, err := ep.Step(ctx, m)
	if err != nil {
		t.Fatalf("Step: %v", err)
	}
	return res
}

// contents returns the tool messages' contents, checking roles and ids.
func contents(t *testing.T, res envs.StepResult, ids ...string) []string {
	t.Helper()
	if res.Terminated || res.Truncated || res.Reward != nil {
		t.Fatalf("episode ended: %+v", res)
	}
	var out []string
	for i, m := range res.Observation {
		if m.Role != "tool" || i >= len(ids) || m.ToolCallID != ids[i] {
			t.Fatalf("tool message %d: %+v, want id %q", i, m, ids)
		}
		out = append(out, m.Content)
	}
	if len(out) != len(ids) {
		t.Fatalf("%d tool messages, want %d", len(out), len(ids))
	}
	return out
}

func components(r rewards.Reward) map[string]float64 {
	m := map[string]float64{}
	for _, c := range r.Components {
		m[c.Name] = c.Value
	}
	return m
}

// TestToolLoop: a calculator call, two python calls sharing the session's
// variables, then the answer (spec §8.4).
func TestToolLoop(t *testing.T) {
	e, ft := toolEnv(t)
	ep, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", EpisodeID: "ep-1", Options: parse(t, e, `{"use_tools": true}`)})
	if err != nil {
		t.Fatal(err)
	}
	if st.MaxTurns != 20 || len(st.Tools) != 2 {
		t.Fatalf("start %+v", st)
	}
	got := contents(t, step(t, ep, calls(tc("c1", "calculator", `{"expression": "(140 - 87) * 48 / (72 * 1.4)"}`))), "c1")
	if got[0] != "25.238095238095237" {
		t.Errorf("calculator: %q", got[0])
	}
	got = contents(t, step(t, ep, calls(tc("p1", "python", `{"code": "x = 53 * 48 / (72 * 1.4)"}`))), "p1")
	if got[0] != "" {
		t.Errorf("assignment printed %q", got[0])
	}
	got = contents(t, step(t, ep, calls(tc("p2", "python", `{"code": "print(x)"}`))), "p2")
	if got[0] != "25.238095238095237\n" {
		t.Errorf("python kept no state: %q", got[0])
	}
	res := step(t, ep, assistant("The clearance is about 25.24 mL/min.\n<answer>25.24</answer>"))
	if !res.Terminated || res.Truncated || res.Reward == nil || res.Reward.Value != 1 || res.Reward.Status != rewards.Scored {
		t.Fatalf("final step %+v", res)
	}
	want := map[string]float64{"correctness": 1, "num_turns": 4, "tool_calls": 3, "calculator_calls": 1, "python_calls": 2}
	if diff := cmp.Diff(want, components(*res.Reward)); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if !strings.Contains(res.Reward.Detail, "assistant message 4 of 4") || !strings.Contains(res.Reward.Detail, "python OK 2") {
		t.Errorf("detail %q", res.Reward.Detail)
	}
	// Every call ran in the episode's own session, which is closed at the end.
	for _, c := range ft.callLog() {
		if !strings.HasPrefix(c, "ep-1 ") {
			t.Errorf("call %q outside the episode's session", c)
		}
	}
	if !slices.Equal(ft.closedSessions(), []string{"ep-1"}) {
		t.Errorf("closed sessions %v", ft.closedSessions())
	}
	if _, err := ep.Step(ctx, assistant("x")); !errors.Is(err, envs.ErrEpisodeDone) {
		t.Errorf("Step after the end: %v", err)
	}
	if err := ep.Close(ctx); err != nil {
		t.Error(err)
	}
	if len(ft.closedSessions()) != 1 {
		t.Errorf("Close after the end closed again: %v", ft.closedSessions())
	}
	// Score with the whole message list grades the final answer.
	msgs := []envs.Message{
		calls(tc("c1", "calculator", `{"expression": "1"}`)), {Role: "tool", ToolCallID: "c1", Content: "1.0"},
		assistant("<answer>25.24</answer>"),
	}
	r := score(t, e, envs.ScoreRequest{Split: "1.0/test", ExampleID: "1", Completion: envs.Completion{Messages: msgs}, Options: parse(t, e, `{"use_tools": true}`)})
	if r.Value != 1 || components(r)["tool_calls"] != 1 || components(r)["num_turns"] != 2 {
		t.Errorf("Score of a tool trajectory: %+v", r)
	}
}

// TestMalformedCalls: every malformed call gets the spec's text as its tool
// message and the episode goes on (spec §8.4).
func TestMalformedCalls(t *testing.T) {
	e, ft := toolEnv(t)
	big := `{"expression": "` + strings.Repeat("1+", 33<<10) + `1"}`
	tests := []struct {
		name  string
		tools string
		give  envs.ToolCall
		want  string
	}{
		{"unknown tool", "", tc("a", "search", `{}`), "Error: unknown tool 'search'; available tools: calculator, python"},
		{"bad name", "", tc("a", "calc ulator", `{}`), "Error: unknown tool 'calc ulator'; available tools: calculator, python"},
		{"empty name", "", tc("a", "", `{}`), "Error: unknown tool ''; available tools: calculator, python"},
		{"tool not offered", `["calculator"]`, tc("a", "python", `{"code": "print(1)"}`), "Error: unknown tool 'python'; available tools: calculator"},
		{"alias not offered", `["calculator"]`, tc("a", "code_interpreter", `{"code": "print(1)"}`), "Error: unknown tool 'code_interpreter'; available tools: calculator"},
		{"invalid JSON", "", tc("a", "calculator", `{"expression": 2 + 2}`), `Error: the arguments of 'calculator' are not valid JSON; send a JSON object such as {"expression": "2 + 2"}`},
		{"invalid JSON python", "", tc("a", "python", `print(1)`), `Error: the arguments of 'python' are not valid JSON; send a JSON object such as {"code": "print(2 + 2)"}`},
		{"not an object", "", tc("a", "calculator", `["2 + 2"]`), "Error: the arguments of 'calculator' must be a JSON object"},
		{"double-encoded non-object", "", tc("a", "calculator", `"5"`), "Error: the arguments of 'calculator' must be a JSON object"},
		{"missing argument", "", tc("a", "calculator", `{"expr": "2 + 2"}`), "Error: 'calculator' needs a string argument 'expression'"},
		{"argument not a string", "", tc("a", "calculator", `{"expression": 4}`), "Error: 'calculator' needs a string argument 'expression'"},
		{"empty arguments", "", tc("a", "python", ``), "Error: 'python' needs a string argument 'code'"},
		{"null arguments", "", tc("a", "python", `null`), "Error: 'python' needs a string argument 'code'"},
		{"too large", "", tc("a", "calculator", big), "Error: the arguments of 'calculator' exceed 64 KiB"},
		// Tolerated as upstream:
		{"double-encoded object", "", tc("a", "calculator", `"{\"expression\": \"2 + 3\"}"`), "5.0"},
		{"extra keys", "", tc("a", "calculator", `{"expression": "2 * 3", "note": 1}`), "6.0"},
		{"alias", "", tc("a", "code_interpreter", `{"code": "print(7)"}`), "7\n"},
		{"empty id echoed", "", tc("", "calculator", `{"expression": "1"}`), "1.0"},
	}
	for _, tt := range tests {
		opts := `{"use_tools": true}`
		if tt.tools != "" {
			opts = fmt.Sprintf(`{"use_tools": true, "tools": %s}`, tt.tools)
		}
		ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, opts)})
		if err != nil {
			t.Fatal(err)
		}
		before := len(ft.callLog())
		got := contents(t, step(t, ep, calls(tt.give)), tt.give.ID)
		if got[0] != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, medcalcShort(got[0]), tt.want)
		}
		ran := len(ft.callLog()) > before
		if ran != !strings.HasPrefix(tt.want, "Error:") {
			t.Errorf("%s: reached the tools = %v", tt.name, ran)
		}
		// The episode goes on.
		if res := step(t, ep, assistant("<answer>25.24</answer>")); !res.Terminated || res.Reward.Value != 1 {
			t.Errorf("%s: the episode did not go on: %+v", tt.name, res)
		}
	}

	// 17 calls in one message: the 17th gets the limit error; ids are
	// echoed, also when repeated.
	ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, `{"use_tools": true}`)})
	if err != nil {
		t.Fatal(err)
	}
	var many []envs.ToolCall
	var ids []string
	for i := range 17 {
		id := fmt.Sprintf("c%d", i%3)
		many = append(many, tc(id, "calculator", fmt.Sprintf(`{"expression": "%d"}`, i)))
		ids = append(ids, id)
	}
	got := contents(t, step(t, ep, calls(many...)), ids...)
	if got[15] != "15.0" || got[16] != "Error: too many tool calls in one message (at most 16)" {
		t.Errorf("16th %q, 17th %q", got[15], got[16])
	}
}

func medcalcShort(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestMaxTurns: an episode that keeps calling tools ends at max_turns,
// truncated, the last calls not run, SCORED from the last tagged message.
func TestMaxTurns(t *testing.T) {
	e, ft := toolEnv(t)
	for _, tt := range []struct {
		name    string
		first   string
		want    float64
		maxOpts string
		turns   int
	}{
		{"no answer", "Thinking.", 0, `{"use_tools": true}`, 20},
		{"answer given, then more calls", "<answer>25.24</answer>", 1, `{"use_tools": true, "max_turns": 3}`, 3},
	} {
		ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", EpisodeID: "loop-" + tt.name, Options: parse(t, e, tt.maxOpts)})
		if err != nil {
			t.Fatal(err)
		}
		for turn := 1; ; turn++ {
			m := calls(tc("c", "calculator", `{"expression": "2 + 2"}`))
			if turn == 1 {
				m.Content = tt.first
			}
			before := len(ft.callLog())
			res := step(t, ep, m)
			if turn < tt.turns {
				contents(t, res, "c")
				continue
			}
			if turn != tt.turns || !res.Truncated || res.Terminated || res.Reward == nil {
				t.Fatalf("%s turn %d: %+v", tt.name, turn, res)
			}
			if len(ft.callLog()) != before || len(res.Observation) != 0 {
				t.Errorf("%s: the calls of the last turn ran", tt.name)
			}
			if res.Reward.Status != rewards.Scored || res.Reward.Value != tt.want || !strings.Contains(res.Reward.Detail, "turn limit") {
				t.Errorf("%s: reward %+v", tt.name, res.Reward)
			}
			if components(*res.Reward)["num_turns"] != float64(tt.turns) || components(*res.Reward)["tool_calls"] != float64(tt.turns) {
				t.Errorf("%s: components %v", tt.name, components(*res.Reward))
			}
			break
		}
	}
}

// TestSandboxFailure: a python call the sandbox cannot run ends the episode
// truncated with SANDBOX_FAILED, never 0; a calculator-only episode still
// works (spec §8.5).
func TestSandboxFailure(t *testing.T) {
	e, ft := toolEnv(t)
	ft.fail = errors.New("sandbox: backend unavailable")
	ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", EpisodeID: "broken", Options: parse(t, e, `{"use_tools": true}`)})
	if err != nil {
		t.Fatal(err)
	}
	contents(t, step(t, ep, calls(tc("c", "calculator", `{"expression": "1"}`))), "c")
	res := step(t, ep, calls(tc("c", "calculator", `{"expression": "1"}`), tc("p", "python", `{"code": "print(1)"}`)))
	if !res.Truncated || res.Terminated || len(res.Observation) != 0 || res.Reward == nil {
		t.Fatalf("step %+v", res)
	}
	if res.Reward.Status != rewards.SandboxFailed || !strings.Contains(res.Reward.Detail, "backend unavailable") {
		t.Errorf("reward %+v", res.Reward)
	}
	if _, err := ep.Step(ctx, assistant("<answer>1</answer>")); !errors.Is(err, envs.ErrEpisodeDone) {
		t.Errorf("Step after the failure: %v", err)
	}
	if !slices.Contains(ft.closedSessions(), "broken") {
		t.Errorf("session not closed: %v", ft.closedSessions())
	}
	ep, _, err = e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, `{"use_tools": true, "tools": ["calculator"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	contents(t, step(t, ep, calls(tc("c", "calculator", `{"expression": "53 * 48 / (72 * 1.4)"}`))), "c")
	if res := step(t, ep, assistant("<answer>25.238</answer>")); res.Reward.Status != rewards.Scored || res.Reward.Value != 1 {
		t.Errorf("calculator-only episode: %+v", res.Reward)
	}
}

// TestCanceledStep: a Step whose context ends applies nothing; it can be
// retried.
func TestCanceledStep(t *testing.T) {
	e, _ := toolEnv(t)
	ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, `{"use_tools": true}`)})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := ep.State()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ep.Step(cctx, calls(tc("p", "python", `{"code": "x = 1"}`))); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Step: %v", err)
	}
	after, _ := ep.State()
	if string(before) != string(after) {
		t.Errorf("state changed by a canceled Step:\n%s\n%s", before, after)
	}
	contents(t, step(t, ep, calls(tc("p", "python", `{"code": "x = 1"}`))), "p")
}

// TestRestore: a restored episode keeps its session id and counters, and
// its first python result says the interpreter was restarted.
func TestRestore(t *testing.T) {
	e, ft := toolEnv(t)
	opts := parse(t, e, `{"use_tools": true}`)
	ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", EpisodeID: "keep", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	contents(t, step(t, ep, calls(tc("p", "python", `{"code": "x = 2"}`))), "p")
	state, err := ep.State()
	if err != nil {
		t.Fatal(err)
	}
	if err := ep.Close(ctx); err != nil {
		t.Fatal(err)
	}
	back, err := e.Env.Restore(ctx, state, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := contents(t, step(t, back, calls(tc("p", "python", `{"code": "print(x)"}`))), "p")
	if !strings.HasPrefix(got[0], medcalcbench.RestartNote+"Error: NameError") {
		t.Errorf("after restore: %q", got[0])
	}
	got = contents(t, step(t, back, calls(tc("p", "python", `{"code": "print(3)"}`))), "p")
	if got[0] != "3\n" {
		t.Errorf("second call after restore: %q", got[0])
	}
	for _, c := range ft.callLog() {
		if !strings.HasPrefix(c, "keep ") {
			t.Errorf("call %q outside the episode's session", c)
		}
	}
	res := step(t, back, assistant("<answer>25.24</answer>"))
	if res.Reward.Value != 1 || components(*res.Reward)["python_calls"] != 3 || components(*res.Reward)["num_turns"] != 4 {
		t.Errorf("reward after restore %+v", res.Reward)
	}
}

// TestNoToolMode: without use_tools the first message ends the episode
// and its tool calls are ignored, as detail says.
func TestNoToolMode(t *testing.T) {
	e, ft := toolEnv(t)
	ep, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, "")})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tools) != 0 || st.MaxTurns != 1 {
		t.Fatalf("start %+v", st)
	}
	m := calls(tc("c", "calculator", `{"expression": "1"}`))
	m.Content = "<answer>25.24</answer>"
	res := step(t, ep, m)
	if !res.Terminated || res.Reward.Value != 1 || !strings.Contains(res.Reward.Detail, "tool calls ignored") || len(ft.callLog()) != 0 {
		t.Errorf("%+v", res)
	}
	if len(res.Reward.Components) != 1 {
		t.Errorf("components without tools: %+v", res.Reward.Components)
	}
}

// TestCompatEpisode: under compat "medmarks" only the final message counts.
func TestCompatEpisode(t *testing.T) {
	e, _ := toolEnv(t)
	for _, tt := range []struct {
		opts string
		want float64
	}{{`{"use_tools": true}`, 1}, {`{"use_tools": true, "compat": "medmarks"}`, 0}} {
		ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, tt.opts)})
		if err != nil {
			t.Fatal(err)
		}
		m := calls(tc("c", "calculator", `{"expression": "1"}`))
		m.Content = "<answer>25.24</answer>"
		contents(t, step(t, ep, m), "c")
		if res := step(t, ep, assistant("That is my answer.")); res.Reward.Value != tt.want {
			t.Errorf("%s: %v (%s)", tt.opts, res.Reward.Value, res.Reward.Detail)
		}
	}
}

// TestRestoreWithoutTools: an episode restored on a server started without
// tools ends SANDBOX_FAILED at its next call instead of failing the call.
func TestRestoreWithoutTools(t *testing.T) {
	e, _ := toolEnv(t)
	ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", EpisodeID: "moved", Options: parse(t, e, `{"use_tools": true}`)})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := ep.State()
	bare := build(t, variantFS(map[string][]byte{"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}), nil)
	back, err := bare.Env.Restore(ctx, state, parse(t, bare, ""))
	if err != nil {
		t.Fatal(err)
	}
	res := step(t, back, calls(tc("c", "calculator", `{"expression": "1"}`)))
	if !res.Truncated || res.Reward == nil || res.Reward.Status != rewards.SandboxFailed {
		t.Errorf("%+v", res)
	}
	if err := back.Close(ctx); err != nil {
		t.Error(err)
	}
}
