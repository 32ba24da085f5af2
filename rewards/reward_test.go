package rewards_test

import (
	"math"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards"
)

func scored(v float64) rewards.Reward {
	return rewards.Reward{Value: v, Status: rewards.Scored, Components: []rewards.Component{{Name: "accuracy", Value: v, Weight: 1}}}
}

// TestEfficiency is the formula of ../spec/common.md §7: value = task ×
// (1 − w + w × e), e = 1 within budget, linear to 0 at twice the budget.
func TestEfficiency(t *testing.T) {
	tests := []struct {
		name      string
		give      rewards.Reward
		eff       rewards.Efficiency
		wantValue float64
		wantE     float64
	}{
		{"within budget", scored(1), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.3, Tokens: 800}, 1, 1},
		{"at the budget", scored(1), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.3, Tokens: 1000}, 1, 1},
		{"over by a quarter", scored(1), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.4, Tokens: 1250}, 0.9, 0.75},
		{"at twice the budget", scored(1), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.4, Tokens: 2000}, 0.6, 0},
		{"beyond twice the budget", scored(1), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.4, Tokens: 9000}, 0.6, 0},
		{"weight 1 at twice the budget", scored(1), rewards.Efficiency{BudgetTokens: 100, Weight: 1, Tokens: 200}, 0, 0},
		{"wrong answer stays 0 however short", scored(0), rewards.Efficiency{BudgetTokens: 1000, Weight: 0.5, Tokens: 10}, 0, 1},
		{"partial credit scales", scored(0.5), rewards.Efficiency{BudgetTokens: 100, Weight: 0.5, Tokens: 150}, 0.375, 0.5},
		{"estimated tokens", scored(1), rewards.Efficiency{BudgetTokens: 10, Weight: 0.5, Tokens: rewards.EstimateTokens(41), Estimated: true}, 0.95, 0.9},
	}
	for _, tt := range tests {
		got := tt.eff.Apply(tt.give)
		if math.Abs(got.Value-tt.wantValue) > 1e-12 {
			t.Errorf("%s: value %v, want %v", tt.name, got.Value, tt.wantValue)
		}
		last := got.Components[len(got.Components)-1]
		if last.Name != "efficiency" || math.Abs(last.Value-tt.wantE) > 1e-12 || last.Weight != tt.eff.Weight {
			t.Errorf("%s: component %+v, want efficiency %v weight %v", tt.name, last, tt.wantE, tt.eff.Weight)
		}
		if strings.Contains(got.Detail, "estimated") != tt.eff.Estimated {
			t.Errorf("%s: detail %q", tt.name, got.Detail)
		}
	}
	// Off, and failures untouched.
	if r := (rewards.Efficiency{}).Apply(scored(1)); len(r.Components) != 1 || r.Value != 1 {
		t.Errorf("efficiency off changed the reward: %+v", r)
	}
	failed := rewards.Failed(rewards.JudgeFailed, "judge down")
	if r := (rewards.Efficiency{BudgetTokens: 10, Weight: 1, Tokens: 5}).Apply(failed); r.Status != rewards.JudgeFailed || len(r.Components) != 0 {
		t.Errorf("efficiency applied to a failure: %+v", r)
	}
	if got := rewards.EstimateTokens(0); got != 0 {
		t.Errorf("EstimateTokens(0) = %d", got)
	}
	if got := rewards.EstimateTokens(5); got != 2 {
		t.Errorf("EstimateTokens(5) = %d, want ⌈5/4⌉ = 2", got)
	}
}

func TestStatusNames(t *testing.T) {
	for s := rewards.Scored; s <= rewards.Internal; s++ {
		back, ok := rewards.ParseStatus(s.String())
		if !ok || back != s {
			t.Errorf("%v does not round-trip", s)
		}
	}
	if rewards.Scored.String() != "SCORED" || rewards.JudgeFailed.String() != "JUDGE_FAILED" {
		t.Error("short names changed")
	}
}
