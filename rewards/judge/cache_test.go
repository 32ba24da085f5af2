package judge_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// TestCacheAcrossClients: a verdict stored by one Client (one server run)
// serves another sharing the Cache, with no call; a different parser id,
// model or prompt misses.
func TestCacheAcrossClients(t *testing.T) {
	j := judgetest.New(t, judgetest.Replies("yes"))
	cache := judgetest.NewCache()
	first := newClient(t, config(j.URL, withCache), judge.Settings{Cache: cache})
	v := askOne(t, first, question("p"))
	if v.Err != nil || v.Cached || v.Attempts != 1 || j.Calls() != 1 || cache.Len() != 1 {
		t.Fatalf("first ask: %+v, calls %d, cached entries %d", v, j.Calls(), cache.Len())
	}

	second := newClient(t, config(j.URL, withCache), judge.Settings{Cache: cache})
	hit := askOne(t, second, question("p"))
	if hit.Err != nil || !hit.Cached || hit.Reply != "yes" || hit.Attempts != 0 || hit.Usage != v.Usage {
		t.Errorf("second ask = %+v, want a cache hit with the first reply and usage", hit)
	}
	if j.Calls() != 1 {
		t.Errorf("calls after the hit = %d, want 1", j.Calls())
	}
	if diff := cmp.Diff(judge.Stats{Hits: 1, Valid: 1}, second.Stats()); diff != "" {
		t.Errorf("second client stats (-want +got):\n%s", diff)
	}
	want := judge.Stats{Misses: 1, Calls: 1, Valid: 1, PromptTokens: 1, CompletionTokens: 1}
	if diff := cmp.Diff(want, first.Stats()); diff != "" {
		t.Errorf("first client stats (-want +got):\n%s", diff)
	}

	otherParser := question("p")
	otherParser.Parser = "test@2"
	askOne(t, second, otherParser)
	otherModel := config(j.URL, withCache)
	otherModel.Judges[0].Model = "fake-model-2"
	askOne(t, newClient(t, otherModel, judge.Settings{Cache: cache}), question("p"))
	askOne(t, second, question("p2"))
	if j.Calls() != 4 || cache.Len() != 4 {
		t.Errorf("calls = %d, entries = %d; want 4, 4 (parser, model and prompt are in the key)", j.Calls(), cache.Len())
	}
}

// TestCacheKeepsOnlyValidVerdicts: failed verdicts are not stored; the next
// Ask calls again.
func TestCacheKeepsOnlyValidVerdicts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("maybe", "maybe", "maybe", "yes"))
		cache := judgetest.NewCache()
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: cache})
		if v := askOne(t, c, question("p")); !errors.Is(v.Err, judge.ErrUnusableReply) || cache.Len() != 0 || j.Calls() != 3 {
			t.Fatalf("verdict %+v, entries %d, calls %d", v, cache.Len(), j.Calls())
		}
		if v := askOne(t, c, question("p")); v.Err != nil || v.Cached || cache.Len() != 1 || j.Calls() != 4 {
			t.Fatalf("retry: verdict %+v, entries %d, calls %d", v, cache.Len(), j.Calls())
		}
		if v := askOne(t, c, question("p")); !v.Cached || j.Calls() != 4 {
			t.Fatalf("third: verdict %+v, calls %d", v, j.Calls())
		}
	})
}

// TestCacheCollapsesInFlight: identical requests in flight are sent once.
func TestCacheCollapsesInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: judgetest.NewCache()})
		vs := make([]judge.Verdict, 5)
		var wg sync.WaitGroup
		for i := range vs {
			wg.Go(func() { vs[i] = askOne(t, c, question("same")) })
		}
		wg.Wait()
		shared := 0
		for _, v := range vs {
			if v.Err != nil || v.Reply != "yes" {
				t.Errorf("verdict %+v", v)
			}
			if v.Shared {
				shared++
			}
		}
		if j.Calls() != 1 || shared != 4 || c.Stats().Shared != 4 {
			t.Errorf("calls = %d, shared = %d (stats %d); want 1, 4", j.Calls(), shared, c.Stats().Shared)
		}
	})
}

// TestCacheOffSendsEach: without the cache identical requests are not
// collapsed (each is a fresh sample of the judge).
func TestCacheOffSendsEach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		c := newClient(t, config(j.URL), judge.Settings{HTTPClient: j.Client(), Cache: judgetest.NewCache()})
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { askOne(t, c, question("same")) })
		}
		wg.Wait()
		if j.Calls() != 3 {
			t.Errorf("calls = %d, want 3", j.Calls())
		}
	})
}

