package chatapi_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name      string
		give      string
		want      string
		wantErr   error
		wantUsage *chatapi.Usage
		wantMsg   string // substring of the error
	}{
		{
			name:      "string_content",
			give:      `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"yes","reasoning_content":"hmm"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}`,
			want:      "yes",
			wantUsage: &chatapi.Usage{PromptTokens: 10, CompletionTokens: 2, TotalTokens: 12},
		},
		{
			name: "content_parts",
			give: `{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{}},{"type":"text","text":"b"}]}}]}`,
			want: "ab",
		},
		{
			name:      "usage_floats_and_no_total",
			give:      `{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":3.0,"completion_tokens":4}}`,
			want:      "x",
			wantUsage: &chatapi.Usage{PromptTokens: 3, CompletionTokens: 4},
		},
		{name: "usage_negative_dropped", give: `{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":-1}}`, want: "x"},
		{name: "usage_garbage_dropped", give: `{"choices":[{"message":{"content":"x"}}],"usage":"lots"}`, want: "x"},
		{name: "null_content", give: `{"choices":[{"message":{"content":null},"finish_reason":"length"}]}`, wantErr: chatapi.ErrEmptyContent, wantMsg: "finish_reason length"},
		{name: "blank_content", give: `{"choices":[{"message":{"content":" \n "}}]}`, wantErr: chatapi.ErrEmptyContent},
		{name: "no_message", give: `{"choices":[{}]}`, wantErr: chatapi.ErrEmptyContent},
		{name: "empty_choices", give: `{"choices":[]}`, wantErr: chatapi.ErrNoChoices},
		{name: "no_choices_field", give: `{"id":"x"}`, wantErr: chatapi.ErrNotChat, wantMsg: "no choices field"},
		{name: "null_choices", give: `{"choices":null}`, wantErr: chatapi.ErrNotChat},
		{name: "error_object", give: `{"error":{"message":"model overloaded","code":503}}`, wantErr: chatapi.ErrNotChat, wantMsg: "model overloaded"},
		{name: "error_string", give: `{"error":"nope"}`, wantErr: chatapi.ErrNotChat, wantMsg: "nope"},
		{name: "html", give: `<html>502 Bad Gateway</html>`, wantErr: chatapi.ErrNotChat, wantMsg: "502 Bad Gateway"},
		{name: "empty_body", give: ``, wantErr: chatapi.ErrNotChat, wantMsg: "empty body"},
		{name: "json_array", give: `[1,2]`, wantErr: chatapi.ErrNotChat},
		{name: "choices_not_list", give: `{"choices":{"a":1}}`, wantErr: chatapi.ErrNotChat},
		{name: "content_number", give: `{"choices":[{"message":{"content":42}}]}`, wantErr: chatapi.ErrNotChat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got, err := chatapi.ParseResponse([]byte(tt.give))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("ParseResponse() error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
			if got != tt.want {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			if err == nil {
				if diff := cmp.Diff(tt.wantUsage, r.Usage); diff != "" {
					t.Errorf("usage mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give   string
		want   time.Duration
		wantOK bool
	}{
		{"2", 2 * time.Second, true},
		{" 120 ", 120 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"0", 0, true},
		{"Sun, 01 Mar 2026 12:00:03 GMT", 3 * time.Second, true},
		{"Sunday, 01-Mar-26 12:01:00 GMT", time.Minute, true},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x10", 0, false},
		{"99999999999999", 1 << 31 * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := chatapi.ParseRetryAfter(tt.give, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

// FuzzParseResponse checks that any body gives either a non-blank answer or
// one of the package's errors, never a panic, and that error texts stay short
// and valid UTF-8 and usage is never negative.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"choices":[{"message":{"content":"yes"}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`,
		`{"choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]}`,
		`{"choices":[]}`, `{"error":{"message":"x"}}`, `<html>`, ``, `{"choices":[{"message":{"content":null}}]}`,
		`{"choices":[{"message":{"content":"\ud800"}}],"usage":{"prompt_tokens":1e300}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, content, err := chatapi.ParseResponse(body)
		if err != nil {
			if !errors.Is(err, chatapi.ErrNotChat) && !errors.Is(err, chatapi.ErrNoChoices) && !errors.Is(err, chatapi.ErrEmptyContent) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if msg := err.Error(); !utf8.ValidString(msg) || utf8.RuneCountInString(msg) > 400 {
				t.Fatalf("error text too long or invalid UTF-8: %q", msg)
			}
			if content != "" {
				t.Fatalf("content %q with error %v", content, err)
			}
			return
		}
		if strings.TrimSpace(content) == "" || !utf8.ValidString(content) {
			t.Fatalf("blank or invalid content %q without error", content)
		}
		if u := r.Usage; u != nil && (u.PromptTokens < 0 || u.CompletionTokens < 0 || u.TotalTokens < 0 || u.Total() < 0) {
			t.Fatalf("negative usage %+v", u)
		}
	})
}

// FuzzParseRetryAfter: any header value gives a non-negative wait or is
// ignored, never a panic.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"2", "1.5", "-1", "Sun, 01 Mar 2026 12:00:03 GMT", "1e400", "NaN", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d, ok := chatapi.ParseRetryAfter(v, now); d < 0 || !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
