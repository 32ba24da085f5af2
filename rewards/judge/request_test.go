package judge_test

import (
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// TestRequestBody checks the exact bytes sent: model, one user message
// with the prompt as written (no HTML escaping), then the sampling defaults
// of the model table with the config's overrides, in a fixed order.
func TestRequestBody(t *testing.T) {
	tests := []struct {
		name     string
		model    string
		sampling judge.Sampling
		want     string
	}{
		{
			name: "gpt5_with_override", model: "openai/gpt-5-mini", sampling: judge.Sampling{MaxCompletionTokens: ptr(2048)},
			want: `{"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"<answer>A & B</answer>"}],"temperature":1,"max_completion_tokens":2048,"reasoning_effort":"low"}`,
		},
		{
			name: "qwen_extra_body_fields", model: "qwen/qwen3-max",
			want: `{"model":"qwen/qwen3-max","messages":[{"role":"user","content":"<answer>A & B</answer>"}],"temperature":0.6,"top_p":0.95,"top_k":20,"min_p":0}`,
		},
		{
			name: "override_replaces_default", model: "google/gemini-3-flash-preview", sampling: judge.Sampling{Temperature: ptr(0.0), ReasoningEffort: "high", Seed: ptr(int64(3))},
			want: `{"model":"google/gemini-3-flash-preview","messages":[{"role":"user","content":"<answer>A & B</answer>"}],"temperature":0,"top_p":0.95,"top_k":64,"reasoning_effort":"high","seed":3}`,
		},
		{
			name: "unknown_model_no_sampling", model: "local/llama",
			want: `{"model":"local/llama","messages":[{"role":"user","content":"<answer>A & B</answer>"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := judgetest.New(t)
			c := newClient(t, config(j.URL, func(cfg *judge.Config) {
				cfg.Judges[0].Model = tt.model
				cfg.Judges[0].Sampling = tt.sampling
			}), judge.Settings{})
			v := askOne(t, c, judge.Question{Prompt: "<answer>A & B</answer>", Parser: "x"})
			if v.Err != nil || v.Reply != "ok" {
				t.Fatalf("verdict %+v", v)
			}
			reqs := j.Requests()
			if len(reqs) != 1 {
				t.Fatalf("calls = %d", len(reqs))
			}
			if got := string(reqs[0].Body); got != tt.want {
				t.Errorf("body:\n got %s\nwant %s", got, tt.want)
			}
			if reqs[0].Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q", reqs[0].Header.Get("Content-Type"))
			}
		})
	}
}
