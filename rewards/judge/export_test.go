package judge

import "time"

// BackoffCap exposes the retry wait bound for tests.
var BackoffCap = backoffCap

// NewJitter returns the retry policy with rnd as its random source.
func NewJitter(rnd func(int64) int64) *jitter { return &jitter{rnd: rnd} }

// SetFloor sets a Retry-After floor on j, as a 429 would.
func (j *jitter) SetFloor(d time.Duration) { j.floor = d }

// DecodeEntry exposes the cache value decoder to the fuzzer.
func DecodeEntry(b []byte) (reply string, verdict []byte, usage Usage, err error) {
	e, err := decodeEntry(b)
	return e.Reply, e.Verdict, e.Usage, err
}

// EncodeEntry exposes the cache value encoder.
func EncodeEntry(v Verdict, at time.Time) ([]byte, error) { return encodeEntry(v, at) }
