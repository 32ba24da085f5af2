package judgetest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one call the fake judge received.
type Request struct {
	// Call counts every call from 1; Attempt counts calls with this Prompt.
	Call, Attempt int
	Model         string
	// Prompt is the first message's content.
	Prompt string
	// Body is the exact request body; Header the request headers.
	Body   []byte
	Header http.Header
	// At is when the call arrived (fake time inside a synctest bubble).
	At time.Time
	// Fault is how the call was answered: "" (a good answer), "hang",
	// "canceled" (the client gave up during Latency), "429", "status",
	// "random", "garbage" or "bad request".
	Fault string
}

// Server is a fake OpenAI-compatible judge.
type Server struct {
	// URL is the base URL to configure (".../v1"); requests go to
	// URL + "/chat/completions".
	URL string

	opts options
	srv  *httptest.Server // nil for NewInProcess

	mu          sync.Mutex
	reqs        []Request
	calls       int
	attempts    map[uint64]int // by prompt hash: keeps long runs small
	inFlight    int
	maxInFlight int
}

// New starts a fake judge on an httptest server, closed when tb's test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := newServer(opts)
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL + "/v1"
	tb.Cleanup(s.Close)
	return s
}

// NewInProcess makes a fake judge with no listener: reach it through
// Client. Its URL names a unique host under .invalid, which Client routes to
// it and nothing else can dial.
func NewInProcess(opts ...Option) *Server {
	s := newServer(opts)
	s.URL = "http://" + strings.ToLower(rand.Text()) + ".judge.invalid/v1"
	return s
}

func newServer(opts []Option) *Server {
	s := &Server{attempts: map[uint64]int{}}
	s.opts.reply = func(Request) string { return "ok" }
	for _, o := range opts {
		o.apply(&s.opts)
	}
	return s
}

// Close stops the httptest server, if any; it is idempotent.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// Client returns an HTTP client whose transport calls the fake's handler in
// the calling goroutine, without sockets, whatever host a request names. It
// works for both New and NewInProcess.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcess{only: s}}
}

// Client returns an in-process HTTP client for several fakes, routing each
// request by its host to the fake whose URL names it; another host is an
// error. Use it when a judge.Client has more than one fake judge.
func Client(servers ...*Server) *http.Client {
	t := inProcess{byHost: map[string]*Server{}}
	for _, s := range servers {
		if u, err := url.Parse(s.URL); err == nil {
			t.byHost[u.Host] = s
		}
	}
	return &http.Client{Transport: t}
}

// Calls is the number of calls received so far.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Requests returns a copy of the calls received so far, in arrival order;
// none with CountOnly.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// MaxInFlight is the most calls that were being answered at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// ServeHTTP answers POST …/chat/completions.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	bad := r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") ||
		json.Unmarshal(body, &req) != nil || len(req.Messages) == 0

	rec := Request{Model: req.Model, Body: body, At: time.Now()}
	if len(req.Messages) > 0 {
		rec.Prompt = req.Messages[0].Content
	}
	if !s.opts.countOnly {
		rec.Header = r.Header.Clone()
	}
	h := fnv.New64a()
	io.WriteString(h, rec.Prompt)
	s.mu.Lock()
	s.calls++
	rec.Call = s.calls
	s.attempts[h.Sum64()]++
	rec.Attempt = s.attempts[h.Sum64()]
	i := len(s.reqs)
	if !s.opts.countOnly {
		s.reqs = append(s.reqs, rec)
	}
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()

	fault := "bad request"
	if bad {
		writeError(w, http.StatusBadRequest, "not a chat completions request")
	} else {
		fault = s.answer(w, r, rec)
	}

	s.mu.Lock()
	if !s.opts.countOnly {
		s.reqs[i].Fault = fault
	}
	s.inFlight--
	s.mu.Unlock()
}

// answer applies the faults in order and returns the one used.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, rec Request) string {
	o := &s.opts
	if o.latency > 0 {
		t := time.NewTimer(o.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return "canceled"
		}
	}
	switch {
	case o.hang:
		<-r.Context().Done()
		return "hang"
	case o.hasRateLim && (o.limitN <= 0 || rec.Call <= o.limitN):
		if o.retryAfter != "" {
			w.Header().Set("Retry-After", o.retryAfter)
		}
		writeError(w, http.StatusTooManyRequests, "rate limited")
		return "429"
	case o.hasStatus && (o.statusN <= 0 || rec.Call <= o.statusN):
		writeError(w, o.statusCode, fmt.Sprintf("fake status %d", o.statusCode))
		return "status"
	case o.hasFailRand && FailsAt(o.failSeed, o.failFrac, rec.Prompt, rec.Attempt):
		writeError(w, http.StatusInternalServerError, "random failure")
		return "random"
	case o.garbage:
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
		return "garbage"
	}
	content := o.reply(rec)
	type usage struct {
		Prompt     int `json:"prompt_tokens"`
		Completion int `json:"completion_tokens"`
		Total      int `json:"total_tokens"`
	}
	var u *usage
	switch {
	case o.fixedUsage != nil:
		u = &usage{o.fixedUsage[0], o.fixedUsage[1], o.fixedUsage[0] + o.fixedUsage[1]}
	case !o.noUsage:
		p, c := (len(rec.Prompt)+3)/4, (len(content)+3)/4
		u = &usage{p, c, p + c}
	}
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type choice struct {
		Index        int     `json:"index"`
		Message      message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	}
	resp := struct {
		ID      string   `json:"id"`
		Object  string   `json:"object"`
		Created int64    `json:"created"`
		Model   string   `json:"model"`
		Choices []choice `json:"choices"`
		Usage   *usage   `json:"usage,omitempty"`
	}{
		ID: fmt.Sprintf("chatcmpl-fake-%d", rec.Call), Object: "chat.completion", Created: rec.At.Unix(),
		Model: rec.Model, Choices: []choice{{Message: message{"assistant", content}, FinishReason: "stop"}}, Usage: u,
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
	return ""
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"fake_error","code":%d}}`, msg, code)
}

// FailsAt reports whether a fake with FailRandomly(fraction, seed) fails
// the call that is attempt number attempt for prompt (Request.Attempt), so
// that a test can tell which items must fail without calling the fake.
// The draw is uniform in [0, 1) and fixed by seed, prompt and attempt.
func FailsAt(seed uint64, fraction float64, prompt string, attempt int) bool {
	h := fnv.New64a()
	io.WriteString(h, prompt)
	return mrand.New(mrand.NewPCG(seed, h.Sum64()+uint64(attempt))).Float64() < fraction
}

// inProcess is a RoundTripper that serves requests with a fake's handler:
// only, or the fake named by the request's host.
type inProcess struct {
	only   *Server
	byHost map[string]*Server
}

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	s := t.only
	if s == nil {
		if s = t.byHost[req.URL.Host]; s == nil {
			return nil, fmt.Errorf("judgetest: no fake judge at %s", req.URL.Host)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
