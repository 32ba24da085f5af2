package chatapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After header value: delay-seconds or an
// HTTP date (RFC 9110 §10.2.3), measured from now. A date in the past gives
// 0. ok is false for an empty or malformed value, which callers ignore.
// Fractional seconds ("1.5"), which some servers send, are accepted.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		// ParseFloat also takes "Inf", "NaN" and hex; only plain numbers count.
		if secs < 0 || secs != secs || strings.ContainsAny(v, "xXnNiI") {
			return 0, false
		}
		const maxSecs = 1 << 31 // beyond any sane header; avoids overflow
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}
