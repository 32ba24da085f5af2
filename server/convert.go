package server

import (
	"encoding/json"

	"github.com/medarc-ai/medmarks-t/envs"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
	"github.com/medarc-ai/medmarks-t/rewards"
)

func messageFromPB(m *pb.Message) envs.Message {
	if m == nil {
		return envs.Message{}
	}
	out := envs.Message{Role: m.GetRole(), Content: m.GetContent(), ReasoningContent: m.GetReasoningContent(),
		ToolCallID: m.GetToolCallId(), Name: m.GetName()}
	if len(m.GetContentParts()) > 0 {
		out.Parts = make([]envs.ContentPart, len(m.GetContentParts()))
		for i, p := range m.GetContentParts() {
			out.Parts[i] = envs.ContentPart{Type: p.GetType(), Text: p.GetText()}
		}
	}
	if len(m.GetToolCalls()) > 0 {
		out.ToolCalls = make([]envs.ToolCall, len(m.GetToolCalls()))
		for i, tc := range m.GetToolCalls() {
			out.ToolCalls[i] = envs.ToolCall{ID: tc.GetId(), Name: tc.GetName(), Arguments: tc.GetArguments()}
		}
	}
	return out
}

// messageToPB converts a reply message; every string is made valid UTF-8.
func messageToPB(m envs.Message) *pb.Message {
	out := &pb.Message{Role: m.Role, Content: envs.ValidUTF8(m.Content), ReasoningContent: envs.ValidUTF8(m.ReasoningContent),
		ToolCallId: envs.ValidUTF8(m.ToolCallID), Name: envs.ValidUTF8(m.Name)}
	for _, p := range m.Parts {
		out.ContentParts = append(out.ContentParts, &pb.ContentPart{Type: p.Type, Text: envs.ValidUTF8(p.Text)})
	}
	for _, tc := range m.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, &pb.ToolCall{Id: envs.ValidUTF8(tc.ID), Name: envs.ValidUTF8(tc.Name), Arguments: envs.ValidUTF8(tc.Arguments)})
	}
	return out
}

func messagesToPB(ms []envs.Message) []*pb.Message {
	if len(ms) == 0 {
		return nil
	}
	out := make([]*pb.Message, len(ms))
	for i, m := range ms {
		out[i] = messageToPB(m)
	}
	return out
}

func messagesFromPB(ms []*pb.Message) []envs.Message {
	out := make([]envs.Message, len(ms))
	for i, m := range ms {
		out[i] = messageFromPB(m)
	}
	return out
}

var statusToPB = map[rewards.Status]pb.RewardStatus{
	rewards.Scored:        pb.RewardStatus_REWARD_STATUS_SCORED,
	rewards.JudgeFailed:   pb.RewardStatus_REWARD_STATUS_JUDGE_FAILED,
	rewards.SandboxFailed: pb.RewardStatus_REWARD_STATUS_SANDBOX_FAILED,
	rewards.Timeout:       pb.RewardStatus_REWARD_STATUS_TIMEOUT,
	rewards.InvalidInput:  pb.RewardStatus_REWARD_STATUS_INVALID_INPUT,
	rewards.Internal:      pb.RewardStatus_REWARD_STATUS_INTERNAL,
}

func rewardToPB(r rewards.Reward) *pb.Reward {
	out := &pb.Reward{Value: r.Value, Status: statusToPB[r.Status], Detail: envs.ValidUTF8(r.Detail), EnvVersion: r.EnvVersion}
	if r.Status != rewards.Scored {
		// A failure's value must not be used; never send a number that looks
		// like a grade.
		out.Value = 0
	}
	for _, c := range r.Components {
		out.Components = append(out.Components, &pb.RewardComponent{Name: c.Name, Value: c.Value, Weight: c.Weight})
	}
	return out
}

func toolSpecsToPB(ts []envs.ToolSpec) []*pb.ToolSpec {
	out := make([]*pb.ToolSpec, 0, len(ts))
	for _, t := range ts {
		fn := map[string]any{"name": t.Name, "description": t.Description, "parameters": t.Parameters}
		b, _ := json.Marshal(map[string]any{"type": "function", "function": fn})
		out = append(out, &pb.ToolSpec{Name: t.Name, Description: t.Description, ParametersJson: string(t.Parameters), OpenaiJson: string(b)})
	}
	return out
}

func envInfoToPB(e *envs.Entry) *pb.EnvInfo {
	info := e.Env.Info()
	out := &pb.EnvInfo{Name: info.Name, Version: envs.Version, Aliases: info.Aliases, Description: info.Description,
		UnavailableReason: info.UnavailableReason, Tools: info.Tools, JudgeRequired: info.JudgeRequired,
		JudgeConfigured: info.JudgeConfigured, PromptTemplates: e.Options.TemplateNames()}
	for _, s := range info.Splits {
		out.Splits = append(out.Splits, &pb.SplitInfo{Name: s.Name, Rows: int64(s.Rows), Default: s.Default, Demo: s.Demo})
	}
	for _, c := range info.Components {
		out.RewardComponents = append(out.RewardComponents, &pb.RewardComponentInfo{Name: c.Name, Weight: c.Weight, Description: c.Description})
	}
	for _, o := range e.Options.Effective() {
		out.Options = append(out.Options, &pb.OptionInfo{Name: o.Name, Type: o.Type, DefaultJson: o.DefaultJSON, Description: o.Description, Allowed: o.Allowed})
	}
	return out
}
