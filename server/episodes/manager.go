package episodes

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Store holds encoded episode records: store.Table (Badger) or
// store.MemTable (tests).
type Store interface {
	Get(ctx context.Context, key string) (val []byte, ok bool, err error)
	Put(ctx context.Context, key string, val []byte, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// Config bounds the episodes (../spec/common.md §9).
type Config struct {
	// TTL is the idle time after which an episode expires.
	TTL time.Duration `yaml:"episode_ttl"`
	// Deadline is how long after Reset an episode may run.
	Deadline time.Duration `yaml:"episode_deadline"`
	// MaxEpisodes caps the open episodes.
	MaxEpisodes int `yaml:"max_episodes"`
}

// DefaultConfig returns the spec's limits.
func DefaultConfig() Config {
	return Config{TTL: 30 * time.Minute, Deadline: time.Hour, MaxEpisodes: 100_000}
}

// Validate checks every field.
func (c Config) Validate() error {
	var errs []error
	if c.TTL <= 0 {
		errs = append(errs, errors.New("episode_ttl: want > 0"))
	}
	if c.Deadline <= 0 {
		errs = append(errs, errors.New("episode_deadline: want > 0"))
	}
	if c.MaxEpisodes <= 0 {
		errs = append(errs, errors.New("max_episodes: want > 0"))
	}
	return errors.Join(errs...)
}

// expiredMemory is how long an expired episode is remembered, so its id
// gets "expired" rather than "unknown".
const expiredMemory = 24 * time.Hour

// Manager owns the live episodes.
type Manager struct {
	cfg   Config
	store Store
	reg   *envs.Registry
	log   *zap.Logger
	now   func() time.Time

	mu   sync.Mutex // guards live
	live map[string]*live

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// live is an episode in memory. mu serialises the calls on it.
type live struct {
	mu     sync.Mutex
	loaded bool
	entry  *envs.Entry
	opts   envs.Values
	ep     envs.Episode // nil until revived after a restart
	rec    record
	// idleSince is read by the reaper under Manager.mu.
	idleSince time.Time
}

// record is what the store holds for one episode.
type record struct {
	Env       string    `json:"env"`
	Split     string    `json:"split"`
	ExampleID string    `json:"example_id"`
	Options   string    `json:"options"`
	Seed      uint64    `json:"seed"`
	State     []byte    `json:"state"`
	Created   time.Time `json:"created"`
	Deadline  time.Time `json:"deadline"`
	Active    time.Time `json:"active"`
	MaxTurns  int       `json:"max_turns"`
	NextTurn  uint32    `json:"next_turn"`
	Done      bool      `json:"done,omitempty"`
	Closed    bool      `json:"closed,omitempty"`
	// Efficiency accounting over the episode's Steps.
	Tokens        uint64 `json:"tokens"`
	TokensMissing bool   `json:"tokens_missing,omitempty"`
	Bytes         int    `json:"bytes"`
	// The last applied Step, for safe retries.
	LastTurn   uint32 `json:"last_turn,omitempty"`
	LastAction string `json:"last_action,omitempty"`
	LastReply  *Reply `json:"last_reply,omitempty"`
}

// Reply is the outcome of a Step, stored so that a retry gets it again.
type Reply struct {
	Observation []envs.Message  `json:"observation,omitempty"`
	Terminated  bool            `json:"terminated,omitempty"`
	Truncated   bool            `json:"truncated,omitempty"`
	NextTurn    uint32          `json:"next_turn"`
	Reward      *rewards.Reward `json:"reward,omitempty"`
}

// New returns a Manager; call Start to run the reaper.
func New(cfg Config, st Store, reg *envs.Registry, log *zap.Logger) *Manager {
	if log == nil {
		log = zap.NewNop()
	}
	return &Manager{cfg: cfg, store: st, reg: reg, log: log.Named("episodes"), now: time.Now,
		live: map[string]*live{}, stop: make(chan struct{})}
}

// SetClock replaces the clock (tests).
func (m *Manager) SetClock(now func() time.Time) { m.now = now }

// Start runs the reaper that closes idle episodes.
func (m *Manager) Start() {
	every := min(m.cfg.TTL/4, time.Minute)
	m.wg.Go(func() {
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.Reap(context.Background())
				t.Reset(every)
			}
		}
	})
}

// Shutdown stops the reaper and closes the live episodes' resources (their
// records stay in the store, so a restart continues them). Idempotent.
func (m *Manager) Shutdown(ctx context.Context) {
	m.stopOnce.Do(func() { close(m.stop) })
	m.wg.Wait()
	m.mu.Lock()
	all := m.live
	m.live = map[string]*live{}
	m.mu.Unlock()
	for _, l := range all {
		l.mu.Lock()
		if l.ep != nil {
			_ = l.ep.Close(ctx)
			l.ep = nil
		}
		l.mu.Unlock()
	}
}

// Reap closes the episodes idle for longer than the TTL.
func (m *Manager) Reap(ctx context.Context) {
	cutoff := m.now().Add(-m.cfg.TTL)
	m.mu.Lock()
	var idle []*live
	for id, l := range m.live {
		if l.idleSince.Before(cutoff) {
			idle = append(idle, l)
			delete(m.live, id)
		}
	}
	m.mu.Unlock()
	for _, l := range idle {
		l.mu.Lock()
		if l.ep != nil {
			if err := l.ep.Close(ctx); err != nil {
				m.log.Warn("closing an expired episode", zap.Error(err))
			}
			l.ep = nil
		}
		l.mu.Unlock()
	}
}

// Open counts the episodes in memory.
func (m *Manager) Open() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.live)
}

