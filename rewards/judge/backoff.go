package judge

import (
	"math/rand/v2"
	"time"
)

const (
	backoffBase = 500 * time.Millisecond
	backoffMax  = 20 * time.Second
)

// backoffCap is the longest wait before attempt n+1 (n ≥ 1):
// min(20 s, 0.5 s × 2^(n−1)) (spec common.md §8).
func backoffCap(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 7 { // 0.5 s × 2^6 = 32 s is already past the cap
		return backoffMax
	}
	return min(backoffMax, backoffBase<<(n-1))
}

// jitter is the "full jitter" policy as a backoff.BackOff: the n-th call of
// NextBackOff (after attempt n failed) returns a uniform wait in
// [0, backoffCap(n)], raised to floor when a Retry-After set one. One value
// serves one retry loop; it is not safe for concurrent use.
type jitter struct {
	n     int
	floor time.Duration
	// rnd returns a uniform value in [0, n); nil means math/rand/v2.
	rnd func(n int64) int64
}

// NextBackOff returns the wait before the next attempt.
func (j *jitter) NextBackOff() time.Duration {
	j.n++
	rnd := j.rnd
	if rnd == nil {
		rnd = rand.Int64N
	}
	d := time.Duration(rnd(int64(backoffCap(j.n)) + 1))
	d, j.floor = max(d, j.floor), 0
	return d
}

// Reset starts the policy over; backoff.Retry calls it first.
func (j *jitter) Reset() { j.n, j.floor = 0, 0 }
