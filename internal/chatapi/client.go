package chatapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxReplyBytes bounds the reply body read; a longer body is not a usable
// chat completion (judge replies are a few KiB).
const MaxReplyBytes = 8 << 20

// Client posts Chat Completions requests to one endpoint.
type Client struct {
	endpoint string
	key      string
	header   http.Header
	hc       *http.Client
}

// New returns a client for POST {baseURL}/chat/completions. apiKey, when not
// empty, is sent as "Authorization: Bearer <key>". header holds extra headers
// sent with every request. hc nil means http.DefaultClient.
func New(baseURL, apiKey string, header map[string]string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want an absolute http or https URL", u.Redacted())
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", "medmarks-t")
	}
	if apiKey != "" {
		h.Set("Authorization", "Bearer "+apiKey)
	}
	return &Client{
		endpoint: strings.TrimSuffix(baseURL, "/") + "/chat/completions",
		key:      apiKey,
		header:   h,
		hc:       hc,
	}, nil
}

// Endpoint is the URL requests are posted to.
func (c *Client) Endpoint() string { return c.endpoint }

// Reply is a usable answer.
type Reply struct {
	Response Response
	// Content is choices[0].message.content, never blank.
	Content string
	// Latency is from sending the request to reading the whole body.
	Latency time.Duration
}

// Do posts body (an encoded Request) once and reads the reply. It returns a
// Reply only for a 2xx chat completion with a non-blank answer; see the
// package doc for the errors. Retry-After is read from non-2xx replies only,
// relative to time.Now.
func (c *Client) Do(ctx context.Context, body []byte) (Reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return Reply{}, err
	}
	req.Header = c.header.Clone()
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		// *url.Error names the URL (net/http strips any password) and the
		// cause; headers, and so the key, are never part of it.
		return Reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxReplyBytes+1))
	if err != nil {
		return Reply{}, fmt.Errorf("read reply: %w", err)
	}
	latency := time.Since(start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &StatusError{Code: resp.StatusCode, Message: statusMessage(data, c.key)}
		e.RetryAfter, e.HasRetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return Reply{}, e
	}
	if len(data) > MaxReplyBytes {
		return Reply{}, fmt.Errorf("%w: body exceeds %d bytes", ErrNotChat, MaxReplyBytes)
	}
	r, content, err := parseResponse(data, c.key)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Response: r, Content: content, Latency: latency}, nil
}