// ResetResult is a started episode.
type ResetResult struct {
	EpisodeID string
	Start     envs.Start
	Seed      uint64
	NextTurn  uint32
	Deadline  time.Time
}

// Reset starts an episode of entry and writes it through before returning.
func (m *Manager) Reset(ctx context.Context, entry *envs.Entry, req envs.ResetRequest) (ResetResult, error) {
	m.mu.Lock()
	full := len(m.live) >= m.cfg.MaxEpisodes
	m.mu.Unlock()
	if full {
		return ResetResult{}, fmt.Errorf("%w: %d open episodes (max_episodes)", envs.ErrExhausted, m.cfg.MaxEpisodes)
	}
	id := rand.Text()
	req.EpisodeID = id
	ep, start, err := entry.Env.Reset(ctx, req)
	if err != nil {
		return ResetResult{}, err
	}
	state, err := ep.State()
	if err != nil {
		_ = ep.Close(ctx)
		return ResetResult{}, fmt.Errorf("episode %s state: %w", id, err)
	}
	now := m.now()
	l := &live{loaded: true, entry: entry, opts: req.Options, ep: ep, idleSince: now}
	l.rec = record{Env: entry.Name(), Split: start.Split, ExampleID: start.ExampleID, Options: req.Options.JSON(),
		Seed: req.Seed, State: state, Created: now, Deadline: now.Add(m.cfg.Deadline), Active: now, MaxTurns: start.MaxTurns, NextTurn: 1}
	if err := m.save(ctx, id, l); err != nil {
		_ = ep.Close(ctx)
		return ResetResult{}, err
	}
	m.mu.Lock()
	m.live[id] = l
	m.mu.Unlock()
	return ResetResult{EpisodeID: id, Start: start, Seed: req.Seed, NextTurn: 1, Deadline: l.rec.Deadline}, nil
}

// StepInput is one Step call.
type StepInput struct {
	Action envs.Message
	// ActionKey identifies the action exactly (the deterministic protobuf
	// encoding), to recognise a retry.
	ActionKey []byte
	// Turn is the 1-based turn the caller expects to apply; nil: the next.
	Turn *uint32
	// CompletionTokens is this turn's sampled token count; nil: unknown.
	CompletionTokens *uint32
}

