package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return out.String(), errb.String(), err
}

func exitOf(err error) int { return exitCode(err, &bytes.Buffer{}) }

func TestScoreJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "example_id": "0", "completion": "<answer>C</answer>"}`,
		`{"id": "b", "example_id": "0", "completion": "<answer>B</answer>", "completion_tokens": 12}`,
		`{"id": 3, "example": {"question": "q?", "options": {"A": "x", "B": "y"}, "answer_idx": "B"}, "completion": [{"role": "assistant", "content": [{"type": "text", "text": "<answer>B</answer>"}]}]}`,
		"{\"id\": \"bad-utf8\", \"completion\": \"\xff\"}",
		`not json`,
		``,
		`{"id": "unknown", "example_id": "999", "completion": "x"}`,
		`{"id": "opt", "example_id": "0", "completion": "x", "options": {"shuffle_seed": "abc"}}`,
		`{"id": "inline-bad", "example": {"question": "q"}, "completion": "x"}`,
		`{"id": "eff", "example_id": "0", "completion": "<answer>C</answer>", "completion_tokens": 150, "options": {"length_budget_tokens": 100, "efficiency_weight": 1}}`,
	}, "\n")
	out, stderr, err := runCLI(t, in, "score", "--env", "medqa")
	if exitOf(err) != 1 {
		t.Fatalf("exit %d (%v), want 1; stderr:\n%s", exitOf(err), err, stderr)
	}
	type line struct {
		ID         any            `json:"id"`
		Reward     *float64       `json:"reward"`
		Status     string         `json:"status"`
		Detail     string         `json:"detail"`
		EnvVersion string         `json:"env_version"`
		Components map[string]any `json:"components"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var x line
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got = append(got, x)
	}
	f := func(v float64) *float64 { return &v }
	want := []struct {
		id      any
		reward  *float64
		status  string
		mention string
	}{
		{"a", f(1), "SCORED", "strategy 1"},
		{"b", f(0), "SCORED", "strategy 1"},
		{3.0, f(1), "SCORED", ""},
		{nil, nil, "INVALID_INPUT", "invalid UTF-8"},
		{nil, nil, "INVALID_INPUT", "not a JSON object"},
		{"unknown", nil, "INVALID_INPUT", "999"},
		{"opt", nil, "INVALID_INPUT", "options.shuffle_seed"},
		{"inline-bad", nil, "INVALID_INPUT", "example.options"},
		{"eff", f(0.5), "SCORED", "efficiency"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d output lines, want %d:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		g := got[i]
		if !cmp.Equal(g.ID, w.id) || !cmp.Equal(g.Reward, w.reward) || g.Status != w.status || !strings.Contains(g.Detail, w.mention) {
			t.Errorf("line %d = %+v; want id %v reward %v %s mentioning %q", i, g, w.id, w.reward, w.status, w.mention)
		}
		if g.Status == "SCORED" && (g.EnvVersion != "medqa@1.0.0" || g.Components["accuracy"] == nil) {
			t.Errorf("line %d: version %q, components %v", i, g.EnvVersion, g.Components)
		}
	}
	if !strings.Contains(stderr, "9 lines") || !strings.Contains(stderr, "INVALID_INPUT 5") || !strings.Contains(stderr, "SCORED 4") {
		t.Errorf("summary: %s", stderr)
	}
}

func TestScoreFilesAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	outPath := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(in, []byte(`{"id": 1, "example_id": "demo-0001-scurvy", "completion": "<answer>C</answer>"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, "", "score", "--env", "med_mcqa", "--in", in, "--out", outPath)
	if err != nil {
		t.Fatalf("all scored: %v", err)
	}
	b, _ := os.ReadFile(outPath)
	if !strings.Contains(string(b), `"reward":1`) || !strings.Contains(string(b), `"env_version":"medmcqa@1.0.0"`) {
		t.Fatalf("output: %s", b)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"score"}, 2},
		{[]string{"score", "--env", "nope"}, 2},
		{[]string{"score", "--env", "medqa", "--in", filepath.Join(dir, "missing")}, 2},
		{[]string{"score", "--env", "medqa", "--bogus"}, 2},
		{[]string{"bogus"}, 2},
		{[]string{"score", "-h"}, 0},
	} {
		_, _, err := runCLI(t, "", tt.args...)
		if got := exitOf(err); got != tt.code {
			t.Errorf("%v: exit %d (%v), want %d", tt.args, got, err, tt.code)
		}
	}
}

func TestEnvsCommand(t *testing.T) {
	out, _, err := runCLI(t, "", "envs", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var envsOut []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Splits  []struct {
			Name string `json:"name"`
			Rows int    `json:"rows"`
			Demo bool   `json:"demo"`
		} `json:"splits"`
	}
	if err := json.Unmarshal([]byte(out), &envsOut); err != nil {
		t.Fatal(err)
	}
	if len(envsOut) < 3 || envsOut[0].Name != "medqa" || envsOut[0].Version != "medqa@1.0.0" || !envsOut[0].Splits[0].Demo {
		t.Fatalf("envs: %s", out)
	}
	_, _, err = runCLI(t, "", "envs", "--data", "/nonexistent")
	if exitOf(err) != 2 {
		t.Fatalf("missing data dir: %v", err)
	}
}

func TestScoreLineTooLong(t *testing.T) {
	long := `{"id": "big", "example_id": "0", "completion": "` + strings.Repeat("x", maxLineBytes+10) + `"}`
	in := long + "\n" + `{"id": "after", "example_id": "0", "completion": "<answer>C</answer>"}` + "\n"
	out, _, err := runCLI(t, in, "score", "--env", "medqa")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if exitOf(err) != 1 || len(lines) != 2 || !strings.Contains(lines[0], "longer than") || !strings.Contains(lines[1], `"id":"after","reward":1`) {
		t.Fatalf("exit %d, output:\n%.300s", exitOf(err), out)
	}
}
