package judgetest

import "time"

// Option configures a fake judge.
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	reply       func(Request) string
	latency     time.Duration
	hang        bool
	limitN      int // calls answered 429; -1: every call
	retryAfter  string
	statusCode  int
	statusN     int // -1: every call
	failFrac    float64
	failSeed    uint64
	garbage     bool
	noUsage     bool
	fixedUsage  *[2]int
	countOnly   bool
	hasRateLim  bool
	hasStatus   bool
	hasFailRand bool
}

// Reply sets the text of a good answer (choices[0].message.content). The
// default answers "ok". Returning "" sends an empty content, which a client
// must treat as a failed attempt.
func Reply(f func(Request) string) Option {
	return optionFunc(func(o *options) { o.reply = f })
}

// Replies answers the k-th request carrying a given prompt with texts[k-1],
// and every later one with the last text: Replies("garbage", "yes") answers
// garbage, then "yes" on the retry.
func Replies(texts ...string) Option {
	return Reply(func(r Request) string {
		if len(texts) == 0 {
			return "ok"
		}
		return texts[min(r.Attempt, len(texts))-1]
	})
}

// Latency delays every answer (faults included) by d; a client that gives
// up first ends the wait.
func Latency(d time.Duration) Option {
	return optionFunc(func(o *options) { o.latency = d })
}

// Hang never answers: each call returns only when the client gives up.
func Hang() Option {
	return optionFunc(func(o *options) { o.hang = true })
}

// RateLimited answers the first n calls (n ≤ 0: every call) with 429 and the
// given Retry-After value ("2", or an HTTP date; "" sends none).
func RateLimited(n int, retryAfter string) Option {
	return optionFunc(func(o *options) {
		o.hasRateLim, o.limitN, o.retryAfter = true, n, retryAfter
	})
}

// Status answers the first n calls (n ≤ 0: every call) with the HTTP status
// code and an OpenAI-style error body.
func Status(code, n int) Option {
	return optionFunc(func(o *options) {
		o.hasStatus, o.statusCode, o.statusN = true, code, n
	})
}

// FailRandomly answers a fraction of calls with 500. Whether a call fails
// depends only on (seed, prompt, the call's Attempt for that prompt), not on
// the order in which concurrent calls arrive, so a run is reproducible;
// FailsAt tells which calls fail.
func FailRandomly(fraction float64, seed uint64) Option {
	return optionFunc(func(o *options) {
		o.hasFailRand, o.failFrac, o.failSeed = true, fraction, seed
	})
}

// Garbage answers 200 with a body that is not a chat completion.
func Garbage() Option {
	return optionFunc(func(o *options) { o.garbage = true })
}

// NoUsage leaves usage out of good answers. By default usage is
// ⌈prompt bytes / 4⌉ and ⌈reply bytes / 4⌉.
func NoUsage() Option {
	return optionFunc(func(o *options) { o.noUsage = true })
}

// Usage reports fixed token counts in every good answer.
func Usage(prompt, completion int) Option {
	return optionFunc(func(o *options) { o.fixedUsage = &[2]int{prompt, completion} })
}

// CountOnly keeps no Request log (Requests returns none), only Calls and
// MaxInFlight, so that long benchmarks do not grow the fake's memory.
func CountOnly() Option {
	return optionFunc(func(o *options) { o.countOnly = true })
}
