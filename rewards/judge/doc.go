// Package judge asks LLM judges for verdicts, as spec common.md §8 says:
// OpenAI-compatible Chat Completions (internal/chatapi), several judges
// called concurrently, per-model sampling defaults, retries with full-jitter
// backoff, Retry-After, client-side RPM and TPM token buckets, a bounded
// number of requests in flight per judge, and a cache of valid verdicts.
//
// An env builds its judge prompt and a Question, calls Client.Ask, scores
// each valid Verdict and combines the scores with Combine:
//
//	vs, err := c.Ask(ctx, judge.Question{Prompt: p, Parser: "medec@1.0.0", Check: parse})
//	if err != nil {
//		return rewards.Reward{}, err // ctx ended: the call failed
//	}
//	scores := make([]judge.Score, len(vs))
//	for i, v := range vs {
//		scores[i] = v.Score(score)
//	}
//	o := judge.Combine(scores, quorum)
//	if !o.OK {
//		return rewards.Reward{Status: rewards.JudgeFailed, Detail: o.Detail}, nil
//	}
//
// # Requests
//
// Each attempt takes, in order: a concurrency slot (Policy.Concurrency per
// judge), the end of any Retry-After pause of that judge, an RPM token, a TPM
// charge (prompt bytes / 4 plus max_tokens, or 1,024; corrected with the
// reply's usage), then one POST bounded by the judge's timeout. A failed
// attempt is retried when it may succeed later — connection error, timeout,
// HTTP 408, 409, 425, 429, 5xx, a body that is not a chat completion, no
// choices, empty content, a reply the Question rejects — up to
// Policy.MaxAttempts in all, waiting rand(0, min(20 s, 0.5 s × 2^(n−1)))
// before attempt n+1. A Retry-After raises that wait and pauses every new
// request to the judge until it has passed; one above MaxRetryAfter is not
// waited for and makes the attempt final. Other 4xx are final at once.
//
// # Cache
//
// With Policy.Cache and a Cache in Settings, a valid verdict is stored under
// CacheKey(base_url, model, parser id, exact request body) with the reply,
// the parsed verdict, usage and time; failures never are. Identical requests
// in flight at the same time are sent once and share the answer. Stats counts
// hits, misses and shared answers.
//
// # Secrets
//
// An API key is read from the variable an Endpoint names, once, in New. It
// is never logged and never part of an error or a Verdict.
//
// # Concurrency
//
// A Client is safe for concurrent use; its Select views share its state.
// Ask starts one goroutine per judge and waits for them. An identical request
// in flight runs in singleflight's goroutine, which the last caller waiting
// for it waits on when it leaves early, so no goroutine outlives every Ask.
//
// # Errors
//
// Ask fails only when its context ends (with the context's error) or the
// Question is malformed (ErrInvalidQuestion). A judge failure is a Verdict
// with Err: wrapping ErrUnusableReply, ErrAttemptTimeout,
// ErrRetryAfterTooLong, *chatapi.StatusError, a chatapi sentinel or a
// transport error. Config.Validate joins one error per bad field, each led by
// its path.
package judge
