package envs

import (
	"context"
	"encoding/json"
	"io/fs"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// Version is the version every env reports while its scoring is unchanged.
// It changes whenever the same input could score differently (a grader fix,
// a new default, a prompt change that moves rewards), so that results
// carrying "env@version" stay comparable over time (../spec/common.md §1).
const Version = "1.0.0"

// Env is one benchmark as an RL environment. Safe for concurrent use.
type Env interface {
	// Info describes the env as served now (ListEnvs).
	Info() Info
	// Options declares the env's own options; the common ones are added by
	// the OptionSet.
	Options() []OptionSpec
	// TemplateVars returns the prompt-template variables of the first row of
	// each loaded split, so registered templates can be checked at start-up.
	TemplateVars() map[string]map[string]any
	// Reset starts an episode: first observation, tools, limits.
	Reset(ctx context.Context, req ResetRequest) (Episode, Start, error)
	// Score grades a completion against an example (reference or inline).
	// A malformed item is an *InputError; a failure to compute the reward is
	// a status in the Reward.
	Score(ctx context.Context, req ScoreRequest) (rewards.Reward, error)
	// Restore rebuilds an episode from the bytes of Episode.State, e.g.
	// after a restart. opts are the episode's options, parsed again.
	Restore(ctx context.Context, state []byte, opts Values) (Episode, error)
}

// Episode is one run on one example; the caller serialises calls to it.
type Episode interface {
	// Step applies one assistant message. It returns the tool messages, or
	// Terminated/Truncated with the Reward at the end.
	Step(ctx context.Context, action Message) (StepResult, error)
	// State is written through after every Reset and Step.
	State() ([]byte, error)
	// Close frees what the episode holds (a sandbox session); idempotent.
	Close(ctx context.Context) error
}

// Info describes an env for ListEnvs.
type Info struct {
	Name              string
	Aliases           []string
	Description       string
	Splits            []SplitInfo
	UnavailableReason string
	Components        []ComponentInfo
	Tools             []string
	JudgeRequired     bool
	JudgeConfigured   bool
}

// SplitInfo is one servable split.
type SplitInfo struct {
	Name    string
	Rows    int
	Default bool
	Demo    bool
}

// ComponentInfo names a reward component and its weight.
type ComponentInfo struct {
	Name        string
	Weight      float64
	Description string
}

// ResetRequest starts an episode. The caller has already validated the
// options and drawn a seed when none was given.
type ResetRequest struct {
	EpisodeID string
	Split     string
	// At most one of ExampleID and Index; neither: the row is drawn from
	// Seed (../spec/common.md §1 rule 3).
	ExampleID string
	Index     *int64
	Seed      uint64
	Options   Values
}

// Start is the beginning of an episode.
type Start struct {
	Observation []Message
	Tools       []ToolSpec
	Split       string
	ExampleID   string
	MaxTurns    int
}

// ToolSpec is a tool offered to the model, as an OpenAI function.
type ToolSpec struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// StepResult is the outcome of one Step.
type StepResult struct {
	Observation []Message
	Terminated  bool
	Truncated   bool
	// Reward is set on the final step.
	Reward *rewards.Reward
}

// ScoreRequest grades one completion.
type ScoreRequest struct {
	// A reference (Split + ExampleID) or, when Inline is non-nil, an inline
	// row: a JSON object with the dataset's own field names.
	Split     string
	ExampleID string
	Inline    json.RawMessage
	// Completion is what the model produced.
	Completion Completion
	Options    Values
	// Seed is the episode seed for shuffle_mode "episode"; nil when absent.
	Seed *uint64
	// CompletionTokens is the caller's token count for the efficiency
	// component; nil: estimated from the completion's bytes.
	CompletionTokens *uint32
}

// Settings are what constructors receive. They are set in code by
// cmd/medmarks, not by the operator.
type Settings struct {
	// Data is laid out like ../datasets: one folder per env.
	Data fs.FS
	// Demo marks Data as the embedded demo set.
	Demo   bool
	Logger *zap.Logger
	// Judges gives the judge an env uses (the config's per-env selection);
	// nil, or a nil result, when no judge is configured: judged rewards are
	// then JUDGE_FAILED and Reset of a judged env fails its precondition.
	Judges func(env string) Judge
	// Tools runs tool calls of tool-using envs; nil when disabled.
	Tools Tools
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// JudgeFor returns the judge of env, or nil when none is configured.
func (s Settings) JudgeFor(env string) Judge {
	if s.Judges == nil {
		return nil
	}
	return s.Judges(env)
}

// Judge asks the configured LLM judges. Declared here, where it is used;
// *judge.Client satisfies it.
type Judge interface {
	// Ask fans q out to every judge; it fails only when ctx ends or q is
	// malformed, a judge's failure being a Verdict with Err.
	Ask(ctx context.Context, q judge.Question) ([]judge.Verdict, error)
	// Count is the number of judges.
	Count() int
}

// Tools runs the tools of tool-using envs in per-episode sessions.
type Tools interface {
	Specs(names []string) []ToolSpec
	// Call runs one tool call in the session; an error means the sandbox
	// itself failed (infrastructure), not the code.
	Call(ctx context.Context, session, tool, args string) (ToolResult, error)
	CloseSession(ctx context.Context, session string) error
}

// ToolResult is what a tool call produced.
type ToolResult struct {
	Output  string
	Status  string
	Elapsed time.Duration
}
