package judge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// TestFaults runs every fault of the fake judge against a client with 3
// attempts and a 10 s attempt timeout, in a synctest bubble so that backoff
// and timeouts take no real time. Each case checks the verdict's error (kind
// and HTTP status), its reply, its attempts and the exact HTTP calls made.
func TestFaults(t *testing.T) {
	tests := []struct {
		name         string
		give         []judgetest.Option
		wantReply    string
		wantErr      error // a sentinel, or nil for a valid verdict
		wantStatus   int   // the *chatapi.StatusError's code, when one
		wantCalls    int
		wantAttempts int
	}{
		{name: "answers_well", give: []judgetest.Option{judgetest.Replies("yes")}, wantReply: "yes", wantCalls: 1, wantAttempts: 1},
		{name: "slow_but_in_time", give: []judgetest.Option{judgetest.Latency(9 * time.Second), judgetest.Replies("no")}, wantReply: "no", wantCalls: 1, wantAttempts: 1},
		{name: "garbage_body", give: []judgetest.Option{judgetest.Garbage()}, wantErr: chatapi.ErrNotChat, wantCalls: 3, wantAttempts: 3},
		{name: "unparseable_reply", give: []judgetest.Option{judgetest.Replies("The prediction is correct.")}, wantReply: "The prediction is correct.", wantErr: judge.ErrUnusableReply, wantCalls: 3, wantAttempts: 3},
		{name: "unparseable_then_good", give: []judgetest.Option{judgetest.Replies("maybe", "yes")}, wantReply: "yes", wantCalls: 2, wantAttempts: 2},
		{name: "empty_content", give: []judgetest.Option{judgetest.Replies("")}, wantErr: chatapi.ErrEmptyContent, wantCalls: 3, wantAttempts: 3},
		{name: "hangs", give: []judgetest.Option{judgetest.Hang()}, wantErr: judge.ErrAttemptTimeout, wantCalls: 3, wantAttempts: 3},
		{name: "slower_than_timeout", give: []judgetest.Option{judgetest.Latency(11 * time.Second)}, wantErr: judge.ErrAttemptTimeout, wantCalls: 3, wantAttempts: 3},
		{name: "429_then_good", give: []judgetest.Option{judgetest.RateLimited(1, "2"), judgetest.Replies("yes")}, wantReply: "yes", wantCalls: 2, wantAttempts: 2},
		{name: "429_always", give: []judgetest.Option{judgetest.RateLimited(0, "1")}, wantErr: &chatapi.StatusError{}, wantStatus: 429, wantCalls: 3, wantAttempts: 3},
		{name: "429_retry_after_60s_waited", give: []judgetest.Option{judgetest.RateLimited(1, "60"), judgetest.Replies("yes")}, wantReply: "yes", wantCalls: 2, wantAttempts: 2},
		{name: "429_retry_after_61s_final", give: []judgetest.Option{judgetest.RateLimited(0, "61")}, wantErr: judge.ErrRetryAfterTooLong, wantStatus: 429, wantCalls: 1, wantAttempts: 1},
		{name: "429_retry_after_http_date_far_final", give: []judgetest.Option{judgetest.RateLimited(0, "Sat, 01 Jan 2000 00:05:00 GMT")}, wantErr: judge.ErrRetryAfterTooLong, wantStatus: 429, wantCalls: 1, wantAttempts: 1},
		{name: "500_once", give: []judgetest.Option{judgetest.Status(500, 1), judgetest.Replies("yes")}, wantReply: "yes", wantCalls: 2, wantAttempts: 2},
		{name: "500_always", give: []judgetest.Option{judgetest.Status(500, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 500, wantCalls: 3, wantAttempts: 3},
		{name: "502_always", give: []judgetest.Option{judgetest.Status(502, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 502, wantCalls: 3, wantAttempts: 3},
		{name: "503_always", give: []judgetest.Option{judgetest.Status(503, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 503, wantCalls: 3, wantAttempts: 3},
		{name: "408_retried", give: []judgetest.Option{judgetest.Status(408, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 408, wantCalls: 3, wantAttempts: 3},
		{name: "409_retried", give: []judgetest.Option{judgetest.Status(409, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 409, wantCalls: 3, wantAttempts: 3},
		{name: "425_retried", give: []judgetest.Option{judgetest.Status(425, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 425, wantCalls: 3, wantAttempts: 3},
		{name: "400_final", give: []judgetest.Option{judgetest.Status(400, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 400, wantCalls: 1, wantAttempts: 1},
		{name: "401_final", give: []judgetest.Option{judgetest.Status(401, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 401, wantCalls: 1, wantAttempts: 1},
		{name: "403_final", give: []judgetest.Option{judgetest.Status(403, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 403, wantCalls: 1, wantAttempts: 1},
		{name: "404_final", give: []judgetest.Option{judgetest.Status(404, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 404, wantCalls: 1, wantAttempts: 1},
		{name: "422_final", give: []judgetest.Option{judgetest.Status(422, 0)}, wantErr: &chatapi.StatusError{}, wantStatus: 422, wantCalls: 1, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				j := judgetest.NewInProcess(tt.give...)
				c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judges[0].Timeout = 10 * time.Second })
				v := askOne(t, c, question("p"))
				checkVerdict(t, v, tt.wantErr, tt.wantStatus)
				if v.Judge != "j1" || v.Reply != tt.wantReply || v.Attempts != tt.wantAttempts {
					t.Errorf("verdict = {Judge %q, Reply %q, Attempts %d}, want {j1, %q, %d}", v.Judge, v.Reply, v.Attempts, tt.wantReply, tt.wantAttempts)
				}
				if got := j.Calls(); got != tt.wantCalls {
					t.Errorf("HTTP calls = %d, want %d", got, tt.wantCalls)
				}
				if s := c.Stats(); s.Calls != int64(tt.wantCalls) {
					t.Errorf("Stats().Calls = %d, want %d", s.Calls, tt.wantCalls)
				}
			})
		})
	}
}

// checkVerdict checks v.Err against want: nil, a sentinel, or a
// *chatapi.StatusError with the given status.
func checkVerdict(t *testing.T, v judge.Verdict, want error, status int) {
	t.Helper()
	var se *chatapi.StatusError
	hasStatus := errors.As(v.Err, &se)
	switch {
	case want == nil && v.Err != nil:
		t.Errorf("verdict error = %v, want none", v.Err)
	case want == nil:
	case errors.As(want, new(*chatapi.StatusError)):
		if !hasStatus {
			t.Errorf("verdict error = %v, want a StatusError", v.Err)
		}
	case !errors.Is(v.Err, want):
		t.Errorf("verdict error = %v, want %v", v.Err, want)
	}
	if status != 0 && (!hasStatus || se.Code != status) {
		t.Errorf("verdict error = %v, want HTTP %d", v.Err, status)
	}
}

func TestJitter(t *testing.T) {
	const s = time.Second
	caps := []time.Duration{s / 2, s, 2 * s, 4 * s, 8 * s, 16 * s, 20 * s, 20 * s, 20 * s}
	for n, want := range caps {
		if got := judge.BackoffCap(n + 1); got != want {
			t.Errorf("BackoffCap(%d) = %v, want %v", n+1, got, want)
		}
	}

	top := judge.NewJitter(func(n int64) int64 { return n - 1 })
	top.Reset()
	for n, want := range caps {
		if got := top.NextBackOff(); got != want {
			t.Errorf("wait before attempt %d, random at top = %v, want %v", n+2, got, want)
		}
	}

	low := judge.NewJitter(func(int64) int64 { return 0 })
	low.Reset()
	low.SetFloor(2 * s)
	if got := low.NextBackOff(); got != 2*s {
		t.Errorf("wait with Retry-After floor 2s = %v, want 2s", got)
	}
	if got := low.NextBackOff(); got != 0 {
		t.Errorf("wait after the floor was used = %v, want 0", got)
	}

	real := judge.NewJitter(nil)
	for range 100 {
		real.Reset()
		for n := 1; n <= 9; n++ {
			if got := real.NextBackOff(); got < 0 || got > judge.BackoffCap(n) {
				t.Fatalf("wait before attempt %d = %v, outside [0, %v]", n+1, got, judge.BackoffCap(n))
			}
		}
	}
}

// TestBackoffWaitsWithinBounds measures, in fake time, the gaps between the
// calls to an always-failing judge: before attempt n+1 the client waits
// rand(0, min(20 s, 0.5 s × 2^(n−1))).
func TestBackoffWaitsWithinBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const attempts = 9
		j := judgetest.NewInProcess(judgetest.Status(500, 0))
		c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judge.MaxAttempts = attempts })
		var total time.Duration
		for i := range 20 {
			q := question(fmt.Sprint("p", i))
			v := askOne(t, c, q)
			if v.Attempts != attempts {
				t.Fatalf("attempts = %d, want %d", v.Attempts, attempts)
			}
			var at []time.Time
			for _, r := range j.Requests() {
				if r.Prompt == q.Prompt {
					at = append(at, r.At)
				}
			}
			if len(at) != attempts {
				t.Fatalf("calls for %s = %d, want %d", q.Prompt, len(at), attempts)
			}
			for n := 1; n < attempts; n++ {
				gap := at[n].Sub(at[n-1])
				if gap < 0 || gap > judge.BackoffCap(n) {
					t.Errorf("wait before attempt %d = %v, outside [0, %v]", n+1, gap, judge.BackoffCap(n))
				}
				total += gap
			}
		}
		if total == 0 {
			t.Error("no call ever waited: the backoff is not applied")
		}
	})
}

// TestRetryAfterPausesJudge: a 429 with Retry-After 2 makes the failed item
// wait 2 s, and holds back a request from another item that arrives during
// the pause.
func TestRetryAfterPausesJudge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.RateLimited(1, "2"), judgetest.Replies("yes"))
		c := inProcess(t, j)
		var wg sync.WaitGroup
		results := make([]judge.Verdict, 2)
		wg.Go(func() { results[0] = askOne(t, c, question("a")) })
		synctest.Wait() // a got its 429 and is waiting
		time.Sleep(500 * time.Millisecond)
		wg.Go(func() { results[1] = askOne(t, c, question("b")) })
		wg.Wait()

		for _, v := range results {
			if v.Err != nil || v.Reply != "yes" {
				t.Errorf("verdict = %+v, want yes", v)
			}
		}
		reqs := j.Requests()
		if len(reqs) != 3 || reqs[0].Prompt != "a" || reqs[0].Fault != "429" {
			t.Fatalf("requests = %+v, want a's 429 then two answers", reqs)
		}
		t0 := reqs[0].At
		for _, r := range reqs[1:] {
			if d := r.At.Sub(t0); d < 2*time.Second {
				t.Errorf("call for %s sent %v after the 429, before Retry-After 2s", r.Prompt, d)
			}
		}
		if results[0].Attempts != 2 || results[1].Attempts != 1 {
			t.Errorf("attempts = %d, %d; want 2, 1", results[0].Attempts, results[1].Attempts)
		}
	})
}

func TestRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
		j := judgetest.NewInProcess(judgetest.RateLimited(1, date), judgetest.Replies("yes"))
		c := inProcess(t, j)
		if v := askOne(t, c, question("p")); v.Err != nil || v.Attempts != 2 {
			t.Fatalf("verdict = %+v", v)
		}
		reqs := j.Requests()
		if d := reqs[1].At.Sub(reqs[0].At); d < 3*time.Second {
			t.Errorf("retry sent %v after the 429, before the Retry-After date (3s)", d)
		}
	})
}

// TestRetryAfterOver60sFailsFast: after a Retry-After above 60 s, other
// items do not call the judge either; they fail at once, saying why.
func TestRetryAfterOver60sFailsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.RateLimited(1, "300"), judgetest.Replies("yes"))
		c := inProcess(t, j)
		first := askOne(t, c, question("a"))
		second := askOne(t, c, question("b"))
		checkVerdict(t, first, judge.ErrRetryAfterTooLong, 429)
		checkVerdict(t, second, judge.ErrRetryAfterTooLong, 0)
		if j.Calls() != 1 {
			t.Errorf("calls = %d, want 1", j.Calls())
		}
		time.Sleep(301 * time.Second)
		if v := askOne(t, c, question("c")); v.Err != nil {
			t.Errorf("after the pause: %v", v.Err)
		}
	})
}

