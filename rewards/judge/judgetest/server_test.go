package judgetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type answer struct {
	status     int
	retryAfter string
	content    string
	usage      int
	raw        string
}

func post(t *testing.T, hc *http.Client, url, prompt string) answer {
	t.Helper()
	body := fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":%q}]}`, prompt)
	resp, err := hc.Post(url+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), raw: string(b)}
	var r struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
		Usage *struct {
			Total int `json:"total_tokens"`
		} `json:"usage"`
	}
	if json.Unmarshal(b, &r) == nil && len(r.Choices) > 0 {
		a.content = r.Choices[0].Message.Content
		if r.Usage != nil {
			a.usage = r.Usage.Total
		}
	}
	return a
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name   string
		give   []judgetest.Option
		want   []answer // one per call, prompts "a", "a", "b"
		faults string
	}{
		{
			name:   "default",
			want:   []answer{{status: 200, content: "ok", usage: 2}, {status: 200, content: "ok", usage: 2}, {status: 200, content: "ok", usage: 2}},
			faults: "[  ]",
		},
		{
			name:   "replies_per_prompt",
			give:   []judgetest.Option{judgetest.Replies("no", "yes"), judgetest.NoUsage()},
			want:   []answer{{status: 200, content: "no"}, {status: 200, content: "yes"}, {status: 200, content: "no"}},
			faults: "[  ]",
		},
		{
			name:   "rate_limited_first_two",
			give:   []judgetest.Option{judgetest.RateLimited(2, "3"), judgetest.Usage(5, 6)},
			want:   []answer{{status: 429, retryAfter: "3"}, {status: 429, retryAfter: "3"}, {status: 200, content: "ok", usage: 11}},
			faults: "[429 429 ]",
		},
		{
			name:   "status_always",
			give:   []judgetest.Option{judgetest.Status(503, 0)},
			want:   []answer{{status: 503}, {status: 503}, {status: 503}},
			faults: "[status status status]",
		},
		{
			name:   "garbage",
			give:   []judgetest.Option{judgetest.Garbage()},
			want:   []answer{{status: 200}, {status: 200}, {status: 200}},
			faults: "[garbage garbage garbage]",
		},
		{
			name:   "fail_all_randomly",
			give:   []judgetest.Option{judgetest.FailRandomly(1, 1)},
			want:   []answer{{status: 500}, {status: 500}, {status: 500}},
			faults: "[random random random]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := judgetest.New(t, tt.give...)
			var got []answer
			for _, p := range []string{"a", "a", "b"} {
				a := post(t, http.DefaultClient, j.URL, p)
				a.raw = ""
				got = append(got, a)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("answers = %v, want %v", got, tt.want)
			}
			var faults []string
			for _, r := range j.Requests() {
				faults = append(faults, r.Fault)
			}
			if fmt.Sprint(faults) != tt.faults || j.Calls() != 3 {
				t.Errorf("faults = %v (%d calls), want %s", faults, j.Calls(), tt.faults)
			}
			reqs := j.Requests()
			if reqs[1].Call != 2 || reqs[1].Attempt != 2 || reqs[2].Attempt != 1 || reqs[2].Prompt != "b" || reqs[0].Model != "m" {
				t.Errorf("requests = %+v", reqs)
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
}

// TestFailRandomlyIsReproducible: failures depend on (seed, prompt, attempt)
// only, and hit roughly the fraction asked for.
func TestFailRandomlyIsReproducible(t *testing.T) {
	run := func() []string {
		j := judgetest.NewInProcess(judgetest.FailRandomly(0.3, 42))
		var out []string
		for i := range 200 {
			out = append(out, fmt.Sprint(post(t, j.Client(), j.URL, fmt.Sprint("p", i%50)).status))
		}
		return out
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two runs differ")
	}
	if n := strings.Count(strings.Join(a, ","), "500"); n < 30 || n > 90 {
		t.Errorf("%d of 200 calls failed, want about 60", n)
	}
}

// TestFailsAt: FailsAt names exactly the calls FailRandomly fails, by
// prompt and attempt.
func TestFailsAt(t *testing.T) {
	const seed, fraction = 9, 0.4
	j := judgetest.NewInProcess(judgetest.FailRandomly(fraction, seed))
	failed := 0
	for i := range 120 {
		p := fmt.Sprint("p", i%30) // attempts 1 to 4 of each prompt
		got := post(t, j.Client(), j.URL, p).status == http.StatusInternalServerError
		r := j.Requests()[i]
		if want := judgetest.FailsAt(seed, fraction, p, r.Attempt); got != want {
			t.Errorf("call %d (%s, attempt %d): failed %v, FailsAt %v", i+1, p, r.Attempt, got, want)
		}
		if got {
			failed++
		}
	}
	if failed == 0 || failed == 120 {
		t.Errorf("%d of 120 calls failed: the test checks nothing", failed)
	}
	if judgetest.FailsAt(seed, 0, "p0", 1) || !judgetest.FailsAt(seed, 1, "p0", 1) {
		t.Error("fraction 0 must never fail, 1 always")
	}
}

func TestHangAndLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := judgetest.NewInProcess(judgetest.Hang())
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", j.URL+"/chat/completions", strings.NewReader(`{"messages":[{"content":"p"}]}`))
		if _, err := j.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hang: %v, want DeadlineExceeded", err)
		}
		if r := j.Requests(); len(r) != 1 || r[0].Fault != "hang" {
			t.Errorf("requests = %+v", r)
		}

		slow := judgetest.NewInProcess(judgetest.Latency(50 * time.Millisecond))
		start := time.Now()
		if a := post(t, slow.Client(), slow.URL, "p"); a.content != "ok" || time.Since(start) != 50*time.Millisecond {
			t.Errorf("latency: %+v after %v", a, time.Since(start))
		}
	})
}

