package judge_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// The judged-rewards benchmark of spec common.md §8: one judge answering
// after 50 ms over loopback HTTP, concurrency 64, cache off, every prompt
// distinct, one judge call per reward. Ideal: 64 / 50 ms = 1,280 rewards/s;
// target ≥ 1,152/s. BenchmarkBaselineHTTP measures the same fake judge with
// bare POSTs, 64 in flight, as the in-run baseline.

const (
	benchLatency     = 50 * time.Millisecond
	benchConcurrency = 64
	benchCallers     = 128 // Asks outstanding: twice the slots, so a slot never idles
)

// benchPrompt is a distinct judge prompt of about 2 KB, the size of the
// judged envs' prompts.
var benchFiller = strings.Repeat("The reference diagnosis and the model's answer are compared. ", 32)

func benchPrompt(n int64) string {
	return fmt.Sprintf("<item>%d</item>\n%s\nAnswer yes or no.", n, benchFiller)
}

func benchQuestion(n int64) judge.Question {
	return judge.Question{Prompt: benchPrompt(n), Parser: "bench@1", Check: yesNo}
}

// runAsks runs b.N Asks from benchCallers goroutines, with prompt(i) for the
// i-th, and reports rewards/s.
func runAsks(b *testing.B, c *judge.Client, question func(i int64) judge.Question) {
	b.Helper()
	var next, failed atomic.Int64
	b.SetParallelism((benchCallers + gomaxprocs() - 1) / gomaxprocs())
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			vs, err := c.Ask(context.Background(), question(next.Add(1)))
			if err != nil || vs[0].Err != nil {
				failed.Add(1)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rewards/s")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d rewards failed", n, b.N)
	}
}

func BenchmarkAsk(b *testing.B) {
	b.Run("uncached/latency=50ms/concurrency=64", func(b *testing.B) {
		j := judgetest.New(b, judgetest.Latency(benchLatency), judgetest.Replies("yes"), judgetest.CountOnly())
		c := newClient(b, benchConfig(j.URL, false), judge.Settings{})
		runAsks(b, c, benchQuestion)
		if got := j.Calls(); got != b.N {
			b.Fatalf("judge calls = %d, want %d (one per reward)", got, b.N)
		}
		b.ReportMetric(float64(j.MaxInFlight()), "max-in-flight")
	})
	b.Run("uncached/latency=0/concurrency=64", func(b *testing.B) {
		j := judgetest.New(b, judgetest.Replies("yes"), judgetest.CountOnly())
		c := newClient(b, benchConfig(j.URL, false), judge.Settings{})
		runAsks(b, c, benchQuestion)
	})
	b.Run("cached/concurrency=64", func(b *testing.B) {
		const distinct = 4096
		j := judgetest.New(b, judgetest.Replies("yes"), judgetest.CountOnly())
		c := newClient(b, benchConfig(j.URL, true), judge.Settings{Cache: judgetest.NewCache()})
		for i := range int64(distinct) {
			if vs, err := c.Ask(context.Background(), benchQuestion(i)); err != nil || vs[0].Err != nil {
				b.Fatal(err, vs)
			}
		}
		calls := j.Calls()
		runAsks(b, c, func(i int64) judge.Question { return benchQuestion(i % distinct) })
		if j.Calls() != calls {
			b.Fatalf("judge called %d times during the cached run", j.Calls()-calls)
		}
	})
}

func benchConfig(url string, cache bool) judge.Config {
	cfg := config(url)
	cfg.Judges[0].Model = "openai/gpt-5-mini"
	cfg.Judge.Concurrency = benchConcurrency
	cfg.Judge.MaxAttempts = 4
	cfg.Judge.Cache = cache
	return cfg
}

// BenchmarkBaselineHTTP: bare POSTs of the same request bodies to the same
// fake judge, 64 in flight, with no client logic — the ceiling for
// BenchmarkAsk/uncached/latency=50ms.
func BenchmarkBaselineHTTP(b *testing.B) {
	j := judgetest.New(b, judgetest.Latency(benchLatency), judgetest.Replies("yes"), judgetest.CountOnly())
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = benchConcurrency
	defer t.CloseIdleConnections()
	api, err := chatapi.New(j.URL, "", nil, &http.Client{Transport: t})
	if err != nil {
		b.Fatal(err)
	}
	slots := make(chan struct{}, benchConcurrency)
	var next, failed atomic.Int64
	b.SetParallelism((benchCallers + gomaxprocs() - 1) / gomaxprocs())
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := chatapi.UserRequest("openai/gpt-5-mini", benchPrompt(next.Add(1)), chatapi.Sampling{}).Encode()
			slots <- struct{}{}
			_, err := api.Do(context.Background(), body)
			<-slots
			if err != nil {
				failed.Add(1)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
}
