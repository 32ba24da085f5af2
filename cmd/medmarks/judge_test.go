package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// TestScoreWithAJudge: `medmarks score --judge-url … --judge-model …`
// scores a judged env against a fake OpenAI-compatible judge, and a second
// run over the same lines is served from score's own store.
func TestScoreWithAJudge(t *testing.T) {
	fake := judgetest.New(t, judgetest.Reply(func(judgetest.Request) string { return "yes" }))
	store := t.TempDir()
	var lines []string
	for _, id := range []string{"DEMO0001", "DEMO0002", "DEMO0003", "DEMO0004"} {
		b, _ := json.Marshal(map[string]any{"id": id, "example_id": id, "completion": "Reasoning…\n<answer>the diagnosis</answer>"})
		lines = append(lines, string(b))
	}
	in := strings.Join(lines, "\n")
	args := []string{"score", "--env", "medcasereasoning", "--store", store, "--judge-url", fake.URL, "--judge-model", "openai/gpt-5-nano"}

	out, stderr, err := runCLI(t, in, args...)
	if err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	if strings.Count(out, `"status":"SCORED"`) != 4 || strings.Count(out, `"reward":1`) != 4 {
		t.Fatalf("first run output:\n%s", out)
	}
	if fake.Calls() != 4 || !strings.Contains(stderr, "judge calls 4, cache hits 0") {
		t.Fatalf("first run: %d calls; summary %q", fake.Calls(), stderr)
	}
	out2, stderr, err := runCLI(t, in, args...)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, stderr)
	}
	if fake.Calls() != 4 || !strings.Contains(stderr, "judge calls 0, cache hits 4") {
		t.Fatalf("second run: %d calls in all; summary %q", fake.Calls(), stderr)
	}
	if strings.Count(out2, `"reward":1`) != 4 {
		t.Fatalf("second run output:\n%s", out2)
	}
	// Without a judge: JUDGE_FAILED, never 0, exit 1.
	out, _, err = runCLI(t, in, "score", "--env", "medcasereasoning")
	if exitOf(err) != 1 || strings.Count(out, `"status":"JUDGE_FAILED"`) != 4 || strings.Contains(out, `"reward":0`) {
		t.Fatalf("no judge: exit %d\n%s", exitOf(err), out)
	}
}
