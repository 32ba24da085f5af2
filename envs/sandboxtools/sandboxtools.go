// Package sandboxtools adapts the sandbox's Toolbox to envs.Tools, the
// interface tool-using environments call: calculator and python calls run
// in the episode's own session, apart from ToolService sessions.
package sandboxtools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/sandbox"
)

// Tools adapts the Toolbox to envs.Tools. Safe for concurrent use.
type Tools struct{ tb *sandbox.Toolbox }

// New adapts tb; each episode's python session is its own, apart from
// ToolService sessions.
func New(tb *sandbox.Toolbox) Tools { return Tools{tb: tb} }

// Specs lists the tools named (all when names is empty) as OpenAI functions.
func (e Tools) Specs(names []string) []envs.ToolSpec {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []envs.ToolSpec
	for _, sp := range e.tb.Specs() {
		if len(names) > 0 && !want[sp.Name] {
			continue
		}
		var def struct {
			Function struct {
				Description string          `json:"description"`
				Parameters  json.RawMessage `json:"parameters"`
			} `json:"function"`
		}
		if err := json.Unmarshal(sp.JSON, &def); err != nil {
			continue
		}
		out = append(out, envs.ToolSpec{Name: sp.Name, Description: def.Function.Description, Parameters: def.Function.Parameters})
	}
	return out
}

// Call runs one call in the episode's session; an error is the sandbox's own
// failure (a disabled tool is a failed precondition).
func (e Tools) Call(ctx context.Context, session, tool, input string) (envs.ToolResult, error) {
	r, err := e.tb.Call(ctx, session, tool, input)
	if err != nil {
		if errors.Is(err, sandbox.ErrToolDisabled) {
			return envs.ToolResult{}, fmt.Errorf("%w: %v", envs.ErrPrecondition, err)
		}
		return envs.ToolResult{}, err
	}
	return envs.ToolResult{Output: r.Output, Status: r.Status.String(), Elapsed: r.Elapsed}, nil
}

// CloseSession frees the episode's python session.
func (e Tools) CloseSession(ctx context.Context, session string) error {
	return e.tb.CloseEpisode(ctx, session)
}