// TestCollapsedCallerLeaves: the caller whose request is in flight gives up;
// another caller waiting for the same answer still gets it from that call.
func TestCollapsedCallerLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: judgetest.NewCache()})
		var wg sync.WaitGroup
		var leaderErr error
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, leaderErr = c.Ask(ctx, question("same"))
		})
		synctest.Wait()
		v := askOne(t, c, question("same"))
		wg.Wait()
		if !errors.Is(leaderErr, context.DeadlineExceeded) {
			t.Errorf("leader error = %v, want DeadlineExceeded", leaderErr)
		}
		if v.Err != nil || !v.Shared || j.Calls() != 1 {
			t.Errorf("follower verdict %+v after %d calls, want the shared answer of 1 call", v, j.Calls())
		}
	})
}

// TestCollapsedAllLeave: when every caller leaves, the call is cancelled
// (the judge sees the client give up) and a later Ask starts afresh.
func TestCollapsedAllLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: judgetest.NewCache()})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if _, err := c.Ask(ctx, question("same")); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Ask error = %v, want DeadlineExceeded", err)
				}
			})
		}
		wg.Wait()
		if reqs := j.Requests(); len(reqs) != 1 || reqs[0].Fault != "canceled" {
			t.Fatalf("requests = %+v, want one cancelled call", reqs)
		}
		if v := askOne(t, c, question("same")); v.Err != nil || v.Shared || j.Calls() != 2 {
			t.Errorf("fresh ask: %+v after %d calls", v, j.Calls())
		}
	})
}

func TestCacheTTL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("yes"))
		c := newClient(t, config(j.URL, withCache, func(cfg *judge.Config) { cfg.Judge.CacheTTL = time.Hour }),
			judge.Settings{HTTPClient: j.Client(), Cache: judgetest.NewCache()})
		askOne(t, c, question("p"))
		time.Sleep(59 * time.Minute)
		if v := askOne(t, c, question("p")); !v.Cached {
			t.Error("entry expired early")
		}
		time.Sleep(2 * time.Minute)
		if v := askOne(t, c, question("p")); v.Cached || j.Calls() != 2 {
			t.Errorf("after the TTL: %+v, calls %d", v, j.Calls())
		}
	})
}

// TestCacheTrouble: a corrupt entry or a cache that fails is a miss (logged),
// never a failed verdict.
func TestCacheTrouble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("yes"))
		cache := judgetest.NewCache()
		log, logs := observed()
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: cache, Logger: log})
		askOne(t, c, question("p"))
		keys := cache.Keys()
		cache.Set(keys[0], []byte(`{"v":99}`))
		if v := askOne(t, c, question("p")); v.Err != nil || v.Cached || j.Calls() != 2 {
			t.Errorf("corrupt entry: %+v, calls %d", v, j.Calls())
		}
		if v := askOne(t, c, question("p")); !v.Cached {
			t.Errorf("entry not rewritten: %+v", v)
		}
		cache.Fail(true)
		if v := askOne(t, c, question("p")); v.Err != nil || v.Cached || j.Calls() != 3 {
			t.Errorf("cache down: %+v, calls %d", v, j.Calls())
		}
		for _, msg := range []string{"judge cache entry unreadable; asking again", "judge cache read failed", "judge cache write failed"} {
			if logs.FilterMessage(msg).Len() == 0 {
				t.Errorf("no %q log", msg)
			}
		}
	})
}

// TestCacheParsedVerdict: with Parse, the parsed verdict is returned, stored
// with the reply, usage and time, and served back on a hit.
func TestCacheParsedVerdict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("yes"), judgetest.Usage(7, 1))
		cache := judgetest.NewCache()
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Cache: cache})
		q := judge.Question{Prompt: "p", Parser: "test@1", Parse: func(reply string) (json.RawMessage, error) {
			if err := yesNo(reply); err != nil {
				return nil, err
			}
			return json.RawMessage(fmt.Sprintf(`{"score":%d}`, map[string]int{"yes": 1, "no": 0}[reply])), nil
		}}
		v := askOne(t, c, q)
		if string(v.Parsed) != `{"score":1}` {
			t.Fatalf("Parsed = %s", v.Parsed)
		}
		stored, _ := cache.Value(cache.Keys()[0])
		want := `{"v":1,"reply":"yes","verdict":{"score":1},"usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8},"time":"2000-01-01T00:00:00Z"}`
		if string(stored) != want {
			t.Errorf("stored value:\n got %s\nwant %s", stored, want)
		}
		hit := askOne(t, c, q)
		if !hit.Cached || string(hit.Parsed) != `{"score":1}` || hit.Usage.TotalTokens != 8 {
			t.Errorf("hit = %+v", hit)
		}
	})
}

// TestCacheKey pins the key: changing it silently empties every cache.
func TestCacheKey(t *testing.T) {
	got := judge.CacheKey("https://example.org/v1", "m", "medec@1.0.0", []byte(`{"model":"m"}`))
	const want = "5a800c464e0512398e83e606ce9d6b02a6c9e2e2d2c1886c13537b96bbfe68b5"
	if got != want {
		t.Errorf("CacheKey = %s, want %s", got, want)
	}
	if judge.CacheKey("ab", "c", "", nil) == judge.CacheKey("a", "bc", "", nil) {
		t.Error("CacheKey does not separate its parts")
	}
}
