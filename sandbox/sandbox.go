package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Sentinel errors. Everything that happens while code runs is a Result
// status instead; an error means the call could not be served.
var (
	// ErrUnavailable: the sandbox cannot run code for infrastructure reasons
	// (no bubblewrap or user namespaces, an interpreter that cannot be
	// started or reached, a pool that is shut down). Every such error from
	// this package and its backends wraps it. ToolService answers UNAVAILABLE;
	// an episode ends with SANDBOX_FAILED.
	ErrUnavailable = errors.New("sandbox: unavailable")
	// ErrExhausted: every session slot is in use (RESOURCE_EXHAUSTED).
	ErrExhausted = errors.New("sandbox: sessions exhausted")
	// ErrUnknownTool: no tool of that name.
	ErrUnknownTool = errors.New("sandbox: unknown tool")
	// ErrToolDisabled: the tool exists but is not enabled on this server,
	// e.g. python without a sandbox backend (FAILED_PRECONDITION).
	ErrToolDisabled = errors.New("sandbox: tool disabled on this server")
	// ErrClosed: the session, pool or toolbox was closed. It wraps
	// ErrUnavailable.
	ErrClosed error = &wrapped{msg: "sandbox: closed", err: ErrUnavailable}
)

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// Status says how a call ended. The zero value is unset.
type Status int

const (
	_ Status = iota
	// OK: the code ran to the end.
	OK
	// Error: the code raised (its report is in the output), or the
	// interpreter crashed and was restarted.
	Error
	// Timeout: the code ran past the wall-time or CPU limit and was stopped.
	Timeout
	// MemoryLimit: the code hit the memory limit (MemoryError, or killed).
	MemoryLimit
	// OutputLimit: the output passed the kept size (truncated) or the hard
	// limit (stopped).
	OutputLimit
	// Rejected: refused before or while running by policy: a disallowed
	// import or attribute, code or an expression too long, a character the
	// calculator does not allow.
	Rejected
)

var statusNames = [...]string{"UNSPECIFIED", "OK", "ERROR", "TIMEOUT", "MEMORY_LIMIT", "OUTPUT_LIMIT", "REJECTED"}

// String returns the short name used outside the proto (OK, ERROR, …).
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "UNSPECIFIED"
	}
	return statusNames[s]
}

// Result is what one call did. Output is valid UTF-8.
type Result struct {
	Output  string
	Status  Status
	Elapsed time.Duration
}

// Spec describes a tool to a model.
type Spec struct {
	// Name is the tool name (calculator, python).
	Name string
	// Arg is the name of its one string argument (expression, code).
	Arg string
	// JSON is the OpenAI function-calling definition,
	// {"type":"function","function":{...}} (envs/medcalc_bench.md §8.1).
	JSON json.RawMessage
}

// Tool is one callable tool.
type Tool interface {
	Spec() Spec
	// Run runs one call with the tool's argument (the expression or the
	// code). session names a pool session for stateful tools ("" is a fresh
	// interpreter discarded afterwards); stateless tools ignore it. What the
	// code did is in Result; an error means the sandbox itself failed.
	Run(ctx context.Context, session, input string) (Result, error)
}

// Session is one persistent interpreter. Implementations are safe for
// concurrent use; calls are serialized.
type Session interface {
	// Exec runs one cell. A cell that kills the interpreter (time, memory,
	// output limit, crash) is a Result saying so, and Done is closed
	// afterwards; the session cannot run more code. An error means the
	// cell could not be run (ctx ended: the interpreter is stopped; the
	// interpreter could not be reached; the session is closed).
	Exec(ctx context.Context, code string) (Result, error)
	// Done is closed once the interpreter is gone, for whatever reason.
	Done() <-chan struct{}
	// Close stops the interpreter and frees its resources; a second call is
	// a no-op.
	Close() error
}

// Backend starts sessions.
type Backend interface {
	// NewSession starts an interpreter with the limits. It may take long
	// (interpreter start-up); the Pool keeps spares for that reason.
	// Failures wrap ErrUnavailable.
	NewSession(ctx context.Context, lim Limits) (Session, error)
}
