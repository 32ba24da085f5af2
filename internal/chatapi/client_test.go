package chatapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

const secret = "sk-test-0123456789abcdef-SECRET"

// echoServer answers with status and a body built from the request, so a
// test can make the server echo the Authorization header back.
func echoServer(t *testing.T, status int, header map[string]string, body func(r *http.Request, req []byte) string) (*httptest.Server, chan *http.Request) {
	t.Helper()
	seen := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r2 := r.Clone(context.Background())
		r2.Body = io.NopCloser(strings.NewReader(string(b)))
		select {
		case seen <- r2:
		default:
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body(r, b))
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func TestDoSendsRequest(t *testing.T) {
	srv, seen := echoServer(t, 200, nil, func(*http.Request, []byte) string {
		return `{"choices":[{"message":{"content":"yes"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}`
	})
	c, err := chatapi.New(srv.URL+"/v1/", secret, map[string]string{"X-Team": "t1"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := chatapi.UserRequest("m", "<p>", chatapi.Sampling{}).Encode()
	r, err := c.Do(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != "yes" || r.Response.Usage == nil || r.Response.Usage.Total() != 6 {
		t.Errorf("reply = %+v", r)
	}
	req := <-seen
	got, _ := io.ReadAll(req.Body)
	want := map[string]string{
		"method": "POST", "path": "/v1/chat/completions", "body": string(body),
		"Authorization": "Bearer " + secret, "Content-Type": "application/json", "X-Team": "t1",
	}
	gotm := map[string]string{
		"method": req.Method, "path": req.URL.Path, "body": string(got),
		"Authorization": req.Header.Get("Authorization"), "Content-Type": req.Header.Get("Content-Type"), "X-Team": req.Header.Get("X-Team"),
	}
	if diff := cmp.Diff(want, gotm); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
}

func TestDoNoKeyNoAuthorization(t *testing.T) {
	srv, seen := echoServer(t, 200, nil, func(*http.Request, []byte) string {
		return `{"choices":[{"message":{"content":"ok"}}]}`
	})
	c, err := chatapi.New(srv.URL, "", nil, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if h, ok := (<-seen).Header["Authorization"]; ok {
		t.Errorf("Authorization header sent without a key: %q", h)
	}
}

func TestDoStatusError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   chatapi.StatusError
	}{
		{
			name: "openai_error_retry_after", status: 429, header: map[string]string{"Retry-After": "2"},
			body: `{"error":{"message":"slow down","type":"rate_limit"}}`,
			want: chatapi.StatusError{Code: 429, Message: "slow down", RetryAfter: 2 * time.Second, HasRetryAfter: true},
		},
		{
			name: "plain_text", status: 502, body: "bad\ngateway",
			want: chatapi.StatusError{Code: 502, Message: "bad gateway"},
		},
		{
			name: "message_field", status: 400, body: `{"message":"model not found"}`,
			want: chatapi.StatusError{Code: 400, Message: "model not found"},
		},
		{
			name: "long_body_cut", status: 500, body: strings.Repeat("x", 500),
			want: chatapi.StatusError{Code: 500, Message: strings.Repeat("x", 200) + "…"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := echoServer(t, tt.status, tt.header, func(*http.Request, []byte) string { return tt.body })
			c, _ := chatapi.New(srv.URL, "", nil, srv.Client())
			_, err := c.Do(context.Background(), []byte(`{}`))
			var se *chatapi.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Do() error = %v, want *StatusError", err)
			}
			if diff := cmp.Diff(tt.want, *se); diff != "" {
				t.Errorf("StatusError mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDoNeverLeaksKey makes servers echo the Authorization header in every
// place a reply's text can reach an error.
func TestDoNeverLeaksKey(t *testing.T) {
	echo := func(r *http.Request, _ []byte) string { return r.Header.Get("Authorization") }
	tests := []struct {
		name   string
		status int
		body   func(*http.Request, []byte) string
		want   error
	}{
		{"status_plain", 401, echo, nil},
		{"status_json", 403, func(r *http.Request, b []byte) string {
			return `{"error":{"message":"bad key ` + r.Header.Get("Authorization") + `"}}`
		}, nil},
		{"status_json_escaped", 400, func(r *http.Request, b []byte) string {
			k := r.Header.Get("Authorization")
			return `{"error":{"message":"bad key \u0042` + k[1:] + `"}}`
		}, nil},
		{"not_chat", 200, echo, chatapi.ErrNotChat},
		{"chat_error_field", 200, func(r *http.Request, b []byte) string {
			return `{"error":"` + r.Header.Get("Authorization") + `"}`
		}, chatapi.ErrNotChat},
		{"finish_reason", 200, func(r *http.Request, b []byte) string {
			return `{"choices":[{"message":{"content":""},"finish_reason":"` + secret + `"}]}`
		}, chatapi.ErrEmptyContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := echoServer(t, tt.status, nil, tt.body)
			c, _ := chatapi.New(srv.URL, secret, nil, srv.Client())
			_, err := c.Do(context.Background(), []byte(`{}`))
			if err == nil {
				t.Fatal("Do() succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Do() error = %v, want %v", err, tt.want)
			}
			if (<-seen).Header.Get("Authorization") != "Bearer "+secret {
				t.Fatal("the key was not sent; the test proves nothing")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), secret[:12]) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestDoTransportAndBodyErrors(t *testing.T) {
	srv, _ := echoServer(t, 200, nil, func(*http.Request, []byte) string { return strings.Repeat(" ", chatapi.MaxReplyBytes+1) })
	c, _ := chatapi.New(srv.URL, secret, nil, srv.Client())
	if _, err := c.Do(context.Background(), []byte(`{}`)); !errors.Is(err, chatapi.ErrNotChat) {
		t.Errorf("oversized body: error = %v, want ErrNotChat", err)
	}

	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	c, _ = chatapi.New(url, secret, nil, nil)
	_, err := c.Do(context.Background(), []byte(`{}`))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("closed server: error = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Do(ctx, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled ctx: error = %v, want context.Canceled", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:8000", "http://", "://"} {
		if _, err := chatapi.New(u, "", nil, nil); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
	if _, err := chatapi.New("http://user:pw@host/v1", "", nil, nil); err != nil {
		t.Errorf("New with userinfo: %v", err)
	}
}

func TestDoRedactsEchoedKeyFromAnswer(t *testing.T) {
	srv, _ := echoServer(t, 200, nil, func(r *http.Request, _ []byte) string {
		return `{"choices":[{"message":{"content":"you sent ` + r.Header.Get("Authorization") + `"}}]}`
	})
	c, _ := chatapi.New(srv.URL, secret, nil, srv.Client())
	r, err := c.Do(context.Background(), []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != "you sent Bearer [redacted]" {
		t.Errorf("content = %q", r.Content)
	}
}
