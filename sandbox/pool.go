package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"go.uber.org/zap"
)

// PoolSettings configure a Pool.
type PoolSettings struct {
	Limits Limits
	// WarmSpares is how many started sessions wait for new ids.
	WarmSpares int
	// MaxSessions bounds sessions assigned to ids (spares are extra).
	MaxSessions int
	// QueueTimeout bounds how long Session waits for a free slot.
	QueueTimeout time.Duration
	// Logger is required.
	Logger *zap.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Pool maps session ids to sessions, keeps spares warm, replaces dead
// interpreters and expires idle sessions. It is safe for concurrent use.
//
// Start launches its two goroutines (the spare filler and the reaper);
// Shutdown stops them and closes every session. Shutdown is idempotent and
// safe without Start.
type Pool struct {
	b      Backend
	set    PoolSettings
	log    *zap.Logger
	now    func() time.Time
	fill   chan struct{} // size 1: a wake-up for the filler, coalesced
	stop   context.CancelFunc
	bg     context.Context
	wg     sync.WaitGroup
	tick   time.Duration
	warmed chan struct{} // closed once the spares were full once

	mu        sync.Mutex
	entries   map[string]*entry
	forgotten map[string]time.Time // ids expired or found dead: the next session is a restart
	spares    []Session
	pending   int           // slots reserved by Session calls still starting a session
	freed     chan struct{} // closed and replaced whenever a slot frees
	closed    bool
	started   bool
	warmOnce  bool
}

type entry struct {
	id       string
	s        Session
	ttl      time.Duration
	lastUsed time.Time
	busy     int
	reported bool // a Result already said the interpreter was stopped
}

// forgetFor is how long an expired id is remembered, so that its next call
// can say the interpreter was restarted rather than pretend nothing happened.
const (
	forgetFor    = 24 * time.Hour
	forgetMaxIDs = 100_000
)

// NewPool returns a pool over b. Call Start to keep spares and expire
// sessions.
func NewPool(b Backend, set PoolSettings) *Pool {
	now := set.Now
	if now == nil {
		now = time.Now
	}
	bg, stop := context.WithCancel(context.Background())
	return &Pool{
		b:         b,
		set:       set,
		log:       set.Logger,
		now:       now,
		fill:      make(chan struct{}, 1),
		bg:        bg,
		stop:      stop,
		tick:      time.Second,
		warmed:    make(chan struct{}),
		entries:   make(map[string]*entry),
		forgotten: make(map[string]time.Time),
		freed:     make(chan struct{}),
	}
}

// Start launches the spare filler and the idle reaper. reapEvery is how
// often idle sessions are looked for (0: every second).
func (p *Pool) Start(ctx context.Context, reapEvery time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if p.started {
		return nil
	}
	p.started = true
	if reapEvery > 0 {
		p.tick = reapEvery
	}
	p.wg.Go(p.filler)
	p.wg.Go(p.reaper)
	p.wake()
	return ctx.Err()
}

// WaitWarm blocks until the spares were full once (at once with no spares
// configured), or ctx ends.
func (p *Pool) WaitWarm(ctx context.Context) error {
	if p.set.WarmSpares == 0 {
		return nil
	}
	select {
	case <-p.warmed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown stops the goroutines and closes every session and spare. Calls
// after it fail with ErrClosed.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	already := p.closed
	p.closed = true
	var all []Session
	for id, e := range p.entries {
		all = append(all, e.s)
		delete(p.entries, id)
	}
	all = append(all, p.spares...)
	p.spares = nil
	p.signalFreed()
	p.mu.Unlock()
	p.stop()
	done := make(chan struct{})
	go func() { // owned: waited for just below or abandoned with ctx
		p.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if !already {
		for _, s := range all {
			s.Close()
		}
	}
	return err
}

// Stats is a snapshot of the pool.
type Stats struct {
	Live, Spares, Starting int
}

// Stats returns a snapshot.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Live: len(p.entries), Spares: len(p.spares), Starting: p.pending}
}

// Session returns the session of id, starting one (from a spare when there
// is one) if id has none. restarted is true when id had an interpreter that
// is gone without a Result having said so (idle expiry, found dead), so the
// caller can lead its output with a restart note. With every slot in use it
// waits up to QueueTimeout, then fails with ErrExhausted. ttl is the idle
// time after which the session is expired.
func (p *Pool) Session(ctx context.Context, id string, ttl time.Duration) (s Session, restarted bool, err error) {
	return p.session(ctx, id, ttl, p.set.QueueTimeout)
}

// TrySession is Session without waiting: with every slot in use it fails
// with ErrExhausted at once.
func (p *Pool) TrySession(ctx context.Context, id string, ttl time.Duration) (s Session, restarted bool, err error) {
	return p.session(ctx, id, ttl, 0)
}

func (p *Pool) session(ctx context.Context, id string, ttl time.Duration, wait time.Duration) (Session, bool, error) {
	var deadline <-chan time.Time
	restarted := false
	var stale []Session
	defer func() {
		for _, s := range stale {
			s.Close()
		}
	}()
	p.mu.Lock()
	for {
		if p.closed {
			p.mu.Unlock()
			return nil, false, ErrClosed
		}
		if e, ok := p.entries[id]; ok {
			if !isDone(e.s) {
				e.lastUsed = p.now()
				p.mu.Unlock()
				return &pooled{p: p, e: e}, false, nil
			}
			restarted = restarted || !e.reported
			delete(p.entries, id)
			stale = append(stale, e.s)
		}
		if _, ok := p.forgotten[id]; ok {
			restarted = true
			delete(p.forgotten, id)
		}
		if len(p.entries)+p.pending < p.set.MaxSessions {
			break
		}
		if wait <= 0 {
			p.mu.Unlock()
			return nil, false, fmt.Errorf("%w (%d in use)", ErrExhausted, p.set.MaxSessions)
		}
		if deadline == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			deadline = t.C
		}
		freed := p.freed
		p.mu.Unlock()
		select {
		case <-freed:
		case <-deadline:
			return nil, false, fmt.Errorf("%w: no session free within %v", ErrExhausted, wait)
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		p.mu.Lock()
	}
	p.pending++
	s := p.takeSpare(&stale)
	p.mu.Unlock()
	p.wake()

	if s == nil {
		var err error
		s, err = p.b.NewSession(ctx, p.set.Limits)
		if err != nil {
			p.mu.Lock()
			p.pending--
			p.signalFreed()
			p.mu.Unlock()
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			return nil, false, fmt.Errorf("start session: %w", wrapUnavailable(err))
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending--
	if p.closed {
		stale = append(stale, s)
		return nil, false, ErrClosed
	}
	if e, ok := p.entries[id]; ok && !isDone(e.s) { // a concurrent call for id won
		stale = append(stale, s)
		e.lastUsed = p.now()
		p.signalFreed()
		return &pooled{p: p, e: e}, restarted, nil
	}
	e := &entry{id: id, s: s, ttl: ttl, lastUsed: p.now()}
	p.entries[id] = e
	return &pooled{p: p, e: e}, restarted, nil
}

// takeSpare pops a live spare; dead ones go to stale. Called with p.mu held.
func (p *Pool) takeSpare(stale *[]Session) Session {
	for len(p.spares) > 0 {
		s := p.spares[0]
		p.spares = p.spares[1:]
		if !isDone(s) {
			return s
		}
		*stale = append(*stale, s)
	}
	return nil
}

// Close closes the session of id, if any. The id is not remembered: its
// next call starts fresh without a restart note.
func (p *Pool) Close(id string) error {
	p.mu.Lock()
	e, ok := p.entries[id]
	if ok {
		delete(p.entries, id)
		p.signalFreed()
	}
	delete(p.forgotten, id)
	p.mu.Unlock()
	if !ok {
		return nil
	}
	return e.s.Close()
}

func isDone(s Session) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

// signalFreed wakes every waiter. Called with p.mu held.
func (p *Pool) signalFreed() {
	close(p.freed)
	p.freed = make(chan struct{})
}

func (p *Pool) wake() {
	select {
	case p.fill <- struct{}{}:
	default:
	}
}

// filler keeps WarmSpares started sessions, retrying a failing backend with
// exponential backoff.
func (p *Pool) filler() {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = 100 * time.Millisecond
	bo.MaxInterval = 30 * time.Second
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	for {
		select {
		case <-p.bg.Done():
			return
		case <-p.fill:
		case <-retry.C:
		}
		for {
			p.mu.Lock()
			need := !p.closed && len(p.spares) < p.set.WarmSpares
			if !need && !p.warmOnce && !p.closed {
				p.warmOnce = true
				close(p.warmed)
			}
			p.mu.Unlock()
			if !need {
				break
			}
			s, err := p.b.NewSession(p.bg, p.set.Limits)
			if err != nil {
				if p.bg.Err() != nil {
					return
				}
				d := bo.NextBackOff()
				p.log.Warn("sandbox spare failed to start", zap.Error(err), zap.Duration("retry_in", d))
				retry.Reset(d)
				break
			}
			bo.Reset()
			p.mu.Lock()
			if p.closed {
				p.mu.Unlock()
				s.Close()
				return
			}
			p.spares = append(p.spares, s)
			p.mu.Unlock()
		}
	}
}

// reaper expires idle sessions and drops dead spares.
func (p *Pool) reaper() {
	t := time.NewTimer(p.tick)
	defer t.Stop()
	for {
		select {
		case <-p.bg.Done():
			return
		case <-t.C:
		}
		p.reap()
		t.Reset(p.tick)
	}
}

func (p *Pool) reap() {
	now := p.now()
	var stale []Session
	p.mu.Lock()
	for id, e := range p.entries {
		if e.busy == 0 && now.Sub(e.lastUsed) >= e.ttl {
			delete(p.entries, id)
			p.forgotten[id] = now
			stale = append(stale, e.s)
		}
	}
	live := p.spares[:0]
	for _, s := range p.spares {
		if isDone(s) {
			stale = append(stale, s)
		} else {
			live = append(live, s)
		}
	}
	p.spares = live
	for id, at := range p.forgotten {
		if now.Sub(at) > forgetFor || len(p.forgotten) > forgetMaxIDs {
			delete(p.forgotten, id)
		}
	}
	if len(stale) > 0 {
		p.signalFreed()
	}
	p.mu.Unlock()
	if len(stale) > 0 {
		p.log.Debug("sandbox sessions expired", zap.Int("count", len(stale)))
		p.wake()
	}
	for _, s := range stale {
		s.Close()
	}
}

// pooled is the Session handed out: it marks its entry busy while a cell
// runs, so the reaper leaves it alone, and notes whether a Result reported
// the interpreter's end.
type pooled struct {
	p *Pool
	e *entry
}

func (s *pooled) Exec(ctx context.Context, code string) (Result, error) {
	p := s.p
	p.mu.Lock()
	s.e.busy++
	p.mu.Unlock()
	r, err := s.e.s.Exec(ctx, code)
	p.mu.Lock()
	s.e.busy--
	s.e.lastUsed = p.now()
	if err == nil && isDone(s.e.s) {
		s.e.reported = true
	}
	p.mu.Unlock()
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		err = wrapUnavailable(err)
	}
	return r, err
}

func (s *pooled) Done() <-chan struct{} { return s.e.s.Done() }

func (s *pooled) Close() error {
	s.p.mu.Lock()
	if cur, ok := s.p.entries[s.e.id]; ok && cur == s.e {
		delete(s.p.entries, s.e.id)
		s.p.signalFreed()
	}
	s.p.mu.Unlock()
	return s.e.s.Close()
}

func wrapUnavailable(err error) error {
	if errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
