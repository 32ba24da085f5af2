package judgetest

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrCacheDown is returned by a Cache after Fail(true).
var ErrCacheDown = errors.New("judgetest: cache unavailable")

// Cache is an in-memory judge.Cache with TTLs (read against time.Now, so
// fake time inside a synctest bubble) and counters.
type Cache struct {
	mu     sync.Mutex
	m      map[string]cacheEntry
	gets   int
	puts   int
	failed bool
}

type cacheEntry struct {
	val     []byte
	expires time.Time // zero: never
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: map[string]cacheEntry{}} }

// Get returns a copy of the value under key, unless absent or expired.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	if c.failed {
		return nil, false, ErrCacheDown
	}
	e, ok := c.m[key]
	if !ok || !e.expires.IsZero() && !time.Now().Before(e.expires) {
		return nil, false, nil
	}
	return append([]byte(nil), e.val...), true, nil
}

// Put stores a copy of val under key; ttl 0 never expires.
func (c *Cache) Put(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts++
	if c.failed {
		return ErrCacheDown
	}
	e := cacheEntry{val: append([]byte(nil), val...)}
	if ttl > 0 {
		e.expires = time.Now().Add(ttl)
	}
	c.m[key] = e
	return nil
}

// Set stores val under key directly, e.g. to plant a corrupt entry.
func (c *Cache) Set(key string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = cacheEntry{val: append([]byte(nil), val...)}
}

// Fail makes every later Get and Put fail with ErrCacheDown (or not).
func (c *Cache) Fail(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed = down
}

// Len is the number of entries stored, expired ones included.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Keys returns the stored keys, in no particular order.
func (c *Cache) Keys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	return keys
}

// Value returns the stored bytes under key, expired or not.
func (c *Cache) Value(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e.val, ok
}

// Gets counts the Get calls made.
func (c *Cache) Gets() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gets
}

// Puts counts the Put calls made.
func (c *Cache) Puts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.puts
}
