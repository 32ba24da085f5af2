package envs

import (
	"errors"
	"fmt"
)

// Sentinels the server maps to gRPC codes in server/errors.go.
var (
	ErrUnknownEnv     = errors.New("envs: unknown environment")
	ErrUnknownSplit   = errors.New("envs: unknown split")
	ErrUnknownExample = errors.New("envs: unknown example")
	ErrUnknownEpisode = errors.New("envs: unknown episode")
	// ErrEpisodeDone: a Step on a finished episode.
	ErrEpisodeDone = errors.New("envs: episode is finished")
	// ErrPrecondition: the request is well formed but cannot be served in
	// the current state (a wrong turn, a judged env without a judge, a
	// disabled tool).
	ErrPrecondition = errors.New("envs: failed precondition")
	// ErrExhausted: a bounded resource is full (episodes, sessions, queues).
	ErrExhausted = errors.New("envs: resource exhausted")
	// ErrUnavailable: the server cannot serve this now (still loading, the
	// sandbox cannot run).
	ErrUnavailable = errors.New("envs: unavailable")
)

// FieldError is a bad request field. Its message starts with the field path
// so a caller can see at once what to fix: "options.shuffle_seed: want
// integer, got \"abc\"".
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Fieldf builds a *FieldError.
func Fieldf(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// InputError is a malformed item (an inline example missing a field, a
// completion that cannot be scored): a call error for nothing, it becomes the
// reward status INVALID_INPUT. Field names what is wrong.
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// Inputf builds an *InputError.
func Inputf(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// NotFound wraps a sentinel with a message that names what was looked for.
func NotFound(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
