package judge

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

// Settings are New's dependencies, set in code by cmd/medmarks or tests.
type Settings struct {
	// Logger is named "judge" by New; nil discards logs.
	Logger *zap.Logger
	// Cache stores valid verdicts; nil (or Policy.Cache false) turns the
	// cache, and the collapsing of identical requests in flight, off.
	Cache Cache
	// HTTPClient sends the requests; nil gives each judge its own client
	// whose keep-alive pool fits Policy.Concurrency.
	HTTPClient *http.Client
	// LookupEnv reads the API key variables; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Client asks the configured judges. It is safe for concurrent use.
type Client struct {
	judges []*endpoint
	core   *core
}

// core is what Select views share with their parent.
type core struct {
	policy Policy
	cache  Cache // nil: off
	log    *zap.Logger
	// flights collapses identical requests when the cache is on.
	flights    flights
	transports []*http.Transport // made by New, closed by Close
}

// endpoint is one judge's state, shared by every Ask.
type endpoint struct {
	name, baseURL, model string
	timeout              time.Duration
	sampling             Sampling
	api                  *chatapi.Client
	sem                  *semaphore.Weighted
	rpm, tpm             *rate.Limiter // nil: no limit
	stats                counters
	authWarned           atomic.Bool

	mu          sync.Mutex
	pausedUntil time.Time // Retry-After: no request before this
	tpmCredit   int       // tokens over-charged by estimates, refunded on later charges
}

// New builds a client for cfg's judges; cfg must have passed Validate. It
// reads each judge's key from its api_key_env variable once, and logs each
// judge's model, sampling and whether a key was found (never the key).
func New(cfg Config, set Settings) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Judges) == 0 {
		return nil, ErrNoJudges
	}
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("judge")
	lookup := set.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	co := &core{policy: cfg.Judge, log: log}
	switch {
	case cfg.Judge.Cache && set.Cache != nil:
		co.cache = set.Cache
		log.Info("judge cache on", zap.Duration("cache_ttl", cfg.Judge.CacheTTL))
	case cfg.Judge.Cache:
		log.Warn("judge cache configured but no store given; cache off")
	default:
		log.Info("judge cache off")
	}
	c := &Client{core: co}
	for i, ec := range cfg.Judges {
		hc := set.HTTPClient
		if hc == nil {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.MaxIdleConns = 0
			t.MaxIdleConnsPerHost = cfg.Judge.Concurrency
			co.transports = append(co.transports, t)
			hc = &http.Client{Transport: t}
		}
		var key string
		if ec.APIKeyEnv != "" {
			key, _ = lookup(ec.APIKeyEnv)
		}
		api, err := chatapi.New(ec.BaseURL, key, ec.Headers, hc)
		if err != nil {
			return nil, fmt.Errorf("judges[%d].base_url: %w", i, err)
		}
		defaults, known := DefaultSampling(ec.Model)
		e := &endpoint{
			name:     ec.Name,
			baseURL:  ec.BaseURL,
			model:    ec.Model,
			timeout:  ec.Timeout,
			sampling: defaults.merge(ec.Sampling),
			api:      api,
			sem:      semaphore.NewWeighted(int64(cfg.Judge.Concurrency)),
		}
		if e.timeout == 0 {
			e.timeout = DefaultTimeout
		}
		if cfg.Judge.RPM > 0 {
			e.rpm = rate.NewLimiter(rate.Limit(float64(cfg.Judge.RPM)/60), cfg.Judge.RPM)
		}
		if cfg.Judge.TPM > 0 {
			e.tpm = rate.NewLimiter(rate.Limit(float64(cfg.Judge.TPM)/60), cfg.Judge.TPM)
		}
		c.judges = append(c.judges, e)

		fields := []zap.Field{
			zap.String("judge", e.name), zap.String("endpoint", api.Endpoint()),
			zap.String("model", e.model), zap.Any("sampling", e.sampling.wire()),
			zap.Duration("timeout", e.timeout), zap.Bool("api_key", key != ""),
		}
		switch {
		case ec.APIKeyEnv == "":
			log.Info("judge has no api_key_env; no Authorization header is sent", fields...)
		case key == "":
			log.Info("judge API key variable unset or empty; no Authorization header is sent",
				append(fields, zap.String("api_key_env", ec.APIKeyEnv))...)
		default:
			log.Info("judge configured", append(fields, zap.String("api_key_env", ec.APIKeyEnv))...)
		}
		if !known {
			log.Warn("judge model not in the sampling table; the endpoint's defaults apply except for overrides",
				zap.String("judge", e.name), zap.String("model", e.model))
		}
	}
	return c, nil
}

