package chatapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

var (
	// ErrNotChat: a 2xx reply whose body is not a chat completion.
	ErrNotChat = errors.New("chatapi: reply is not a chat completion")
	// ErrNoChoices: a chat completion with an empty choices list.
	ErrNoChoices = errors.New("chatapi: reply has no choices")
	// ErrEmptyContent: choices[0].message.content is empty or blank.
	ErrEmptyContent = errors.New("chatapi: reply content is empty")
)

// maxSnippet bounds any text copied from a reply into an error.
const maxSnippet = 200

// StatusError is a reply with a non-2xx status.
type StatusError struct {
	Code int
	// Message is the server's error message, or the start of its body,
	// shortened, valid UTF-8 and free of the API key.
	Message string
	// RetryAfter is the Retry-After header's wait, when HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Code)
	if e.HasRetryAfter {
		fmt.Fprintf(&b, " (Retry-After %s)", e.RetryAfter)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// statusMessage picks the message of an error body: {"error":{"message"}},
// {"error":"…"}, {"message":"…"} or the body's start, without key.
func statusMessage(body []byte, key string) string {
	var obj struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &obj) == nil {
		if m := errorMessage(obj.Error, key); m != "" {
			return m
		}
		if obj.Message != "" {
			return clip(obj.Message, key, maxSnippet)
		}
	}
	return clip(strings.TrimSpace(string(body)), key, maxSnippet)
}

// shorten makes s valid UTF-8, turns control characters into spaces and cuts
// it to at most n runes, marking a cut with "…".
func shorten(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	i := 0
	for _, r := range s {
		if i == n {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

// clip redacts key from s, then shortens it to n runes.
func clip(s, key string, n int) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, "[redacted]")
	}
	return shorten(s, n)
}
