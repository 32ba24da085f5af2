package medcalcbench_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/internal/pyexpr"
)

// fakeTools is an envs.Tools for tests: a real calculator (internal/pyexpr)
// and a toy python whose sessions keep variables in a map. It understands
// two statements, one per line: "name = <arithmetic>" and
// "print(<name or arithmetic>)". Safe for concurrent use.
type fakeTools struct {
	noPython bool
	// fail makes every python call an infrastructure failure.
	fail error

	mu       sync.Mutex
	sessions map[string]map[string]string
	calls    []string // "session tool input"
	closed   []string
}

func newFakeTools() *fakeTools { return &fakeTools{sessions: map[string]map[string]string{}} }

var fakeSpecs = []envs.ToolSpec{
	{Name: "calculator", Description: "Evaluate one arithmetic expression.", Parameters: json.RawMessage(`{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"],"additionalProperties":false}`)},
	{Name: "python", Description: "Run Python 3 code.", Parameters: json.RawMessage(`{"type":"object","properties":{"code":{"type":"string"}},"required":["code"],"additionalProperties":false}`)},
}

func (f *fakeTools) Specs(names []string) []envs.ToolSpec {
	var out []envs.ToolSpec
	for _, s := range fakeSpecs { // the toolbox's own order, as the real adapter
		if s.Name == "python" && f.noPython {
			continue
		}
		for _, n := range names {
			if n == s.Name {
				out = append(out, s)
			}
		}
	}
	return out
}

var calc = pyexpr.NewCalculatorEnv()

func (f *fakeTools) Call(ctx context.Context, session, tool, input string) (envs.ToolResult, error) {
	if err := ctx.Err(); err != nil {
		return envs.ToolResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, session+" "+tool+" "+input)
	switch tool {
	case "calculator":
		v, err := calc.Eval(input)
		if err != nil {
			return envs.ToolResult{Output: "Error: " + err.Error(), Status: "ERROR"}, nil
		}
		x, _ := v.Float64()
		return envs.ToolResult{Output: pyexpr.FormatFloat(x), Status: "OK"}, nil
	case "python":
		if f.noPython {
			return envs.ToolResult{}, fmt.Errorf("%w: python is disabled", envs.ErrPrecondition)
		}
		if f.fail != nil {
			return envs.ToolResult{}, f.fail
		}
	default:
		return envs.ToolResult{}, errors.New("fake: unknown tool " + tool)
	}
	vars := f.sessions[session]
	if vars == nil {
		vars = map[string]string{}
		f.sessions[session] = vars
	}
	var out strings.Builder
	for _, line := range strings.Split(input, "\n") {
		line = strings.TrimSpace(line)
		if inner, ok := strings.CutPrefix(line, "print("); ok {
			x := strings.TrimSuffix(inner, ")")
			if v, ok := vars[x]; ok {
				out.WriteString(v + "\n")
				continue
			}
			v, err := calc.Eval(x)
			if err != nil {
				fmt.Fprintf(&out, "Error: NameError: name '%s' is not defined (line 1)\n", x)
				return envs.ToolResult{Output: out.String(), Status: "ERROR"}, nil
			}
			out.WriteString(v.String() + "\n")
			continue
		}
		if name, expr, ok := strings.Cut(line, "="); ok {
			v, err := calc.Eval(strings.TrimSpace(expr))
			if err != nil {
				return envs.ToolResult{Output: "Error: " + err.Error(), Status: "ERROR"}, nil
			}
			vars[strings.TrimSpace(name)] = v.String()
		}
	}
	return envs.ToolResult{Output: out.String(), Status: "OK"}, nil
}

func (f *fakeTools) CloseSession(_ context.Context, session string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, session)
	f.closed = append(f.closed, session)
	return nil
}

func (f *fakeTools) closedSessions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.closed...)
}

func (f *fakeTools) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}