// Step applies one action, or returns the stored reply of a retried one.
func (m *Manager) Step(ctx context.Context, id string, in StepInput) (Reply, error) {
	l, err := m.acquire(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	defer l.mu.Unlock()
	rec := &l.rec
	key := actionKey(in.ActionKey)
	if in.Turn != nil {
		switch {
		case *in.Turn == rec.LastTurn && rec.LastTurn > 0 && key == rec.LastAction && rec.LastReply != nil:
			return *rec.LastReply, nil
		case *in.Turn == rec.LastTurn && rec.LastTurn > 0:
			return Reply{}, fmt.Errorf("%w: turn %d was already applied with another action; expected turn %d", envs.ErrPrecondition, *in.Turn, rec.NextTurn)
		case *in.Turn != rec.NextTurn && !rec.Done:
			return Reply{}, fmt.Errorf("%w: turn %d; expected turn %d", envs.ErrPrecondition, *in.Turn, rec.NextTurn)
		}
	}
	if rec.Closed {
		return Reply{}, fmt.Errorf("%w: episode %s was closed", envs.ErrEpisodeDone, id)
	}
	if rec.Done {
		return Reply{}, fmt.Errorf("%w: episode %s ended at turn %d", envs.ErrEpisodeDone, id, rec.LastTurn)
	}
	now := m.now()
	var reply Reply
	if now.After(rec.Deadline) {
		r := rewards.Failed(rewards.Timeout, fmt.Sprintf("episode deadline passed (%s after Reset)", m.cfg.Deadline))
		reply = Reply{Truncated: true, Reward: &r}
	} else {
		if l.ep == nil {
			if l.ep, err = l.entry.Env.Restore(ctx, rec.State, l.opts); err != nil {
				return Reply{}, fmt.Errorf("restore episode %s: %w", id, err)
			}
		}
		res, err := l.ep.Step(ctx, in.Action)
		if err != nil {
			return Reply{}, err
		}
		reply = Reply{Observation: res.Observation, Terminated: res.Terminated, Truncated: res.Truncated, Reward: res.Reward}
		if rec.State, err = l.ep.State(); err != nil {
			return Reply{}, fmt.Errorf("episode %s state: %w", id, err)
		}
	}
	if in.CompletionTokens != nil {
		rec.Tokens += uint64(*in.CompletionTokens)
	} else {
		rec.TokensMissing = true
	}
	rec.Bytes += envs.AssistantBytes(in.Action)
	if reply.Reward != nil {
		r := m.finish(l, *reply.Reward)
		reply.Reward = &r
	}
	rec.LastTurn = rec.NextTurn
	rec.NextTurn++
	reply.NextTurn = rec.NextTurn
	rec.LastAction = key
	rec.LastReply = &reply
	rec.Active = now
	if reply.Terminated || reply.Truncated {
		rec.Done = true
		if l.ep != nil {
			if err := l.ep.Close(ctx); err != nil {
				m.log.Warn("closing a finished episode", zap.Error(err))
			}
			l.ep = nil
		}
	}
	if err := m.save(ctx, id, l); err != nil {
		return Reply{}, err
	}
	m.touch(id, l, now)
	return reply, nil
}

// finish applies the generic parts of a final reward: efficiency and the
// env version.
func (m *Manager) finish(l *live, r rewards.Reward) rewards.Reward {
	budget, weight := l.opts.Efficiency()
	if budget > 0 && weight > 0 {
		e := rewards.Efficiency{BudgetTokens: int(budget), Weight: weight, Tokens: int(l.rec.Tokens)}
		if l.rec.TokensMissing {
			e.Tokens, e.Estimated = rewards.EstimateTokens(l.rec.Bytes), true
		}
		r = e.Apply(r)
	}
	r.EnvVersion = l.entry.Version()
	return r
}

// Close ends an episode and frees its resources; closing twice is no error.
func (m *Manager) Close(ctx context.Context, id string) error {
	l, err := m.acquire(ctx, id)
	if err != nil {
		return err
	}
	defer l.mu.Unlock()
	if l.ep != nil {
		if err := l.ep.Close(ctx); err != nil {
			m.log.Warn("closing an episode", zap.Error(err))
		}
		l.ep = nil
	}
	if l.rec.Closed {
		return nil
	}
	l.rec.Closed, l.rec.Done, l.rec.Active = true, true, m.now()
	err = m.save(ctx, id, l)
	m.mu.Lock()
	delete(m.live, id)
	m.mu.Unlock()
	return err
}

// acquire finds or loads the episode and returns it locked.
func (m *Manager) acquire(ctx context.Context, id string) (*live, error) {
	if id == "" {
		return nil, envs.Fieldf("episode_id", "required")
	}
	m.mu.Lock()
	l, ok := m.live[id]
	if !ok {
		l = &live{idleSince: m.now()}
		m.live[id] = l
	}
	m.mu.Unlock()
	l.mu.Lock()
	if l.loaded {
		return l, nil
	}
	if err := m.load(ctx, id, l); err != nil {
		l.mu.Unlock()
		m.mu.Lock()
		if m.live[id] == l {
			delete(m.live, id)
		}
		m.mu.Unlock()
		return nil, err
	}
	return l, nil
}

func (m *Manager) load(ctx context.Context, id string, l *live) error {
	b, ok, err := m.store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("load episode %s: %w", id, err)
	}
	if !ok {
		return envs.NotFound(envs.ErrUnknownEpisode, "episode %q is unknown (or expired more than a day ago)", id)
	}
	if err := json.Unmarshal(b, &l.rec); err != nil {
		return fmt.Errorf("decode episode %s: %w", id, err)
	}
	if m.now().Sub(l.rec.Active) > m.cfg.TTL {
		return envs.NotFound(envs.ErrUnknownEpisode, "episode %q expired after %s idle", id, m.cfg.TTL)
	}
	entry, err := m.reg.Lookup(l.rec.Env)
	if err != nil {
		return fmt.Errorf("episode %s: %w", id, err)
	}
	opts, err := entry.Options.Parse(l.rec.Options)
	if err != nil {
		return fmt.Errorf("episode %s options: %w", id, err)
	}
	l.entry, l.opts, l.loaded = entry, opts, true
	return nil
}

func (m *Manager) save(ctx context.Context, id string, l *live) error {
	b, err := json.Marshal(&l.rec)
	if err != nil {
		return fmt.Errorf("encode episode %s: %w", id, err)
	}
	// The record outlives its TTL by a day so that a late call can be told
	// "expired" rather than "unknown".
	if err := m.store.Put(context.WithoutCancel(ctx), id, b, m.cfg.TTL+expiredMemory); err != nil {
		return fmt.Errorf("save episode %s: %w", id, err)
	}
	return nil
}

// touch marks activity; a finished episode leaves memory (its record, with
// the last reply, stays in the store for retries).
func (m *Manager) touch(id string, l *live, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l.rec.Done {
		if m.live[id] == l {
			delete(m.live, id)
		}
		return
	}
	l.idleSince = now
}

func actionKey(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
