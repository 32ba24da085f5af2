package judge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/medarc-ai/medmarks-t/internal/chatapi"
)

var (
	// errTooLate: a rate limiter cannot grant a token before ctx's deadline.
	errTooLate = errors.New("judge: rate limit wait exceeds the deadline")
	// errParserPanic: Question.Check or Question.Parse panicked.
	errParserPanic = errors.New("judge: reply parser panicked")
)

// call asks e until it gives a usable reply, fails for good, or runs out of
// attempts (spec common.md §8, "Failures and retries"). err is set only when
// ctx ends first.
func (c *Client) call(ctx context.Context, e *endpoint, q Question, body []byte) (Verdict, error) {
	v := Verdict{Judge: e.name}
	est := e.estimate(len(q.Prompt))
	wait := &jitter{}
	op := func() (struct{}, error) {
		v.Attempts++
		reply, err := c.attempt(ctx, e, body, est, wait)
		if err != nil {
			return struct{}{}, err
		}
		v.Reply, v.Latency = reply.Content, reply.Latency
		if u := reply.Response.Usage; u != nil {
			v.Usage = Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.Total()}
		}
		parsed, err := read(q, reply.Content)
		if err != nil {
			if errors.Is(err, errParserPanic) {
				c.core.log.Error("judge reply parser panicked", zap.String("judge", e.name),
					zap.String("parser", q.Parser), zap.Error(err))
			}
			c.core.log.Debug("judge reply unusable", zap.String("judge", e.name),
				zap.String("parser", q.Parser), zap.String("reply", oneLine(reply.Content, 200)), zap.Error(err))
			return struct{}{}, fmt.Errorf("%w: %w", ErrUnusableReply, err)
		}
		v.Parsed = parsed
		return struct{}{}, nil
	}
	notify := func(err error, d time.Duration) {
		c.core.log.Debug("judge attempt failed; retrying", zap.String("judge", e.name),
			zap.Int("attempt", v.Attempts), zap.Duration("wait", d), zap.Error(err))
	}
	_, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(wait),
		backoff.WithMaxTries(uint(c.core.policy.MaxAttempts)),
		backoff.WithMaxElapsedTime(0), // the caller's deadline bounds it all
		backoff.WithNotify(notify))
	if err == nil {
		return v, nil
	}
	if errors.Is(err, errTooLate) {
		<-ctx.Done() // as if the limiter had waited: the deadline decides
	}
	if cerr := ctx.Err(); cerr != nil {
		return Verdict{}, cerr
	}
	var perm *backoff.PermanentError
	if errors.As(err, &perm) {
		err = perm.Err
	}
	v.Err = err
	c.core.log.Warn("judge gave no verdict", zap.String("judge", e.name),
		zap.Int("attempts", v.Attempts), zap.Error(err))
	return v, nil
}

// attempt makes one request: a concurrency slot, the Retry-After pause, the
// RPM and TPM limiters, then one POST under the per-attempt timeout. Its
// error is permanent (backoff.Permanent) when retrying cannot help or ctx
// ended.
func (c *Client) attempt(ctx context.Context, e *endpoint, body []byte, est int, wait *jitter) (chatapi.Reply, error) {
	if err := e.sem.Acquire(ctx, 1); err != nil {
		return chatapi.Reply{}, backoff.Permanent(err)
	}
	defer e.sem.Release(1)
	if err := e.waitPause(ctx); err != nil {
		return chatapi.Reply{}, err
	}
	if err := limitWait(ctx, e.rpm, 1); err != nil {
		return chatapi.Reply{}, err
	}
	if err := e.chargeTPM(ctx, est); err != nil {
		return chatapi.Reply{}, err
	}
	// A Retry-After may have arrived while the limiters made us wait.
	if err := e.waitPause(ctx); err != nil {
		return chatapi.Reply{}, err
	}

	actx, cancel := context.WithTimeout(ctx, e.timeout)
	reply, err := e.api.Do(actx, body)
	timedOut := errors.Is(actx.Err(), context.DeadlineExceeded)
	cancel()
	e.stats.calls.Add(1)
	if err == nil {
		if u := reply.Response.Usage; u != nil {
			e.correctTPM(est, u.Total())
			e.stats.prompt.Add(int64(u.PromptTokens))
			e.stats.completion.Add(int64(u.CompletionTokens))
		}
		return reply, nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return chatapi.Reply{}, backoff.Permanent(cerr)
	}
	if timedOut {
		return chatapi.Reply{}, fmt.Errorf("%w after %s", ErrAttemptTimeout, e.timeout)
	}
	var se *chatapi.StatusError
	if errors.As(err, &se) {
		return chatapi.Reply{}, c.statusFailure(e, se, wait)
	}
	// A connection error, a body that is not a chat completion, no choices
	// or empty content: all retryable.
	return chatapi.Reply{}, err
}

