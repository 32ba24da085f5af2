package chatapi

import (
	"bytes"
	"encoding/json"
)

// Message is one chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Sampling holds the sampling parameters sent with a request. A nil pointer
// or empty string is not sent, so the endpoint's default applies. TopK and
// MinP are not OpenAI fields: they go in the body next to the standard ones,
// where OpenAI's own client puts "extra body" fields, and vLLM, SGLang and
// most routers read them there.
type Sampling struct {
	Temperature         *float64 `json:"temperature,omitempty"`
	TopP                *float64 `json:"top_p,omitempty"`
	TopK                *int     `json:"top_k,omitempty"`
	MinP                *float64 `json:"min_p,omitempty"`
	MaxTokens           *int     `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int     `json:"max_completion_tokens,omitempty"`
	ReasoningEffort     string   `json:"reasoning_effort,omitempty"`
	Seed                *int64   `json:"seed,omitempty"`
}

// OutputBudget is the most tokens the reply may use: MaxCompletionTokens,
// else MaxTokens, else 0 (no limit sent).
func (s Sampling) OutputBudget() int {
	switch {
	case s.MaxCompletionTokens != nil:
		return *s.MaxCompletionTokens
	case s.MaxTokens != nil:
		return *s.MaxTokens
	}
	return 0
}

// Request is a Chat Completions request. Its JSON field order is the struct
// order: model, messages, then the sampling fields in Sampling's order.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Sampling
}

// UserRequest is a request with one user message and no system message, the
// shape every judge call has.
func UserRequest(model, prompt string, s Sampling) Request {
	return Request{Model: model, Messages: []Message{{Role: "user", Content: prompt}}, Sampling: s}
}

// Encode returns the exact request body: JSON without HTML escaping (so "<"
// stays "<" and prompts read as written), fields in a fixed order, no trailing
// newline. The same Request always gives the same bytes.
func (r Request) Encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}