func TestCallerDeadline(t *testing.T) {
	tests := []struct {
		name      string
		give      []judgetest.Option
		deadline  time.Duration
		wantCalls int
	}{
		{name: "during_call", give: []judgetest.Option{judgetest.Hang()}, deadline: time.Second, wantCalls: 1},
		{name: "during_backoff", give: []judgetest.Option{judgetest.Status(500, 0)}, deadline: 5 * time.Second},
		{name: "during_retry_after", give: []judgetest.Option{judgetest.RateLimited(0, "30")}, deadline: 5 * time.Second, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				j := judgetest.NewInProcess(tt.give...)
				c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judge.MaxAttempts = 100 })
				ctx, cancel := context.WithTimeout(t.Context(), tt.deadline)
				defer cancel()
				start := time.Now()
				vs, err := c.Ask(ctx, question("p"))
				if !errors.Is(err, context.DeadlineExceeded) || vs != nil {
					t.Fatalf("Ask = %v, %v; want context.DeadlineExceeded", vs, err)
				}
				if d := time.Since(start); d != tt.deadline {
					t.Errorf("Ask returned after %v, want at the deadline %v", d, tt.deadline)
				}
				if tt.wantCalls > 0 && j.Calls() != tt.wantCalls {
					t.Errorf("calls = %d, want %d", j.Calls(), tt.wantCalls)
				}
				if j.Calls() < 1 {
					t.Error("no call made")
				}
			})
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	j := judgetest.NewInProcess()
	c := inProcess(t, j)
	if _, err := c.Ask(ctx, question("p")); !errors.Is(err, context.Canceled) || j.Calls() != 0 {
		t.Errorf("Ask with a canceled ctx = %v after %d calls, want context.Canceled and none", err, j.Calls())
	}
}