func TestBadRequest(t *testing.T) {
	j := judgetest.NewInProcess()
	resp, err := j.Client().Post(j.URL+"/chat/completions", "application/json", strings.NewReader("nope"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || j.Requests()[0].Fault != "bad request" {
		t.Errorf("status %d, requests %+v", resp.StatusCode, j.Requests())
	}
}

func TestClientRoutesByHost(t *testing.T) {
	a := judgetest.NewInProcess(judgetest.Replies("a"))
	b := judgetest.NewInProcess(judgetest.Replies("b"))
	hc := judgetest.Client(a, b)
	if post(t, hc, a.URL, "p").content != "a" || post(t, hc, b.URL, "p").content != "b" {
		t.Error("misrouted")
	}
	if _, err := hc.Post("http://other.invalid/v1/chat/completions", "application/json", strings.NewReader("{}")); err == nil {
		t.Error("unknown host served")
	}
}

func TestCache(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := judgetest.NewCache()
		ctx := t.Context()
		if err := c.Put(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
		c.Put(ctx, "forever", []byte("w"), 0)
		if v, ok, err := c.Get(ctx, "k"); string(v) != "v" || !ok || err != nil {
			t.Errorf("Get = %q, %v, %v", v, ok, err)
		}
		time.Sleep(time.Minute)
		if _, ok, _ := c.Get(ctx, "k"); ok {
			t.Error("expired entry served")
		}
		if _, ok, _ := c.Get(ctx, "forever"); !ok {
			t.Error("entry without TTL expired")
		}
		c.Fail(true)
		if _, _, err := c.Get(ctx, "forever"); !errors.Is(err, judgetest.ErrCacheDown) {
			t.Errorf("Get on a failed cache: %v", err)
		}
		if c.Gets() != 4 || c.Puts() != 2 || c.Len() != 2 {
			t.Errorf("gets %d, puts %d, len %d", c.Gets(), c.Puts(), c.Len())
		}
	})
}

func TestCountOnly(t *testing.T) {
	j := judgetest.NewInProcess(judgetest.CountOnly(), judgetest.Replies("no", "yes"))
	got := []string{post(t, j.Client(), j.URL, "a").content, post(t, j.Client(), j.URL, "a").content, post(t, j.Client(), j.URL, "b").content}
	if fmt.Sprint(got) != "[no yes no]" || j.Calls() != 3 || len(j.Requests()) != 0 || j.MaxInFlight() != 1 {
		t.Errorf("answers %v, calls %d, requests %d, max in flight %d", got, j.Calls(), len(j.Requests()), j.MaxInFlight())
	}
}
