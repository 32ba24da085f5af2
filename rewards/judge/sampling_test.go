package judge_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func TestDefaultSampling(t *testing.T) {
	tests := []struct {
		give string
		want string // the sampling as sent, or "unknown"
	}{
		{"openai/gpt-5-mini", `{"temperature":1,"reasoning_effort":"low"}`},
		{"openai/gpt-5-nano", `{"temperature":1,"reasoning_effort":"low"}`},
		{"gpt-5.1-mini", `{"temperature":1,"reasoning_effort":"low"}`},
		{"openai/gpt-5.2", `{"temperature":1,"reasoning_effort":"low"}`},
		{"google/gemini-3-flash-preview", `{"temperature":1,"top_p":0.95,"top_k":64,"reasoning_effort":"low"}`},
		{"google/gemini-2.5-pro", `{"temperature":1,"top_p":0.95,"top_k":64}`},
		{"anthropic/claude-sonnet-4.5", `{"temperature":0.5}`},
		{"claude-4.0-opus", `{"temperature":0.5}`},
		{"x-ai/grok-4.1-fast", `{"temperature":0.2}`},
		{"x-ai/grok-4", `{"temperature":0.2}`},
		{"openai/gpt-oss-120b", `{"temperature":1,"top_p":1,"top_k":0,"reasoning_effort":"low"}`},
		{"Qwen/Qwen3-235B-A22B-Thinking-2507", `{"temperature":0.6,"top_p":0.95,"top_k":20,"min_p":0}`},
		{"qwen/qwen3-max", `{"temperature":0.6,"top_p":0.95,"top_k":20,"min_p":0}`},
		{"qwen-3-thinking", `{"temperature":0.6,"top_p":0.95,"top_k":20,"min_p":0}`},
		{"z-ai/glm-4.6", `{"temperature":1,"top_p":0.95,"top_k":40}`},
		{"zai-org/GLM-4.7", `{"temperature":1,"top_p":0.95,"top_k":40}`},
		{"zai-org/GLM-4.5-Air", `{"temperature":0.6,"top_p":0.95}`},
		{"deepseek-ai/DeepSeek-R1-0528", `{"temperature":0.6}`},
		{"moonshotai/kimi-k2-thinking", `{"temperature":1}`},
		{"openai/gpt-4o-mini", `{"temperature":0.5,"top_p":1}`},
		{"GPT_4.1", `{"temperature":0.5,"top_p":1}`},
		{"meta-llama/llama-3.3-70b-instruct", "unknown"},
		{"claude-sonnet-4", "unknown"},
		{"gpt-5o", "unknown"},
		{"kimi-k2", "unknown"},
		{"", "unknown"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.give, "/", "_"), func(t *testing.T) {
			s, ok := judge.DefaultSampling(tt.give)
			got := "unknown"
			if ok {
				got = wire(t, s)
			}
			if got != tt.want {
				t.Errorf("DefaultSampling(%q) = %s, want %s", tt.give, got, tt.want)
			}
		})
	}
}

// wire is the JSON a Sampling is sent as.
func wire(t *testing.T, s judge.Sampling) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Temperature     *float64 `json:"temperature,omitempty"`
		TopP            *float64 `json:"top_p,omitempty"`
		TopK            *int     `json:"top_k,omitempty"`
		MinP            *float64 `json:"min_p,omitempty"`
		ReasoningEffort string   `json:"reasoning_effort,omitempty"`
	}{s.Temperature, s.TopP, s.TopK, s.MinP, s.ReasoningEffort})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
