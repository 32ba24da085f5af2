package chatapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

func ptr[T any](v T) *T { return &v }

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		give chatapi.Request
		want string
	}{
		{
			name: "no_sampling",
			give: chatapi.UserRequest("m", "hi", chatapi.Sampling{}),
			want: `{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		},
		{
			name: "every_field_in_order",
			give: chatapi.UserRequest("openai/gpt-oss-120b", "p", chatapi.Sampling{
				Temperature: ptr(1.0), TopP: ptr(0.95), TopK: ptr(0), MinP: ptr(0.0),
				MaxTokens: ptr(512), MaxCompletionTokens: ptr(256), ReasoningEffort: "low", Seed: ptr(int64(7)),
			}),
			want: `{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":"p"}],` +
				`"temperature":1,"top_p":0.95,"top_k":0,"min_p":0,"max_tokens":512,` +
				`"max_completion_tokens":256,"reasoning_effort":"low","seed":7}`,
		},
		{
			name: "no_html_escaping",
			give: chatapi.UserRequest("m", "<answer>A & B</answer> \u2028 \"q\"", chatapi.Sampling{}),
			want: `{"model":"m","messages":[{"role":"user","content":"<answer>A & B</answer> \u2028 \"q\""}]}`,
		},
		{
			name: "invalid_utf8_replaced",
			give: chatapi.UserRequest("m", "a\xffb", chatapi.Sampling{}),
			want: `{"model":"m","messages":[{"role":"user","content":"a\ufffdb"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.give.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Encode() mismatch (-want +got):\n%s", diff)
			}
			again, _ := tt.give.Encode()
			if string(again) != string(got) {
				t.Errorf("Encode() not deterministic: %s vs %s", got, again)
			}
		})
	}
}

func TestOutputBudget(t *testing.T) {
	tests := []struct {
		give chatapi.Sampling
		want int
	}{
		{chatapi.Sampling{}, 0},
		{chatapi.Sampling{MaxTokens: ptr(100)}, 100},
		{chatapi.Sampling{MaxTokens: ptr(100), MaxCompletionTokens: ptr(50)}, 50},
	}
	for _, tt := range tests {
		if got := tt.give.OutputBudget(); got != tt.want {
			t.Errorf("OutputBudget(%+v) = %d, want %d", tt.give, got, tt.want)
		}
	}
}
