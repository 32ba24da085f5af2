package chatapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Response is the part of a Chat Completions reply this module reads.
type Response struct {
	ID      string   `json:"id"`
	Model   string   `json:"model"`
	Choices []Choice `json:"choices"`
	// Usage is nil when the reply has none or it cannot be read.
	Usage *Usage `json:"-"`
}

// Choice is one element of a reply's choices.
type Choice struct {
	Message      ReplyMessage `json:"message"`
	FinishReason string       `json:"finish_reason"`
}

// ReplyMessage is a choice's message. Fields such as reasoning_content are
// ignored: the answer is Content alone.
type ReplyMessage struct {
	Role    string  `json:"role"`
	Content Content `json:"content"`
}

// Content is a message's content. Most servers send a string; some send null
// (read as "") or a list of parts, of which the "text" parts are joined.
type Content string

// UnmarshalJSON accepts a string, null, or a list of {"type","text"} parts.
func (c *Content) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Content(s)
		return nil
	case len(b) > 0 && b[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var sb strings.Builder
		for _, p := range parts {
			if p.Type == "text" || p.Type == "" {
				sb.WriteString(p.Text)
			}
		}
		*c = Content(sb.String())
		return nil
	}
	return fmt.Errorf("content: want string, null or list of parts, got %.20s", b)
}

// Usage is a reply's token accounting.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Total is TotalTokens, or the sum of the parts when a server leaves it out.
func (u Usage) Total() int {
	if u.TotalTokens > 0 {
		return u.TotalTokens
	}
	return u.PromptTokens + u.CompletionTokens
}

// ParseResponse reads a 2xx reply body. It returns the response and the
// answer, choices[0].message.content. A body that is not a JSON object with a
// "choices" list wraps ErrNotChat (with the server's error message when it
// sent one); an empty list wraps ErrNoChoices; an empty or whitespace-only
// answer wraps ErrEmptyContent. A usage object that cannot be read is dropped,
// never an error: the answer is what matters. Message texts taken from the
// body are shortened and made valid UTF-8.
func ParseResponse(body []byte) (Response, string, error) {
	return parseResponse(body, "")
}

// parseResponse is ParseResponse with key removed from every error text.
func parseResponse(body []byte, key string) (Response, string, error) {
	var raw struct {
		ID      string          `json:"id"`
		Model   string          `json:"model"`
		Choices json.RawMessage `json:"choices"`
		Usage   json.RawMessage `json:"usage"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Response{}, "", fmt.Errorf("%w: %s", ErrNotChat, describeBody(body, key))
	}
	if len(raw.Choices) == 0 || bytes.Equal(raw.Choices, []byte("null")) {
		if msg := errorMessage(raw.Error, key); msg != "" {
			return Response{}, "", fmt.Errorf("%w: error %s", ErrNotChat, msg)
		}
		return Response{}, "", fmt.Errorf("%w: no choices field", ErrNotChat)
	}
	r := Response{ID: raw.ID, Model: raw.Model}
	if err := json.Unmarshal(raw.Choices, &r.Choices); err != nil {
		return Response{}, "", fmt.Errorf("%w: choices: %s", ErrNotChat, clip(err.Error(), key, maxSnippet))
	}
	r.Usage = parseUsage(raw.Usage)
	if len(r.Choices) == 0 {
		return r, "", ErrNoChoices
	}
	content := string(r.Choices[0].Message.Content)
	if key != "" { // a judge that echoes its request must not leak the key
		content = strings.ReplaceAll(content, key, "[redacted]")
	}
	if strings.TrimSpace(content) == "" {
		reason := r.Choices[0].FinishReason
		if reason == "" {
			return r, "", ErrEmptyContent
		}
		return r, "", fmt.Errorf("%w (finish_reason %s)", ErrEmptyContent, clip(reason, key, 40))
	}
	return r, content, nil
}

// parseUsage is lenient: numbers may be floats (some servers send 12.0);
// negative, fractional, huge or malformed values drop the usage entirely.
func parseUsage(b []byte) *Usage {
	if len(b) == 0 {
		return nil
	}
	var f struct {
		Prompt     *float64 `json:"prompt_tokens"`
		Completion *float64 `json:"completion_tokens"`
		Total      *float64 `json:"total_tokens"`
	}
	if err := json.Unmarshal(b, &f); err != nil || (f.Prompt == nil && f.Completion == nil && f.Total == nil) {
		return nil
	}
	var u Usage
	for _, p := range []struct {
		src *float64
		dst *int
	}{{f.Prompt, &u.PromptTokens}, {f.Completion, &u.CompletionTokens}, {f.Total, &u.TotalTokens}} {
		if p.src == nil {
			continue
		}
		v := *p.src
		if v < 0 || v > 1<<40 || v != math.Trunc(v) {
			return nil
		}
		*p.dst = int(v)
	}
	return &u
}

// errorMessage extracts a server's {"error": {"message": …}} or {"error": "…"}.
func errorMessage(b json.RawMessage, key string) string {
	if len(b) == 0 {
		return ""
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &obj) == nil && obj.Message != "" {
		return clip(obj.Message, key, maxSnippet)
	}
	var s string
	if json.Unmarshal(b, &s) == nil && s != "" {
		return clip(s, key, maxSnippet)
	}
	return clip(string(b), key, maxSnippet)
}

// describeBody names what a non-JSON body looks like, for errors.
func describeBody(b []byte, key string) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return "empty body"
	}
	return fmt.Sprintf("body %q", clip(string(b), key, 80))
}