// TestConcurrency: with concurrency 4 and 10 items, 4 requests are in flight
// at any time, never more, so 10 one-second answers take 3 s.
func TestConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judge.Concurrency = 4 })
		start := time.Now()
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				if v := askOne(t, c, question(fmt.Sprint("p", i))); v.Err != nil {
					t.Error(v.Err)
				}
			})
		}
		wg.Wait()
		if got := j.MaxInFlight(); got != 4 {
			t.Errorf("max in flight = %d, want 4", got)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("10 items took %v, want 3s", d)
		}
	})
}

// TestSeveralJudges: judges are asked concurrently, verdicts come in
// configuration order, and one judge's failure does not touch the other's.
func TestSeveralJudges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Replies("yes"))
		b := judgetest.NewInProcess(judgetest.Latency(time.Second), judgetest.Status(500, 0))
		cfg := config(a.URL)
		cfg.Judges = append(cfg.Judges, judge.Endpoint{Name: "j2", BaseURL: b.URL, Model: "other"})
		cfg.Judge.MaxAttempts = 1
		c := newClient(t, cfg, judge.Settings{HTTPClient: judgetest.Client(a, b)})
		start := time.Now()
		vs, err := c.Ask(t.Context(), question("p"))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("two judges of 1 s took %v, want 1s (concurrent)", d)
		}
		if len(vs) != 2 || vs[0].Judge != "j1" || vs[0].Reply != "yes" || vs[0].Err != nil || vs[1].Judge != "j2" {
			t.Fatalf("verdicts = %+v", vs)
		}
		checkVerdict(t, vs[1], &chatapi.StatusError{}, 500)
		if a.Calls() != 1 || b.Calls() != 1 {
			t.Errorf("calls = %d, %d; want 1, 1", a.Calls(), b.Calls())
		}
		if c.Count() != 2 || fmt.Sprint(c.Judges()) != "[j1 j2]" {
			t.Errorf("Count, Judges = %d, %v", c.Count(), c.Judges())
		}

		only, err := c.Select("j2")
		if err != nil {
			t.Fatal(err)
		}
		if vs, _ := only.Ask(t.Context(), question("q")); len(vs) != 1 || vs[0].Judge != "j2" || a.Calls() != 1 || b.Calls() != 2 {
			t.Errorf("Select(j2).Ask = %+v; calls %d, %d", vs, a.Calls(), b.Calls())
		}
		if _, err := c.Select("j3"); !errors.Is(err, judge.ErrUnknownJudge) {
			t.Errorf("Select(j3) error = %v, want ErrUnknownJudge", err)
		}
	})
}

