package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"go.uber.org/zap"
)

// DB is an open store.
type DB struct {
	db     *badger.DB
	dir    string
	log    *zap.Logger
	stop   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
}

// Options tune the store; the zero value is sensible.
type Options struct {
	// GCInterval is how often the value log is garbage-collected
	// (default 5 minutes).
	GCInterval time.Duration
}

// Open opens (or creates, when dir does not exist yet) the store in dir.
func Open(dir string, log *zap.Logger, o Options) (*DB, error) {
	if log == nil {
		log = zap.NewNop()
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	bo := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{log.Named("badger").Sugar()}).
		WithSyncWrites(false).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueLogFileSize(64 << 20).
		WithValueThreshold(1 << 10).
		WithNumCompactors(2)
	db, err := badger.Open(bo)
	if err != nil {
		return nil, openError(dir, err)
	}
	d := &DB{db: db, dir: dir, log: log, stop: make(chan struct{})}
	every := o.GCInterval
	if every <= 0 {
		every = 5 * time.Minute
	}
	d.wg.Go(func() { d.gcLoop(every) })
	return d, nil
}

// checkDir refuses a directory that holds Badger data but no MANIFEST:
// opening it would start an empty store over the old data.
func checkDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store %s: %w", dir, err)
	}
	hasData, hasManifest := false, false
	for _, e := range ents {
		switch n := e.Name(); {
		case n == "MANIFEST":
			hasManifest = true
		case strings.HasSuffix(n, ".vlog"), strings.HasSuffix(n, ".sst"):
			hasData = true
		}
	}
	if hasData && !hasManifest {
		return fmt.Errorf("store %s: data files but no MANIFEST: the store is damaged; it was left untouched (move it away to start with an empty store)", dir)
	}
	return nil
}

func openError(dir string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Cannot acquire directory lock") || strings.Contains(msg, "resource temporarily unavailable") {
		who := ""
		if b, rerr := os.ReadFile(filepath.Join(dir, "LOCK")); rerr == nil {
			if pid := strings.TrimSpace(string(b)); pid != "" {
				who = " by process " + pid
			}
		}
		return fmt.Errorf("store %s is in use%s (another medmarks serve or score?); use --store to pick another directory: %w", dir, who, err)
	}
	return fmt.Errorf("store %s cannot be opened; it was left untouched (move it away to start with an empty store): %w", dir, err)
}

func (d *DB) gcLoop(every time.Duration) {
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			for d.db.RunValueLogGC(0.5) == nil {
			}
			t.Reset(every)
		}
	}
}

// Dir is the store's directory.
func (d *DB) Dir() string { return d.dir }

// Close stops the GC and closes the database; a second call is a no-op.
func (d *DB) Close() error {
	var err error
	d.closed.Do(func() {
		close(d.stop)
		d.wg.Wait()
		err = d.db.Close()
	})
	return err
}

// Table returns the view of keys under prefix.
func (d *DB) Table(prefix string) *Table { return &Table{db: d.db, prefix: prefix} }

// Table is a key space of the store. Safe for concurrent use.
type Table struct {
	db     *badger.DB
	prefix string
}

// Get returns the value of key; ok is false when it is absent or expired.
func (t *Table) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var val []byte
	err := t.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(t.prefix + key))
		if err != nil {
			return err
		}
		val, err = it.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store get: %w", err)
	}
	return val, true, nil
}

// Put writes key; ttl ≤ 0 means no expiry.
func (t *Table) Put(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e := badger.NewEntry([]byte(t.prefix+key), val)
	if ttl > 0 {
		e = e.WithTTL(ttl)
	}
	if err := t.db.Update(func(txn *badger.Txn) error { return txn.SetEntry(e) }); err != nil {
		return fmt.Errorf("store put: %w", err)
	}
	return nil
}

// Delete removes key; absent keys are no error.
func (t *Table) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := t.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(t.prefix + key)) }); err != nil {
		return fmt.Errorf("store delete: %w", err)
	}
	return nil
}

// Len counts the live keys of the table (a full scan; for tests and stats).
func (t *Table) Len(ctx context.Context) (int, error) {
	n := 0
	err := t.db.View(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.PrefetchValues = false
		o.Prefix = []byte(t.prefix)
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// badgerLogger routes Badger's logs to zap; its Infof chatter goes to Debug.
type badgerLogger struct{ s *zap.SugaredLogger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.s.Errorf(strings.TrimSpace(f), a...) }
func (l badgerLogger) Warningf(f string, a ...any) { l.s.Warnf(strings.TrimSpace(f), a...) }
func (l badgerLogger) Infof(f string, a ...any)    { l.s.Debugf(strings.TrimSpace(f), a...) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.s.Debugf(strings.TrimSpace(f), a...) }
