package judge_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func ptr[T any](v T) *T { return &v }

func TestConfigValidate(t *testing.T) {
	good := judge.Endpoint{Name: "mini", BaseURL: "https://example.org/api/v1", Model: "openai/gpt-5-mini", APIKeyEnv: "JUDGE_API_KEY"}
	tests := []struct {
		name string
		give func(*judge.Config)
		want []string
	}{
		{name: "default_no_judges", give: func(*judge.Config) {}},
		{name: "one_good_judge", give: func(c *judge.Config) { c.Judges = []judge.Endpoint{good} }},
		{
			name: "every_field_wrong",
			give: func(c *judge.Config) {
				c.Judges = []judge.Endpoint{good, {
					Name: "bad name", BaseURL: "ftp://x", Model: " ", APIKeyEnv: "sk-live-123", Timeout: -time.Second,
					Sampling: judge.Sampling{Temperature: ptr(-1.0), TopP: ptr(1.5), TopK: ptr(-2), MinP: ptr(2.0),
						MaxTokens: ptr(0), MaxCompletionTokens: ptr(-1), ReasoningEffort: "a b"},
					Headers: map[string]string{"Authorization": "Bearer sk-live-123", "X Bad": "v", "X-Ok": "a\nb", "Host": "h"},
				}}
				c.Judge = judge.Policy{MaxAttempts: 0, Concurrency: 0, RPM: -1, TPM: -1, CacheTTL: -time.Second}
			},
			want: []string{
				`judges[1].name: want 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, got "bad name"`,
				`judges[1].base_url: want an http or https URL, got scheme "ftp"`,
				`judges[1].model: required`,
				`judges[1].api_key_env: want the name of an environment variable (letters, digits, '_'), not the key itself`,
				`judges[1].timeout: want a positive duration or 0 for 1m0s, got -1s`,
				`judges[1].sampling.temperature: want a finite number ≥ 0`,
				`judges[1].sampling.top_p: want 0 to 1`,
				`judges[1].sampling.top_k: want -1 (off), 0 or more, got -2`,
				`judges[1].sampling.min_p: want 0 to 1`,
				`judges[1].sampling.max_tokens: want 1 or more, got 0`,
				`judges[1].sampling.max_completion_tokens: want 1 or more, got -1`,
				`judges[1].sampling.reasoning_effort: want a word such as low, medium or high, got "a b"`,
				`judges[1].headers.Authorization: set the key through api_key_env, never in the config`,
				`judges[1].headers.Host: set by the client, cannot be overridden`,
				`judges[1].headers.X Bad: not a valid header name`,
				`judges[1].headers.X-Ok: value contains a line break or NUL`,
				`judge.max_attempts: want 1 to 100, got 0`,
				`judge.concurrency: want 1 to 10000, got 0`,
				`judge.rpm: want 0 (no limit) or more, got -1`,
				`judge.tpm: want 0 (no limit) or more, got -1`,
				`judge.cache_ttl: want 0 (no expiry) or a positive duration, got -1s`,
			},
		},
		{
			name: "required_and_duplicates",
			give: func(c *judge.Config) { c.Judges = []judge.Endpoint{good, {Name: "mini"}, {}} },
			want: []string{
				`judges[1].name: "mini" is already the name of judges[0]`,
				`judges[1].base_url: required`,
				`judges[1].model: required`,
				`judges[2].name: required`,
				`judges[2].base_url: required`,
				`judges[2].model: required`,
			},
		},
		{
			name: "base_url_shapes",
			give: func(c *judge.Config) {
				c.Judges = []judge.Endpoint{
					{Name: "a", Model: "m", BaseURL: "https://user:pw@example.org/v1"},
					{Name: "b", Model: "m", BaseURL: "https://example.org/v1?api-version=1"},
					{Name: "c", Model: "m", BaseURL: "https:///v1"},
				}
			},
			want: []string{
				`judges[0].base_url: must not carry credentials; put the key in the variable named by api_key_env`,
				`judges[1].base_url: must not have a query or fragment; /chat/completions is appended to it`,
				`judges[2].base_url: no host`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := judge.DefaultConfig()
			tt.give(&cfg)
			err := cfg.Validate()
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
				for _, secret := range []string{"sk-live-123", "pw@"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("Validate echoes a secret %q: %v", secret, err)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigYAML decodes the example of spec common.md §8 strictly.
func TestConfigYAML(t *testing.T) {
	const doc = `
judges:
  - name: mini
    base_url: https://example.org/api/v1
    model: openai/gpt-5-mini
    api_key_env: JUDGE_API_KEY
    timeout: 60s
    sampling: {max_completion_tokens: 4096, temperature: 0.7}
    headers: {X-Team: medarc}
judge:
  max_attempts: 4
  concurrency: 64
  rpm: 0
  tpm: 0
  cache: true
  cache_ttl: 720h
`
	cfg := judge.DefaultConfig()
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	want := judge.Config{
		Judges: []judge.Endpoint{{
			Name: "mini", BaseURL: "https://example.org/api/v1", Model: "openai/gpt-5-mini", APIKeyEnv: "JUDGE_API_KEY",
			Timeout: time.Minute, Sampling: judge.Sampling{MaxCompletionTokens: ptr(4096), Temperature: ptr(0.7)},
			Headers: map[string]string{"X-Team": "medarc"},
		}},
		Judge: judge.Policy{MaxAttempts: 4, Concurrency: 64, Cache: true, CacheTTL: 720 * time.Hour},
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("decoded config mismatch (-want +got):\n%s", diff)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	typo := yaml.NewDecoder(bytes.NewReader([]byte("judge:\n  max_attempt: 3\n")))
	typo.KnownFields(true)
	if err := typo.Decode(&cfg); err == nil || !strings.Contains(err.Error(), "max_attempt") {
		t.Errorf("typo decoded: %v", err)
	}
}

func TestKeyEnv(t *testing.T) {
	tests := []struct {
		name string
		give map[string]string
		want string
	}{
		{"none", map[string]string{}, "JUDGE_API_KEY"},
		{"judge", map[string]string{"JUDGE_API_KEY": "a", "OPENAI_API_KEY": "b"}, "JUDGE_API_KEY"},
		{"openai_only", map[string]string{"OPENAI_API_KEY": "b"}, "OPENAI_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge.KeyEnv(func(k string) (string, bool) { v, ok := tt.give[k]; return v, ok })
			if got != tt.want {
				t.Errorf("KeyEnv() = %q, want %q", got, tt.want)
			}
		})
	}
}
