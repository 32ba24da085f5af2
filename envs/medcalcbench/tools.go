package medcalcbench

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// Limits of one assistant message's tool calls (../spec/common.md §9).
const (
	// MaxCallsPerMessage: further calls are answered with an error.
	MaxCallsPerMessage = 16
	// MaxArgumentsBytes bounds one call's raw arguments.
	MaxArgumentsBytes = 64 << 10
)

// RestartNote leads the first python result after the episode's
// interpreter was lost (a restart, or the episode closed and restored):
// the session's variables are gone (spec §8.3).
const RestartNote = "Note: the interpreter was restarted; earlier variables are gone.\n"

var toolNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// params are each tool's one string argument, and an example of valid
// arguments for the invalid-JSON message.
var params = map[string]struct{ name, example string }{
	ToolCalculator: {"expression", `{"expression": "2 + 2"}`},
	ToolPython:     {"code", `{"code": "print(2 + 2)"}`},
}

// call is a tool call the env accepted: the tool, and its expression or
// code.
type call struct {
	tool, input string
}

// parseCall checks one call (spec §8.4). It returns the call to run, or
// the error text the model gets as the tool message instead.
func parseCall(tc envs.ToolCall, offered []string) (call, string) {
	name := tc.Name
	tool := name
	if tool == toolPythonAlias && slices.Contains(offered, ToolPython) {
		tool = ToolPython
	}
	if !toolNameRE.MatchString(name) || !slices.Contains(offered, tool) {
		return call{}, fmt.Sprintf("Error: unknown tool '%s'; available tools: %s", medcalc.Shorten(name, 64), strings.Join(offered, ", "))
	}
	if len(tc.Arguments) > MaxArgumentsBytes {
		return call{}, fmt.Sprintf("Error: the arguments of '%s' exceed 64 KiB", name)
	}
	p := params[tool]
	obj, why := decodeArguments(tc.Arguments)
	switch why {
	case "json":
		return call{}, fmt.Sprintf("Error: the arguments of '%s' are not valid JSON; send a JSON object such as %s", name, p.example)
	case "object":
		return call{}, fmt.Sprintf("Error: the arguments of '%s' must be a JSON object", name)
	}
	var input string
	if raw, ok := obj[p.name]; !ok || json.Unmarshal(raw, &input) != nil {
		return call{}, fmt.Sprintf("Error: '%s' needs a string argument '%s'", name, p.name)
	}
	return call{tool: tool, input: input}, ""
}

// decodeArguments reads a call's arguments as upstream tolerates them:
// empty or null is {}, and a JSON string holding the JSON text of the
// object is decoded twice. why is "json" for text that is not JSON,
// "object" for JSON that is not an object.
func decodeArguments(args string) (obj map[string]json.RawMessage, why string) {
	raw := strings.TrimSpace(args)
	if raw == "" || raw == "null" {
		return map[string]json.RawMessage{}, ""
	}
	if !json.Valid([]byte(raw)) {
		return nil, "json"
	}
	if raw[0] == '"' {
		var inner string
		if err := json.Unmarshal([]byte(raw), &inner); err != nil {
			return nil, "json"
		}
		raw = strings.TrimSpace(inner)
		if !json.Valid([]byte(raw)) {
			return nil, "json"
		}
	}
	if raw[0] != '{' {
		return nil, "object"
	}
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return nil, "object"
	}
	return obj, ""
}

// runCalls executes the calls of one assistant message in order and
// returns one tool message per call, each with the call's tool_call_id.
// failure is set when a call could not run for infrastructure reasons
// (the episode then ends SANDBOX_FAILED); err only when ctx ended.
func (ep *episode) runCalls(ctx context.Context, calls []envs.ToolCall) (obs []envs.Message, failure string, err error) {
	obs = make([]envs.Message, 0, len(calls))
	for i, tc := range calls {
		content := "Error: too many tool calls in one message (at most 16)"
		if i < MaxCallsPerMessage {
			c, msg := parseCall(tc, ep.st.Tools)
			if msg != "" {
				content = msg
			} else {
				if ep.env.tools == nil { // restored on a server started without tools
					return nil, fmt.Sprintf("tool call %d (%s) could not run: tools are disabled on this server", i+1, c.tool), nil
				}
				res, err := ep.env.tools.Call(ctx, ep.st.Session, c.tool, c.input)
				if err != nil {
					if ctx.Err() != nil {
						return nil, "", ctx.Err()
					}
					return nil, fmt.Sprintf("tool call %d (%s) could not run: %v", i+1, c.tool, err), nil
				}
				content = res.Output
				if c.tool == ToolPython {
					ep.st.PythonRuns++
					if ep.restarted && !strings.HasPrefix(content, RestartNote) {
						content = RestartNote + content
					}
					ep.restarted = false
				}
				if ep.st.Statuses == nil {
					ep.st.Statuses = map[string]int{}
				}
				ep.st.Statuses[c.tool+" "+res.Status]++
			}
		}
		obs = append(obs, envs.Message{Role: "tool", Content: envs.ValidUTF8(content), ToolCallID: tc.ID})
	}
	return obs, "", nil
}
