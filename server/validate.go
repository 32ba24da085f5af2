package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/envs"
	pb "github.com/medarc-ai/medmarks-t/proto/medmarks/v1"
)

// Request validation is the project's own (not the middleware validator,
// which ends a stream at the first bad message): one function per request,
// and scoreInput.validate shared by Score and every ScoreBatch item. Each
// error is an *envs.FieldError naming the field.

// maxAssistantMessages bounds a completion (../spec/common.md §9).
const maxAssistantMessages = 256

func checkUTF8(field, s string) error {
	if !utf8.ValidString(s) {
		return envs.Fieldf(field, "invalid UTF-8")
	}
	return nil
}

func required(field, s string) error {
	if s == "" {
		return envs.Fieldf(field, "required")
	}
	return checkUTF8(field, s)
}

// checkMessage checks every string of a message for UTF-8.
func checkMessage(field string, m *pb.Message) error {
	for _, f := range []struct{ name, v string }{
		{"role", m.GetRole()}, {"content", m.GetContent()}, {"reasoning_content", m.GetReasoningContent()},
		{"tool_call_id", m.GetToolCallId()}, {"name", m.GetName()},
	} {
		if err := checkUTF8(field+"."+f.name, f.v); err != nil {
			return err
		}
	}
	for i, p := range m.GetContentParts() {
		if err := checkUTF8(fmt.Sprintf("%s.content_parts[%d].text", field, i), p.GetText()); err != nil {
			return err
		}
		if err := checkUTF8(fmt.Sprintf("%s.content_parts[%d].type", field, i), p.GetType()); err != nil {
			return err
		}
	}
	for i, tc := range m.GetToolCalls() {
		for _, f := range []struct{ name, v string }{{"id", tc.GetId()}, {"name", tc.GetName()}, {"arguments", tc.GetArguments()}} {
			if err := checkUTF8(fmt.Sprintf("%s.tool_calls[%d].%s", field, i, f.name), f.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// contentBytes is what the completion limit counts of a message: its
// content, or its text parts.
func contentBytes(m *pb.Message) int {
	n := len(m.GetContent())
	for _, p := range m.GetContentParts() {
		n += len(p.GetText())
	}
	return n
}

func tooBig(field string, n, limit int) error {
	return envs.Fieldf(field, "%d bytes exceed the limit of %d bytes (max_completion_bytes)", n, limit)
}

func validateReset(r *pb.ResetRequest) error {
	if err := required("env", r.GetEnv()); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"split", r.GetSplit()}, {"example_id", r.GetExampleId()}, {"options_json", r.GetOptionsJson()}} {
		if err := checkUTF8(f.name, f.v); err != nil {
			return err
		}
	}
	if r.GetExampleId() != "" && r.Index != nil {
		return envs.Fieldf("index", "give example_id or index, not both")
	}
	return nil
}

func validateStep(r *pb.StepRequest, maxCompletion int) error {
	if err := required("episode_id", r.GetEpisodeId()); err != nil {
		return err
	}
	a := r.GetAction()
	if a == nil {
		return envs.Fieldf("action", "required")
	}
	if role := a.GetRole(); role != "" && role != "assistant" {
		return envs.Fieldf("action.role", "want \"assistant\", got %q", strings.ToValidUTF8(role, "\uFFFD"))
	}
	if err := checkMessage("action", a); err != nil {
		return err
	}
	if n := contentBytes(a); n > maxCompletion {
		return tooBig("action.content", n, maxCompletion)
	}
	return nil
}

func validateClose(r *pb.CloseRequest) error { return required("episode_id", r.GetEpisodeId()) }

func validateExecute(r *pb.ExecuteRequest) error {
	if err := required("tool", r.GetTool()); err != nil {
		return err
	}
	if err := checkUTF8("arguments", r.GetArguments()); err != nil {
		return err
	}
	return checkUTF8("session_id", r.GetSessionId())
}

func validateCloseSession(r *pb.CloseSessionRequest) error {
	return required("session_id", r.GetSessionId())
}

// scoreInput holds the fields a Score request and a ScoreBatch item share.
type scoreInput struct {
	env     string
	ref     *pb.ExampleRef
	inline  *string
	text    *string
	msgs    *pb.Messages
	options string
	seed    *uint64
	tokens  *uint32
}

func scoreInputOf(r *pb.ScoreRequest) scoreInput {
	in := scoreInput{env: r.GetEnv(), options: r.GetOptionsJson(), seed: r.Seed, tokens: r.CompletionTokens}
	switch ex := r.GetExample().(type) {
	case *pb.ScoreRequest_ExampleRef:
		in.ref = ex.ExampleRef
		if in.ref == nil {
			in.ref = &pb.ExampleRef{}
		}
	case *pb.ScoreRequest_ExampleJson:
		in.inline = &ex.ExampleJson
	}
	switch c := r.GetCompletion().(type) {
	case *pb.ScoreRequest_CompletionText:
		in.text = &c.CompletionText
	case *pb.ScoreRequest_CompletionMessages:
		in.msgs = c.CompletionMessages
		if in.msgs == nil {
			in.msgs = &pb.Messages{}
		}
	}
	return in
}

func scoreBatchInputOf(r *pb.ScoreBatchRequest) scoreInput {
	in := scoreInput{env: r.GetEnv(), options: r.GetOptionsJson(), seed: r.Seed, tokens: r.CompletionTokens}
	switch ex := r.GetExample().(type) {
	case *pb.ScoreBatchRequest_ExampleRef:
		in.ref = ex.ExampleRef
		if in.ref == nil {
			in.ref = &pb.ExampleRef{}
		}
	case *pb.ScoreBatchRequest_ExampleJson:
		in.inline = &ex.ExampleJson
	}
	switch c := r.GetCompletion().(type) {
	case *pb.ScoreBatchRequest_CompletionText:
		in.text = &c.CompletionText
	case *pb.ScoreBatchRequest_CompletionMessages:
		in.msgs = c.CompletionMessages
		if in.msgs == nil {
			in.msgs = &pb.Messages{}
		}
	}
	return in
}

func (in scoreInput) validate(maxCompletion int) error {
	if err := required("env", in.env); err != nil {
		return err
	}
	if err := checkUTF8("options_json", in.options); err != nil {
		return err
	}
	switch {
	case in.ref != nil:
		if err := checkUTF8("example_ref.split", in.ref.GetSplit()); err != nil {
			return err
		}
		if err := required("example_ref.example_id", in.ref.GetExampleId()); err != nil {
			return err
		}
	case in.inline != nil:
		if err := checkUTF8("example_json", *in.inline); err != nil {
			return err
		}
	default:
		return envs.Fieldf("example", "required: example_ref or example_json")
	}
	switch {
	case in.text != nil:
		if err := checkUTF8("completion_text", *in.text); err != nil {
			return err
		}
		if n := len(*in.text); n > maxCompletion {
			return tooBig("completion_text", n, maxCompletion)
		}
	case in.msgs != nil:
		total, assistants := 0, 0
		for i, m := range in.msgs.GetMessages() {
			field := fmt.Sprintf("completion_messages.messages[%d]", i)
			if err := checkMessage(field, m); err != nil {
				return err
			}
			if m.GetRole() == "assistant" {
				assistants++
				total += contentBytes(m)
			}
		}
		if assistants > maxAssistantMessages {
			return envs.Fieldf("completion_messages", "%d assistant messages exceed the limit of %d", assistants, maxAssistantMessages)
		}
		if total > maxCompletion {
			return tooBig("completion_messages", total, maxCompletion)
		}
	default:
		return envs.Fieldf("completion", "required: completion_text or completion_messages")
	}
	return nil
}

// scoreRequest converts a validated input. A malformed inline example is
// the item's INVALID_INPUT, so it is checked by the env, not here; only its
// container (a JSON object) is checked once for every env.
func (in scoreInput) scoreRequest(opts envs.Values) envs.ScoreRequest {
	req := envs.ScoreRequest{Options: opts, Seed: in.seed, CompletionTokens: in.tokens}
	if in.ref != nil {
		req.Split, req.ExampleID = in.ref.GetSplit(), in.ref.GetExampleId()
	} else {
		req.Inline = json.RawMessage(*in.inline)
	}
	if in.text != nil {
		req.Completion = envs.TextCompletion(*in.text)
	} else {
		req.Completion = envs.Completion{Messages: messagesFromPB(in.msgs.GetMessages())}
	}
	return req
}
