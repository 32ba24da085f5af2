package medcalcbench_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// FuzzInline: any inline example is scored or refused with an InputError
// naming a field; a scored one is SCORED 0 or 1.
func FuzzInline(f *testing.F) {
	for _, s := range []string{
		`{"Calculator ID": "2", "Ground Truth Answer": "25.238", "Lower Limit": "23.9761", "Upper Limit": "26.4999"}`,
		`{"Calculator ID": 69, "Ground Truth Answer": "('14 weeks', '1 days')"}`,
		`{"Calculator ID": "13", "Ground Truth Answer": "09/23/2014"}`, `{}`, `[]`, `null`, `{"Calculator ID": 1e400}`,
		`{"Calculator ID": "4", "Ground Truth Answer": "4", "Lower Limit": [1]}`,
	} {
		f.Add(s, "<answer>25.24</answer>")
	}
	e := build(f, demo.FS(), nil)
	opts, err := e.Options.Parse("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, example, completion string) {
		r, err := e.Env.Score(ctx, envs.ScoreRequest{Inline: []byte(example), Completion: envs.TextCompletion(completion), Options: opts})
		if err != nil {
			var ie *envs.InputError
			if !errors.As(err, &ie) || !strings.HasPrefix(ie.Field, "example") {
				t.Fatalf("error %v is not an InputError on the example", err)
			}
			return
		}
		if r.Status != rewards.Scored || (r.Value != 0 && r.Value != 1) {
			t.Fatalf("reward %+v", r)
		}
	})
}

// FuzzToolCall: any tool call gets one tool message with its id and the
// episode goes on; nothing fails the request.
func FuzzToolCall(f *testing.F) {
	for _, s := range [][3]string{
		{"c1", "calculator", `{"expression": "2 + 2"}`}, {"p", "python", `{"code": "print(1)"}`},
		{"", "code_interpreter", `"{\"code\": \"x = 1\"}"`}, {"x", "calc ulator", `{`}, {"y", "python", `null`},
		{"z", "calculator", `""`}, {"w", "calculator", `"\"\""`}, {"v", strings.Repeat("a", 65), `{}`},
	} {
		f.Add(s[0], s[1], s[2])
	}
	e := build(f, demo.FS(), newFakeTools())
	opts, err := e.Options.Parse(`{"use_tools": true}`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, name, args string) {
		ep, _, err := e.Env.Reset(ctx, envs.ResetRequest{Options: opts, EpisodeID: "fuzz"})
		if err != nil {
			t.Fatal(err)
		}
		defer ep.Close(ctx)
		res, err := ep.Step(ctx, envs.Message{Role: "assistant", ToolCalls: []envs.ToolCall{{ID: id, Name: name, Arguments: args}}})
		if err != nil {
			t.Fatalf("Step: %v", err)
		}
		if res.Terminated || res.Truncated || len(res.Observation) != 1 {
			t.Fatalf("result %+v", res)
		}
		m := res.Observation[0]
		if m.Role != "tool" || m.ToolCallID != id || !utf8.ValidString(m.Content) {
			t.Fatalf("tool message %+v", m)
		}
	})
}