// Ask sends q to every judge of c concurrently and returns one Verdict per
// judge, in configuration order. A judge that gives no valid verdict within
// its attempts is a Verdict with Err, never an error of Ask: Ask fails only
// when ctx ends first (with ctx's error) or q lacks Prompt or Parser
// (ErrInvalidQuestion).
func (c *Client) Ask(ctx context.Context, q Question) ([]Verdict, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs := make([]Verdict, len(c.judges))
	errs := make([]error, len(c.judges))
	if len(c.judges) == 1 {
		vs[0], errs[0] = c.ask(ctx, c.judges[0], q)
	} else {
		var wg sync.WaitGroup
		for i, e := range c.judges {
			wg.Go(func() { vs[i], errs[i] = c.ask(ctx, e, q) })
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// ask gets one judge's verdict: from the cache, from an identical request in
// flight, or by calling the judge. err is set only when ctx ended.
func (c *Client) ask(ctx context.Context, e *endpoint, q Question) (Verdict, error) {
	start := time.Now()
	body, err := chatapi.UserRequest(e.model, q.Prompt, e.sampling.wire()).Encode()
	if err != nil { // unreachable after Validate: only NaN/Inf fail to encode
		return e.count(Verdict{Judge: e.name, Err: fmt.Errorf("encode request: %w", err)}, start), nil
	}
	if c.core.cache == nil {
		v, err := c.call(ctx, e, q, body)
		if err != nil {
			return Verdict{}, err
		}
		return e.count(v, start), nil
	}
	key := CacheKey(e.baseURL, e.model, q.Parser, body)
	if v, ok := c.lookup(ctx, e, q, key); ok {
		return e.count(v, start), nil
	}
	v, led, shared, err := c.core.flights.do(ctx, key, func(fctx context.Context) Verdict {
		// Look again: an identical call may have finished since.
		if v, ok := c.lookup(fctx, e, q, key); ok {
			return v
		}
		e.stats.misses.Add(1)
		v, err := c.call(fctx, e, q, body)
		if err != nil { // every caller left; nobody reads this verdict
			return Verdict{Judge: e.name, Err: err}
		}
		if v.Err == nil {
			c.store(fctx, e, key, v)
		}
		return v
	})
	if err != nil {
		return Verdict{}, err
	}
	if shared && !led && !v.Cached {
		v.Shared = true
		e.stats.shared.Add(1)
	}
	return e.count(v, start), nil
}

// count records v in e's stats and sets its Elapsed.
func (e *endpoint) count(v Verdict, start time.Time) Verdict {
	v.Elapsed = time.Since(start)
	if v.Err != nil {
		e.stats.failed.Add(1)
	} else {
		e.stats.valid.Add(1)
	}
	return v
}

// lookup serves a verdict from the cache. A cache error or a bad entry is a
// miss, logged: the judge is asked again and the entry rewritten.
func (c *Client) lookup(ctx context.Context, e *endpoint, q Question, key string) (Verdict, bool) {
	b, ok, err := c.core.cache.Get(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			c.core.log.Warn("judge cache read failed", zap.String("judge", e.name), zap.Error(err))
		}
		return Verdict{}, false
	}
	if !ok {
		return Verdict{}, false
	}
	ent, err := decodeEntry(b)
	if err != nil {
		c.core.log.Warn("judge cache entry unreadable; asking again", zap.String("judge", e.name), zap.Error(err))
		return Verdict{}, false
	}
	v := Verdict{Judge: e.name, Reply: ent.Reply, Parsed: ent.Verdict, Usage: ent.Usage, Cached: true}
	if q.Parse != nil && v.Parsed == nil {
		// Stored by a Check-only question under the same parser id.
		if v.Parsed, err = safeParse(q.Parse, v.Reply); err != nil {
			return Verdict{}, false
		}
	}
	e.stats.hits.Add(1)
	return v, true
}

// store caches a valid verdict; a failure is logged and otherwise ignored.
func (c *Client) store(ctx context.Context, e *endpoint, key string, v Verdict) {
	b, err := encodeEntry(v, time.Now())
	if err == nil {
		err = c.core.cache.Put(ctx, key, b, c.core.policy.CacheTTL)
	}
	if err != nil && ctx.Err() == nil {
		c.core.log.Warn("judge cache write failed", zap.String("judge", e.name), zap.Error(err))
	}
}

// Select returns a view of c that asks only the named judges, in the given
// order, sharing c's connections, limits, cache and stats. No names: c.
// This is how an env's `judges: [...]` list is applied.
func (c *Client) Select(names ...string) (*Client, error) {
	if len(names) == 0 {
		return c, nil
	}
	v := &Client{core: c.core}
	for _, n := range names {
		i := c.index(n)
		if i < 0 {
			return nil, fmt.Errorf("%w %q; configured: %v", ErrUnknownJudge, n, c.Judges())
		}
		v.judges = append(v.judges, c.judges[i])
	}
	return v, nil
}

// Count is the number of judges Ask asks.
func (c *Client) Count() int { return len(c.judges) }

// Judges returns the judges' names in the order of Ask's verdicts.
func (c *Client) Judges() []string {
	names := make([]string, len(c.judges))
	for i, e := range c.judges {
		names[i] = e.name
	}
	return names
}

// Stats sums the counters of c's judges.
func (c *Client) Stats() Stats {
	var s Stats
	for _, e := range c.judges {
		s = s.add(e.stats.snapshot())
	}
	return s
}

// JudgeStats returns one judge's counters; ok is false for an unknown name.
func (c *Client) JudgeStats(name string) (s Stats, ok bool) {
	if i := c.index(name); i >= 0 {
		return c.judges[i].stats.snapshot(), true
	}
	return Stats{}, false
}

func (c *Client) index(name string) int {
	for i, e := range c.judges {
		if e.name == name {
			return i
		}
	}
	return -1
}

// Close releases idle connections. It does not wait for Asks in progress,
// which end with their contexts; it is idempotent.
func (c *Client) Close() {
	for _, t := range c.core.transports {
		t.CloseIdleConnections()
	}
}