// TestRPM: rpm 2 lets two requests go at once, then one every 30 s.
func TestRPM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("yes"))
		c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judge.RPM = 2 })
		start := time.Now()
		for i := range 4 {
			askOne(t, c, question(fmt.Sprint("p", i)))
		}
		var got []time.Duration
		for _, r := range j.Requests() {
			got = append(got, r.At.Sub(start).Round(time.Millisecond)) // x/time/rate rounds in float64
		}
		want := []time.Duration{0, 0, 30 * time.Second, 60 * time.Second}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("call times = %v, want %v", got, want)
		}
	})
}

// TestTPM: each request is charged an estimate (prompt bytes / 4 + max_tokens)
// and the charge is corrected with the reported usage, in both directions.
func TestTPM(t *testing.T) {
	prompt := string(make([]byte, 400)) // 100 tokens; + max_tokens 900 = 1,000 estimated
	tests := []struct {
		name  string
		usage [2]int
		want  []time.Duration
	}{
		// 200 used of 1,000 charged: the 800 over-charged are refunded, so
		// five requests fit a 2,000-token minute with no wait.
		{name: "over_estimate_refunded", usage: [2]int{100, 100}, want: []time.Duration{0, 0, 0, 0, 0}},
		// 3,000 used of 1,000 charged: 2,000 more are taken, which leaves the
		// bucket 1,000 in debt; the next 1,000 take 60 s at 2,000/min.
		{name: "under_estimate_charged", usage: [2]int{100, 2900}, want: []time.Duration{0, 60 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				j := judgetest.NewInProcess(judgetest.Replies("yes"), judgetest.Usage(tt.usage[0], tt.usage[1]))
				c := inProcess(t, j, func(cfg *judge.Config) {
					cfg.Judge.TPM = 2000
					cfg.Judges[0].Sampling.MaxTokens = ptr(900)
				})
				start := time.Now()
				for i := range tt.want {
					v := askOne(t, c, question(fmt.Sprint(i)+prompt[1:]))
					if v.Usage.TotalTokens != tt.usage[0]+tt.usage[1] {
						t.Errorf("usage = %+v", v.Usage)
					}
				}
				var got []time.Duration
				for _, r := range j.Requests() {
					got = append(got, r.At.Sub(start).Round(time.Millisecond)) // x/time/rate rounds in float64
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("call times = %v, want %v", got, tt.want)
				}
			})
		})
	}
}