// statusFailure classifies a non-2xx reply. 408, 409, 425, 429 and 5xx are
// retried; a Retry-After on them raises this item's wait and pauses the
// judge, unless it exceeds MaxRetryAfter, which makes the attempt final.
// Other statuses are final at once.
func (c *Client) statusFailure(e *endpoint, se *chatapi.StatusError, wait *jitter) error {
	if !retryableStatus(se.Code) {
		if se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden {
			if !e.authWarned.Swap(true) {
				c.core.log.Error("judge refused the credentials; check its api_key_env and headers",
					zap.String("judge", e.name), zap.Int("status", se.Code))
			}
		}
		return backoff.Permanent(se)
	}
	if se.HasRetryAfter {
		e.pause(se.RetryAfter)
		if se.RetryAfter > MaxRetryAfter {
			return backoff.Permanent(fmt.Errorf("%w: %w", se, ErrRetryAfterTooLong))
		}
		wait.floor = se.RetryAfter
	}
	return se
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500 && code <= 599
}

// pause holds every new request to e for d (from now), unless a longer
// pause is already in force.
func (e *endpoint) pause(d time.Duration) {
	until := time.Now().Add(d)
	e.mu.Lock()
	if until.After(e.pausedUntil) {
		e.pausedUntil = until
	}
	e.mu.Unlock()
}

// waitPause waits out a Retry-After pause. A pause longer than MaxRetryAfter
// is not waited for: the attempt fails for good, saying so.
func (e *endpoint) waitPause(ctx context.Context) error {
	for {
		e.mu.Lock()
		d := time.Until(e.pausedUntil)
		e.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if d > MaxRetryAfter {
			return backoff.Permanent(fmt.Errorf("%w: judge paused by Retry-After for another %s",
				ErrRetryAfterTooLong, d.Round(time.Second)))
		}
		if err := sleep(ctx, d); err != nil {
			return backoff.Permanent(err)
		}
	}
}

// estimate is the TPM charge before a request: prompt bytes / 4 plus the
// output budget, or 1,024 when none is set.
func (e *endpoint) estimate(promptBytes int) int {
	out := e.sampling.wire().OutputBudget()
	if out <= 0 {
		out = 1024
	}
	return (promptBytes+3)/4 + out
}

// chargeTPM takes est tokens from the TPM bucket, less any credit left by
// earlier over-estimates.
func (e *endpoint) chargeTPM(ctx context.Context, est int) error {
	if e.tpm == nil {
		return nil
	}
	e.mu.Lock()
	credit := min(e.tpmCredit, est)
	e.tpmCredit -= credit
	e.mu.Unlock()
	return limitWait(ctx, e.tpm, est-credit)
}

// correctTPM settles a request's estimate against its reported usage: a
// shortfall is taken from the bucket at once (it may go into debt, which
// delays later requests); an excess becomes credit for later charges, since
// a token bucket cannot be refilled.
func (e *endpoint) correctTPM(est, actual int) {
	if e.tpm == nil || actual <= 0 {
		return
	}
	if d := actual - est; d > 0 {
		e.tpm.ReserveN(time.Now(), min(d, e.tpm.Burst()))
		return
	}
	e.mu.Lock()
	e.tpmCredit = min(e.tpmCredit+est-actual, e.tpm.Burst())
	e.mu.Unlock()
}

// limitWait takes n tokens from lim (nil: no limit), waiting as needed. n is
// capped at the burst, which a single request may always use.
func limitWait(ctx context.Context, lim *rate.Limiter, n int) error {
	if lim == nil || n <= 0 {
		return nil
	}
	if err := lim.WaitN(ctx, min(n, lim.Burst())); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return backoff.Permanent(cerr)
		}
		return backoff.Permanent(errTooLate)
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read applies the question's parser to a reply, turning a panic into an
// error wrapping errParserPanic.
func read(q Question, reply string) (parsed json.RawMessage, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errParserPanic, r)
		}
	}()
	switch {
	case q.Parse != nil:
		return q.Parse(reply)
	case q.Check != nil:
		return nil, q.Check(reply)
	}
	return nil, nil
}

// safeParse is read for Parse alone.
func safeParse(parse func(string) (json.RawMessage, error), reply string) (json.RawMessage, error) {
	return read(Question{Parse: parse}, reply)
}
