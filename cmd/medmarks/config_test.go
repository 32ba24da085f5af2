package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	good := writeFile(t, "c.yaml", `
server:
  listen: 127.0.0.1:6000
  score_deadline: 90s
episodes:
  episode_ttl: 5m
judges:
  - name: mini
    base_url: http://127.0.0.1:8000/v1
    model: openai/gpt-5-mini
judge:
  max_attempts: 3
envs:
  medqa:
    options: {shuffle_answers: true, shuffle_seed: 9331}
    prompt_templates: {short: short.yaml}
`)
	c, err := loadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Listen != "127.0.0.1:6000" || c.Server.ScoreDeadline != 90*time.Second || c.Episodes.TTL != 5*time.Minute ||
		len(c.Judges.Judges) != 1 || c.Judges.Judge.MaxAttempts != 3 || c.Server.MaxCompletionBytes != 1<<20 {
		t.Fatalf("config: %+v", c)
	}
	if p := c.Envs["medqa"].PromptTemplates["short"]; p != filepath.Join(filepath.Dir(good), "short.yaml") {
		t.Fatalf("template path %q is not relative to the config file", p)
	}
	ec, err := c.envConfigs()
	if err != nil || string(ec["medqa"].Options["shuffle_seed"]) != "9331" {
		t.Fatalf("env configs: %v %s", err, ec["medqa"].Options["shuffle_seed"])
	}
	for _, tt := range []struct{ body, mention string }{
		{"server:\n  lisen: x\n", "lisen"},
		{"episodes:\n  episode_ttl: soon\n", "line 2"},
		{"log:\n  level: loud\n", "log.level"},
		{"server:\n  batch_window: 0\n", "server.batch_window"},
	} {
		c, err := loadConfig(writeFile(t, "bad.yaml", tt.body))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%q: %v, want an error naming %s", tt.body, err, tt.mention)
		}
	}
	if _, err := loadConfig(writeFile(t, "empty.yaml", "")); err != nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestJudgeFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    []judge.Endpoint
		wantErr string
	}{
		{[]string{"--judge-url", "http://a/v1", "--judge-model", "m1", "--judge-model", "m2"},
			[]judge.Endpoint{{Name: "judge1", BaseURL: "http://a/v1", Model: "m1"}, {Name: "judge2", BaseURL: "http://a/v1", Model: "m2"}}, ""},
		{[]string{"--judge-url", "http://a/v1", "--judge-url", "http://b/v1", "--judge-model", "m1", "--judge-model", "m2"},
			[]judge.Endpoint{{Name: "judge1", BaseURL: "http://a/v1", Model: "m1"}, {Name: "judge2", BaseURL: "http://b/v1", Model: "m2"}}, ""},
		{[]string{"--judge-url", "http://a/v1", "--judge-url", "http://b/v1", "--judge-model", "m1", "--judge-model", "m2", "--judge-model", "m3"}, nil, "give one URL for every model"},
		{[]string{"--judge-url", "http://a/v1"}, nil, "needs --judge-model"},
		{[]string{"--judge-model", "m"}, nil, "needs --judge-url"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var jf judgeFlags
		jf.register(fs)
		if err := fs.Parse(append(tt.args, "--judge-key-env", "MY_KEY")); err != nil {
			t.Fatal(err)
		}
		c := judge.DefaultConfig()
		err := jf.apply(&c, func(string) {})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitOf(err) != 2 {
				t.Errorf("%v: %v, want a usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		for i := range tt.want {
			tt.want[i].APIKeyEnv = "MY_KEY"
		}
		if len(c.Judges) != len(tt.want) {
			t.Fatalf("%v: judges %+v", tt.args, c.Judges)
		}
		for i := range tt.want {
			if c.Judges[i].Name != tt.want[i].Name || c.Judges[i].BaseURL != tt.want[i].BaseURL || c.Judges[i].Model != tt.want[i].Model || c.Judges[i].APIKeyEnv != "MY_KEY" {
				t.Errorf("%v: judge %d = %+v, want %+v", tt.args, i, c.Judges[i], tt.want[i])
			}
		}
	}
}
