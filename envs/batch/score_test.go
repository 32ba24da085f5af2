package batch_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/batch"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// slowEnv is a judged env whose Score blocks until its context ends, or
// panics on demand.
type slowEnv struct{ envtest.FakeEnv }

func (s *slowEnv) Info() envs.Info {
	i := s.FakeEnv.Info()
	i.Name, i.Aliases, i.JudgeRequired = "slow", nil, true
	return i
}

func (s *slowEnv) Score(ctx context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	if req.ExampleID == "panic" {
		panic("boom")
	}
	<-ctx.Done()
	return rewards.Reward{}, ctx.Err()
}

func entries(t *testing.T) (fake, slow *envs.Entry) {
	t.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, envtest.NewFake(5),
		func(context.Context, envs.Settings) (envs.Env, error) { return &slowEnv{envtest.FakeEnv{N: 5}}, nil })
	if err != nil {
		t.Fatal(err)
	}
	fake, _ = reg.Lookup("fake")
	slow, _ = reg.Lookup("slow")
	return fake, slow
}

func TestScorer(t *testing.T) {
	fake, slow := entries(t)
	ctx := context.Background()
	s := batch.Scorer{Deadline: 50 * time.Millisecond}
	opts := func(e *envs.Entry, raw string) envs.Values {
		v, err := e.Options.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tokens := uint32(300)
	tests := []struct {
		name       string
		entry      *envs.Entry
		req        envs.ScoreRequest
		wantStatus rewards.Status
		wantValue  float64
		mention    string
	}{
		{"scored and stamped", fake, envs.ScoreRequest{ExampleID: "1", Completion: envs.TextCompletion("3"), Options: opts(fake, "")}, rewards.Scored, 1, "gold"},
		{"inline not an object", fake, envs.ScoreRequest{Inline: []byte(`[1]`), Completion: envs.TextCompletion("3"), Options: opts(fake, "")}, rewards.InvalidInput, 0, "example_json"},
		{"inline missing a field", fake, envs.ScoreRequest{Inline: []byte(`{}`), Completion: envs.TextCompletion("3"), Options: opts(fake, "")}, rewards.InvalidInput, 0, "example.answer"},
		{"efficiency with reported tokens", fake, envs.ScoreRequest{ExampleID: "1", Completion: envs.TextCompletion("3"), CompletionTokens: &tokens,
			Options: opts(fake, `{"length_budget_tokens": 200, "efficiency_weight": 0.5}`)}, rewards.Scored, 0.75, "T=300 (reported)"},
		{"efficiency estimated", fake, envs.ScoreRequest{ExampleID: "1", Completion: envs.TextCompletion("3"),
			Options: opts(fake, `{"length_budget_tokens": 200, "efficiency_weight": 0.5}`)}, rewards.Scored, 1, "estimated"},
		{"a judged item past the deadline is TIMEOUT", slow, envs.ScoreRequest{ExampleID: "1", Completion: envs.TextCompletion("3"), Options: opts(slow, "")}, rewards.Timeout, 0, "score_deadline"},
	}
	for _, tt := range tests {
		r, err := s.Score(ctx, tt.entry, tt.req)
		if err != nil || r.Status != tt.wantStatus || r.Value != tt.wantValue || !strings.Contains(r.Detail, tt.mention) || r.EnvVersion != tt.entry.Version() {
			t.Errorf("%s: %+v %v; want %v %v mentioning %q", tt.name, r, err, tt.wantStatus, tt.wantValue, tt.mention)
		}
	}
	// Call errors stay errors; a panic is ErrInternal; the caller's own
	// cancellation is not a TIMEOUT.
	_, err := s.Score(ctx, fake, envs.ScoreRequest{ExampleID: "99", Completion: envs.TextCompletion("3"), Options: opts(fake, "")})
	if !errors.Is(err, envs.ErrUnknownExample) {
		t.Errorf("unknown example: %v", err)
	}
	_, err = s.Score(ctx, slow, envs.ScoreRequest{ExampleID: "panic", Options: opts(slow, "")})
	if !errors.Is(err, batch.ErrInternal) {
		t.Errorf("panic: %v", err)
	}
	if r := batch.ItemReward(slow, err); r.Status != rewards.Internal || strings.Contains(r.Detail, "boom") {
		t.Errorf("panic as an item: %+v", r)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = (batch.Scorer{Deadline: time.Hour}).Score(cctx, slow, envs.ScoreRequest{ExampleID: "1", Options: opts(slow, "")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("caller cancellation: %v", err)
	}
}
