package store

import (
	"context"
	"sync"
	"time"
)

// MemTable is an in-memory Table for tests of code above the store. Safe
// for concurrent use.
type MemTable struct {
	mu  sync.Mutex
	m   map[string]memEntry
	Now func() time.Time
}

type memEntry struct {
	val    []byte
	expiry time.Time
}

// NewMemTable returns an empty MemTable.
func NewMemTable() *MemTable { return &MemTable{m: map[string]memEntry{}, Now: time.Now} }

// Get returns a copy of the value of key.
func (t *MemTable) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[key]
	if !ok || (!e.expiry.IsZero() && !t.Now().Before(e.expiry)) {
		return nil, false, nil
	}
	return append([]byte(nil), e.val...), true, nil
}

// Put stores a copy of val.
func (t *MemTable) Put(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := memEntry{val: append([]byte(nil), val...)}
	if ttl > 0 {
		e.expiry = t.Now().Add(ttl)
	}
	t.m[key] = e
	return nil
}

// Delete removes key.
func (t *MemTable) Delete(ctx context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
	return nil
}
