package judge

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache stores valid verdicts. store.Table (Badger) satisfies it; tests use
// judgetest.Cache. Implementations must be safe for concurrent use.
type Cache interface {
	Get(ctx context.Context, key string) (val []byte, ok bool, err error)
	Put(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// CacheKey is the cache key of spec common.md §8:
// SHA-256(base_url ‖ model ‖ parser id ‖ request body), hex-encoded. Each
// part is preceded by its length, so no two part lists give the same input.
func CacheKey(baseURL, model, parser string, body []byte) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range [][]byte{[]byte(baseURL), []byte(model), []byte(parser), body} {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// entryVersion is bumped when the stored value's format changes.
const entryVersion = 1

// entry is a cached value: the reply, the parsed verdict, usage and time.
type entry struct {
	V       int             `json:"v"`
	Reply   string          `json:"reply"`
	Verdict json.RawMessage `json:"verdict,omitempty"`
	Usage   Usage           `json:"usage"`
	Time    time.Time       `json:"time"`
}

func encodeEntry(v Verdict, at time.Time) ([]byte, error) {
	return json.Marshal(entry{V: entryVersion, Reply: v.Reply, Verdict: v.Parsed, Usage: v.Usage, Time: at.UTC()})
}

var errBadEntry = errors.New("judge: bad cache entry")

// decodeEntry reads a cached value; anything unexpected is errBadEntry.
func decodeEntry(b []byte) (entry, error) {
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return entry{}, fmt.Errorf("%w: %v", errBadEntry, err)
	}
	switch {
	case e.V != entryVersion:
		return entry{}, fmt.Errorf("%w: version %d", errBadEntry, e.V)
	case e.Reply == "":
		return entry{}, fmt.Errorf("%w: no reply", errBadEntry)
	case e.Usage.PromptTokens < 0 || e.Usage.CompletionTokens < 0 || e.Usage.TotalTokens < 0:
		return entry{}, fmt.Errorf("%w: negative usage", errBadEntry)
	}
	return e, nil
}

// flights collapses identical requests in flight: one call per key at a time,
// its answer shared by every caller waiting for it. The call runs under its
// own context, which ends only when every caller has left, so one caller's
// deadline never fails the others; the last caller to leave waits for the
// call to end, so every call has an owner.
type flights struct {
	group singleflight.Group

	mu   sync.Mutex
	live map[string]*flight
}

type flight struct {
	ctx    context.Context
	cancel context.CancelFunc
	refs   int
}

// do returns fn's verdict for key, running fn at most once for callers that
// overlap. led reports whether this caller's fn ran, shared whether the
// answer went to more than one caller. err is ctx's error when ctx ended first.
func (f *flights) do(ctx context.Context, key string, fn func(context.Context) Verdict) (v Verdict, led, shared bool, err error) {
	f.mu.Lock()
	if f.live == nil {
		f.live = map[string]*flight{}
	}
	fl := f.live[key]
	if fl == nil {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		fl = &flight{ctx: fctx, cancel: cancel}
		f.live[key] = fl
	}
	fl.refs++
	f.mu.Unlock()

	var ran bool // written by fn, read only after its result arrives on ch
	ch := f.group.DoChan(key, func() (any, error) {
		ran = true
		return fn(fl.ctx), nil
	})
	select {
	case r := <-ch:
		f.leave(key, fl)
		return r.Val.(Verdict), ran, r.Shared, nil
	case <-ctx.Done():
		if f.leave(key, fl) {
			<-ch // the call was cancelled and ends promptly; wait for it
		}
		return Verdict{}, false, false, ctx.Err()
	}
}

// leave drops one caller of fl and reports whether it was the last one, in
// which case fl's call, if still running, has been cancelled and forgotten so
// that new callers start afresh.
func (f *flights) leave(key string, fl *flight) (last bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl.refs--; fl.refs > 0 {
		return false
	}
	fl.cancel()
	if f.live[key] == fl {
		delete(f.live, key)
		f.group.Forget(key)
	}
	return true
}
