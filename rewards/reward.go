package rewards

import (
	"fmt"
	"math"
	"strings"
)

// Status says whether a Reward's Value can be used. The zero value is unset.
type Status int

const (
	// StatusUnspecified is the zero value; no finished reward carries it.
	StatusUnspecified Status = iota
	// Scored: the reward is known (right, wrong, partly right, or no answer).
	Scored
	// JudgeFailed: a needed judge gave no valid verdict after its retries.
	JudgeFailed
	// SandboxFailed: a tool call could not run for infrastructure reasons.
	SandboxFailed
	// Timeout: the reward could not be computed before its deadline.
	Timeout
	// InvalidInput: the item itself is malformed; Detail names the field.
	InvalidInput
	// Internal: a bug (a recovered panic) while scoring this item; the
	// details are in the server log. Used for batch items, which cannot
	// fail the whole call.
	Internal
)

var statusNames = [...]string{"UNSPECIFIED", "SCORED", "JUDGE_FAILED", "SANDBOX_FAILED", "TIMEOUT", "INVALID_INPUT", "INTERNAL"}

// String returns the short name used outside the proto (SCORED, JUDGE_FAILED, …).
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// ParseStatus is the inverse of String.
func ParseStatus(name string) (Status, bool) {
	for i, n := range statusNames {
		if n == name {
			return Status(i), true
		}
	}
	return StatusUnspecified, false
}

// Component is one named part of a reward with its weight.
type Component struct {
	Name   string
	Value  float64
	Weight float64
}

// Reward is the result of grading one completion.
type Reward struct {
	Value      float64
	Components []Component
	Status     Status
	Detail     string
	// EnvVersion is "env@version", e.g. "medqa@1.0.0" (../spec/common.md §1 rule 4).
	EnvVersion string
}

// Weighted returns Σ weight × value over cs.
func Weighted(cs []Component) float64 {
	var v float64
	for _, c := range cs {
		v += c.Weight * c.Value
	}
	return v
}

// Failed builds a failure reward: its Value is 0 but must not be used.
// Components computed before the failure may be kept by the caller.
func Failed(s Status, detail string) Reward {
	return Reward{Status: s, Detail: detail}
}

// Efficiency describes the optional length component of ../spec/common.md §7.
type Efficiency struct {
	BudgetTokens int     // B > 0
	Weight       float64 // w in (0, 1]
	Tokens       int     // T, reported or estimated
	Estimated    bool    // T is ⌈bytes/4⌉, not the caller's count
}

// Factor returns e: 1 within budget, falling linearly to 0 at twice the budget.
func (e Efficiency) Factor() float64 {
	if e.Tokens <= e.BudgetTokens {
		return 1
	}
	return math.Max(0, 1-float64(e.Tokens-e.BudgetTokens)/float64(e.BudgetTokens))
}

// Apply adds the efficiency component to a scored reward: value becomes
// task × (1 − w + w × e). Failure statuses are returned unchanged.
func (e Efficiency) Apply(r Reward) Reward {
	if r.Status != Scored || e.BudgetTokens <= 0 || e.Weight <= 0 {
		return r
	}
	f := e.Factor()
	task := r.Value
	r.Value = task * (1 - e.Weight + e.Weight*f)
	r.Components = append(r.Components, Component{Name: "efficiency", Value: f, Weight: e.Weight})
	how := "reported"
	if e.Estimated {
		how = "estimated"
	}
	line := fmt.Sprintf("efficiency: T=%d (%s), B=%d, e=%.4g; value = %.4g × (1 − %.4g + %.4g × %.4g) = %.4g",
		e.Tokens, how, e.BudgetTokens, f, task, e.Weight, e.Weight, f, r.Value)
	r.Detail = strings.TrimSpace(r.Detail + "\n" + line)
	return r
}

// EstimateTokens is the byte estimate ⌈UTF-8 bytes / 4⌉ used when the caller
// gives no token count.
func EstimateTokens(bytes int) int { return (bytes + 3) / 4 }
