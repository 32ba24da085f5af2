package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"

	"go.uber.org/zap"
)

// Toolbox serves the calculator and python tools to ToolService, the
// `medmarks exec` CLI and episodes. It is safe for concurrent use.
//
// Session ids live in two spaces that never meet: ToolService ids
// (Execute, CloseSession) and episode ids (Call, CloseEpisode), so an
// Execute can never reach an episode's interpreter whatever id it names.
type Toolbox struct {
	cfg     Config
	log     *zap.Logger
	calc    Tool
	pool    *Pool       // nil: python disabled
	tool    *pythonTool // ToolService sessions: never queue
	episode *pythonTool // episode sessions: queue up to QueueTimeout
	unsafe  bool
	calls   atomic.Uint64
}

// NewToolbox returns a toolbox. backend nil (or cfg.Backend "none")
// disables the python tool; the calculator always works. cfg must be valid.
func NewToolbox(cfg Config, backend Backend, log *zap.Logger) (*Toolbox, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sandbox config: %w", err)
	}
	t := &Toolbox{cfg: cfg, log: log, calc: NewCalculatorTool(), unsafe: cfg.Backend == BackendUnsafeLocal}
	if backend == nil || cfg.Backend == BackendNone {
		return t, nil
	}
	t.pool = NewPool(backend, PoolSettings{
		Limits:       cfg.Limits,
		WarmSpares:   cfg.WarmSpares,
		MaxSessions:  cfg.MaxSessions,
		QueueTimeout: cfg.QueueTimeout,
		Logger:       log,
	})
	t.tool = &pythonTool{pool: t.pool, lim: cfg.Limits, ttl: cfg.SessionTTL}
	t.episode = &pythonTool{pool: t.pool, lim: cfg.Limits, ttl: cfg.EpisodeTTL, queue: true}
	return t, nil
}

// Start starts the pool (warm spares, idle expiry). It does not wait for
// the spares: Ready does.
func (t *Toolbox) Start(ctx context.Context) error {
	if t.pool == nil {
		return nil
	}
	if t.unsafe {
		t.log.Warn("UNSAFE: python tool runs without a sandbox (sandbox.backend: unsafe-local); use only for local experiments")
	}
	reapEvery := min(max(t.cfg.SessionTTL/20, 10_000_000), 30_000_000_000) // 10ms..30s
	return t.pool.Start(ctx, reapEvery)
}

// Ready blocks until the warm spares were started once, or ctx ends. It
// returns at once when python is disabled.
func (t *Toolbox) Ready(ctx context.Context) error {
	if t.pool == nil {
		return nil
	}
	return t.pool.WaitWarm(ctx)
}

// Shutdown closes every session; idempotent and safe without Start.
func (t *Toolbox) Shutdown(ctx context.Context) error {
	if t.pool == nil {
		return nil
	}
	return t.pool.Shutdown(ctx)
}

// Enabled reports whether a tool is served here.
func (t *Toolbox) Enabled(tool string) bool {
	switch tool {
	case Calculator:
		return true
	case Python:
		return t.pool != nil
	}
	return false
}

// Specs returns the definitions of the enabled tools, calculator first.
func (t *Toolbox) Specs() []Spec {
	specs := []Spec{CalculatorSpec()}
	if t.pool != nil {
		specs = append(specs, PythonSpec(t.cfg.Limits.CellTime))
	}
	return specs
}

// Stats returns the pool's counts (zero when python is disabled).
func (t *Toolbox) Stats() Stats {
	if t.pool == nil {
		return Stats{}
	}
	return t.pool.Stats()
}

// Execute runs one ToolService call: input is the expression or the code.
// sessionID "" runs python in a fresh interpreter discarded afterwards;
// otherwise the session persists until CloseSession or SessionTTL of
// idleness, after which the next call starts fresh, its output led by
// RestartNote. It never queues: with every session in use it fails with
// ErrExhausted.
//
// Errors: ErrUnknownTool, ErrToolDisabled, ErrExhausted, ErrUnavailable
// (wrapped), or ctx's error. What the code did is in Result.
func (t *Toolbox) Execute(ctx context.Context, tool, input, sessionID string) (Result, error) {
	return t.run(ctx, tool, input, func() (Result, error) {
		if sessionID == "" {
			id := "anon/" + rand.Text()
			defer t.pool.Close(id)
			return t.tool.Run(ctx, id, input)
		}
		return t.tool.Run(ctx, "t/"+sessionID, input)
	})
}

// run routes one call: the calculator in process, python through python()
// once the tool is known to be enabled.
func (t *Toolbox) run(ctx context.Context, tool, input string, python func() (Result, error)) (Result, error) {
	switch tool {
	case Calculator:
		return t.calc.Run(ctx, "", input)
	case Python:
	default:
		return Result{}, fmt.Errorf("%w %q", ErrUnknownTool, tool)
	}
	if t.pool == nil {
		return Result{}, fmt.Errorf("%w: %s", ErrToolDisabled, tool)
	}
	t.warnUnsafe()
	return python()
}

// CloseSession closes a ToolService session; closing an unknown one is a
// no-op.
func (t *Toolbox) CloseSession(ctx context.Context, sessionID string) error {
	if t.pool == nil || sessionID == "" {
		return nil
	}
	return t.pool.Close("t/" + sessionID)
}

// Call runs one episode tool call (input as for Execute). The episode's
// python session is created at its first call; with every session in use
// the call waits up to QueueTimeout, then fails with ErrExhausted (the
// episode ends SANDBOX_FAILED).
func (t *Toolbox) Call(ctx context.Context, episodeID, tool, input string) (Result, error) {
	return t.run(ctx, tool, input, func() (Result, error) { return t.episode.Run(ctx, "e/"+episodeID, input) })
}

// CloseEpisode frees an episode's python session; a no-op without one.
func (t *Toolbox) CloseEpisode(ctx context.Context, episodeID string) error {
	if t.pool == nil {
		return nil
	}
	return t.pool.Close("e/" + episodeID)
}

func (t *Toolbox) warnUnsafe() {
	if t.unsafe && t.calls.Add(1)%100 == 0 {
		t.log.Warn("UNSAFE: python tool runs without a sandbox", zap.Uint64("calls", t.calls.Load()))
	}
}