// TestRandomFailures: against a judge failing half its calls at random, each
// verdict is valid exactly when its call sequence did not use up its 3
// attempts, and the calls add up.
func TestRandomFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.FailRandomly(0.5, 7), judgetest.Replies("yes"))
		c := inProcess(t, j, func(cfg *judge.Config) { cfg.Judge.Concurrency = 8 })
		verdicts := make([]judge.Verdict, 60)
		var wg sync.WaitGroup
		for i := range verdicts {
			wg.Go(func() { verdicts[i] = askOne(t, c, question(fmt.Sprint("p", i))) })
		}
		wg.Wait()
		faults := map[string][]string{}
		for _, r := range j.Requests() {
			faults[r.Prompt] = append(faults[r.Prompt], r.Fault)
		}
		var failed, calls int
		for i, v := range verdicts {
			seq := faults[fmt.Sprint("p", i)]
			calls += len(seq)
			if v.Attempts != len(seq) {
				t.Errorf("p%d: attempts %d, calls %v", i, v.Attempts, seq)
			}
			switch v.Err {
			case nil:
				if seq[len(seq)-1] != "" {
					t.Errorf("p%d: valid verdict after %v", i, seq)
				}
			default:
				failed++
				if fmt.Sprint(seq) != "[random random random]" {
					t.Errorf("p%d: failed (%v) after %v", i, v.Err, seq)
				}
			}
		}
		if calls != j.Calls() || failed == 0 || failed == len(verdicts) {
			t.Errorf("calls %d of %d, failed %d of %d", calls, j.Calls(), failed, len(verdicts))
		}
	})
}

func TestAskInvalidQuestion(t *testing.T) {
	j := judgetest.NewInProcess()
	c := inProcess(t, j)
	for _, q := range []judge.Question{{Parser: "x"}, {Prompt: "p"}} {
		if _, err := c.Ask(t.Context(), q); !errors.Is(err, judge.ErrInvalidQuestion) {
			t.Errorf("Ask(%+v) error = %v, want ErrInvalidQuestion", q, err)
		}
	}
	if j.Calls() != 0 {
		t.Errorf("calls = %d, want 0", j.Calls())
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := judge.New(judge.DefaultConfig(), judge.Settings{}); !errors.Is(err, judge.ErrNoJudges) {
		t.Errorf("New without judges: %v, want ErrNoJudges", err)
	}
	cfg := config("ftp://x")
	if _, err := judge.New(cfg, judge.Settings{}); err == nil {
		t.Error("New with a bad config succeeded")
	}
}

// TestParserPanics: a panicking Check is a failed attempt, logged as an
// error, not a crash — also inside a collapsed (cached) request.
func TestParserPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Replies("yes"))
		log, logs := observed()
		c := newClient(t, config(j.URL, withCache), judge.Settings{HTTPClient: j.Client(), Logger: log, Cache: judgetest.NewCache()})
		q := judge.Question{Prompt: "p", Parser: "x", Check: func(string) error { panic("boom") }}
		v := askOne(t, c, q)
		if !errors.Is(v.Err, judge.ErrUnusableReply) || v.Attempts != 3 || j.Calls() != 3 {
			t.Errorf("verdict = %+v after %d calls", v, j.Calls())
		}
		if n := logs.FilterMessage("judge reply parser panicked").Len(); n != 3 {
			t.Errorf("panic logged %d times, want 3", n)
		}
	})
}
