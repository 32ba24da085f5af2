package judge

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

var (
	// ErrInvalidQuestion: Ask was given a Question without Prompt or Parser.
	ErrInvalidQuestion = errors.New("judge: invalid question")
	// ErrUnusableReply: the reply failed Question.Check or Question.Parse.
	// The error also wraps the parser's own error.
	ErrUnusableReply = errors.New("judge: unusable reply")
	// ErrAttemptTimeout: an attempt got no reply within the judge's timeout.
	ErrAttemptTimeout = errors.New("judge: attempt timed out")
	// ErrRetryAfterTooLong: the judge asked to wait more than MaxRetryAfter,
	// which is not waited for; the attempt is final.
	ErrRetryAfterTooLong = errors.New("judge: Retry-After above 60s, not waited for")
	// ErrNoJudges: New was given a configuration without judges.
	ErrNoJudges = errors.New("judge: no judge configured")
	// ErrUnknownJudge: Select was given a name that is not configured.
	ErrUnknownJudge = errors.New("judge: unknown judge")
)

// MaxRetryAfter is the longest Retry-After that is waited for.
const MaxRetryAfter = 60 * time.Second

// Question is one judge prompt and the rule that reads its reply.
type Question struct {
	// Prompt is the whole judge prompt, sent as the only (user) message.
	Prompt string
	// Parser names the env, its version and its compat mode (for example
	// "medec@1.0.0" or "medec@1.0.0+medmarks"). It is part of the cache key,
	// so a reply valid under one parser is never served to another: change
	// it whenever the prompt or the parsing rules change. Required.
	Parser string
	// Check returns nil for a usable reply. A non-nil error is a failed
	// attempt, retried like any other. nil: any non-blank reply is usable.
	Check func(reply string) error
	// Parse, when set, is used instead of Check: its error fails the attempt
	// and its result is kept in Verdict.Parsed and in the cache.
	Parse func(reply string) (json.RawMessage, error)
}

func (q Question) validate() error {
	switch {
	case q.Prompt == "":
		return fmt.Errorf("%w: empty prompt", ErrInvalidQuestion)
	case q.Parser == "":
		return fmt.Errorf("%w: empty parser id", ErrInvalidQuestion)
	}
	return nil
}

// Usage is the tokens a judge reply cost, as the judge reported them.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Verdict is one judge's answer to one Question.
type Verdict struct {
	// Judge is the judge's configured name.
	Judge string
	// Reply is choices[0].message.content of the accepted reply. On failure
	// it is the last reply received, if any, for the detail.
	Reply string
	// Parsed is Question.Parse's result; nil when Parse is not set.
	Parsed json.RawMessage
	// Err is nil for a valid verdict. Otherwise the judge gave none within
	// its attempts, and Err is the last attempt's error.
	Err error
	// Attempts is the number of attempts made to get this verdict; on a
	// cache hit it is 0, on a shared answer the sharer's count.
	Attempts int
	// Cached: served from the cache, no call made.
	Cached bool
	// Shared: answered by an identical request that was already in flight.
	Shared bool
	// Usage is the accepted reply's (the original call's on a cache hit).
	Usage Usage
	// Latency is the last HTTP round trip; 0 on a cache hit.
	Latency time.Duration
	// Elapsed is the time this judge took within Ask: queueing, rate
	// limits, retries and waits included.
	Elapsed time.Duration
}

// OK reports whether v is a valid verdict.
func (v Verdict) OK() bool { return v.Err == nil }

// failure is v's failure for a detail line: "HTTP 500: boom (4 attempts)".
func (v Verdict) failure() string {
	n := "attempts"
	if v.Attempts == 1 {
		n = "attempt"
	}
	return fmt.Sprintf("%s (%d %s)", oneLine(v.Err.Error(), 200), v.Attempts, n)
}

// oneLine shortens s to n runes on one line.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
