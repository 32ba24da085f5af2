package sandbox

import (
	"errors"
	"fmt"
	"time"
)

// Backend names for Config.Backend.
const (
	// BackendBwrap runs Python in bubblewrap (sandbox/bwrap). The default.
	BackendBwrap = "bwrap"
	// BackendUnsafeLocal runs Python without a sandbox, for local
	// experiments only; it is never the default and logs a warning at start
	// and with every 100th call (envs/medcalc_bench.md §8.6).
	BackendUnsafeLocal = "unsafe-local"
	// BackendNone disables the python tool; the calculator still works.
	BackendNone = "none"
)

// Config is the operator's sandbox section (common.md §9 for the defaults).
type Config struct {
	// Backend is bwrap, unsafe-local or none.
	Backend string `yaml:"backend"`
	// WarmSpares is how many started interpreters wait for new sessions.
	WarmSpares int `yaml:"warm_spares"`
	// MaxSessions bounds live Python sessions, episodes and ToolService
	// together (max_sandbox_sessions).
	MaxSessions int `yaml:"max_sandbox_sessions"`
	// QueueTimeout is how long an episode's call waits for a free session
	// (sandbox_queue_timeout); ToolService calls never wait.
	QueueTimeout time.Duration `yaml:"sandbox_queue_timeout"`
	// SessionTTL expires idle ToolService sessions (tool_session_ttl).
	SessionTTL time.Duration `yaml:"tool_session_ttl"`
	// EpisodeTTL expires idle episode sessions, a safety net behind the
	// episode manager, which closes them when an episode ends.
	EpisodeTTL time.Duration `yaml:"episode_session_ttl"`
	// Limits bound each session.
	Limits Limits `yaml:"limits"`
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Backend:      BackendBwrap,
		WarmSpares:   2,
		MaxSessions:  64,
		QueueTimeout: 30 * time.Second,
		SessionTTL:   10 * time.Minute,
		EpisodeTTL:   30 * time.Minute,
		Limits:       DefaultLimits(),
	}
}

// Validate checks every field and returns all failures, each led by its
// YAML path within the section; the caller prefixes the section name.
func (c Config) Validate() error {
	var errs []error
	switch c.Backend {
	case BackendBwrap, BackendUnsafeLocal, BackendNone:
	default:
		errs = append(errs, fmt.Errorf("backend: want %q, %q or %q, got %q", BackendBwrap, BackendUnsafeLocal, BackendNone, c.Backend))
	}
	if c.WarmSpares < 0 || c.WarmSpares > 64 {
		errs = append(errs, fmt.Errorf("warm_spares: want 0 to 64, got %d", c.WarmSpares))
	}
	if c.MaxSessions < 1 {
		errs = append(errs, fmt.Errorf("max_sandbox_sessions: want at least 1, got %d", c.MaxSessions))
	}
	if c.QueueTimeout < 0 {
		errs = append(errs, fmt.Errorf("sandbox_queue_timeout: want 0 or more, got %v", c.QueueTimeout))
	}
	if c.SessionTTL < time.Second {
		errs = append(errs, fmt.Errorf("tool_session_ttl: want at least 1s, got %v", c.SessionTTL))
	}
	if c.EpisodeTTL < time.Second {
		errs = append(errs, fmt.Errorf("episode_session_ttl: want at least 1s, got %v", c.EpisodeTTL))
	}
	if err := c.Limits.Validate(); err != nil {
		errs = append(errs, prefixErrs("limits.", err))
	}
	return errors.Join(errs...)
}

func prefixErrs(prefix string, err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			errs = append(errs, fmt.Errorf("%s%w", prefix, e))
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s%w", prefix, err)
}
