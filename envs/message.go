package envs

import (
	"github.com/medarc-ai/medmarks-t/internal/pytext"
	"strings"
	"unicode/utf8"
)

// Message is one chat message in the OpenAI format.
type Message struct {
	Role             string        `json:"role"`
	Content          string        `json:"content,omitempty"`
	Parts            []ContentPart `json:"content_parts,omitempty"`
	ReasoningContent string        `json:"reasoning_content,omitempty"`
	ToolCalls        []ToolCall    `json:"tool_calls,omitempty"`
	ToolCallID       string        `json:"tool_call_id,omitempty"`
	Name             string        `json:"name,omitempty"`
}

// ContentPart is one part of a content list; only "text" parts are read.
type ContentPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// ToolCall is one function call of an assistant message.
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Text returns what graders read of a message: the content string, or the
// text parts joined with one space; trimmed of Python whitespace
// (../spec/common.md §4).
func (m Message) Text() string {
	if len(m.Parts) == 0 {
		return TrimPy(m.Content)
	}
	var b strings.Builder
	n := 0
	for _, p := range m.Parts {
		if p.Type != "text" {
			continue
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Text)
		n++
	}
	return TrimPy(b.String())
}

// Completion is what a model produced: a plain text counts as one assistant
// message.
type Completion struct {
	Messages []Message
}

// TextCompletion wraps a plain string.
func TextCompletion(s string) Completion {
	return Completion{Messages: []Message{{Role: "assistant", Content: s}}}
}

// AssistantTexts returns the Text of every assistant message in order; tool
// messages, reasoning and tool calls are never read.
func (c Completion) AssistantTexts() []string {
	out := make([]string, 0, len(c.Messages))
	for _, m := range c.Messages {
		if m.Role == "assistant" {
			out = append(out, m.Text())
		}
	}
	return out
}

// AssistantBytes sums, over every assistant message, the UTF-8 bytes the
// efficiency estimate reads (../spec/common.md §7).
func (c Completion) AssistantBytes() int {
	n := 0
	for _, m := range c.Messages {
		if m.Role != "assistant" {
			continue
		}
		n += AssistantBytes(m)
	}
	return n
}

// AssistantBytes counts the bytes of one message that the efficiency
// estimate reads: content (or text parts), reasoning and tool arguments.
func AssistantBytes(m Message) int {
	n := len(m.Content) + len(m.ReasoningContent)
	for _, p := range m.Parts {
		if p.Type == "text" {
			n += len(p.Text)
		}
	}
	for _, tc := range m.ToolCalls {
		n += len(tc.Arguments)
	}
	return n
}

// IsPySpace reports whether r is whitespace for Python's str.isspace().
func IsPySpace(r rune) bool { return pytext.IsSpace(r) }

// TrimPy trims Python whitespace at both ends, as str.strip() does.
func TrimPy(s string) string { return pytext.Trim(s) }

// ValidUTF8 replaces invalid sequences by U+FFFD so every reply string is
// valid UTF-8 (../spec/common.md §9).
func ValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
