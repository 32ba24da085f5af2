package judge

import "sync/atomic"

// Stats counts what a judge (or all of them) did since New.
type Stats struct {
	// Hits are verdicts served from the cache; Misses are cache lookups
	// that led to calling the judge; Shared are verdicts taken from an
	// identical request already in flight.
	Hits, Misses, Shared int64
	// Calls are HTTP requests sent, retries included.
	Calls int64
	// Valid and Failed count the verdicts Ask returned (hits included).
	Valid, Failed int64
	// PromptTokens and CompletionTokens sum the usage judges reported.
	PromptTokens, CompletionTokens int64
}

func (s Stats) add(o Stats) Stats {
	s.Hits += o.Hits
	s.Misses += o.Misses
	s.Shared += o.Shared
	s.Calls += o.Calls
	s.Valid += o.Valid
	s.Failed += o.Failed
	s.PromptTokens += o.PromptTokens
	s.CompletionTokens += o.CompletionTokens
	return s
}

// counters is the live, concurrently updated form of Stats.
type counters struct {
	hits, misses, shared, calls, valid, failed, prompt, completion atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Shared: c.shared.Load(),
		Calls: c.calls.Load(), Valid: c.valid.Load(), Failed: c.failed.Load(),
		PromptTokens: c.prompt.Load(), CompletionTokens: c.completion.Load(),
	}
}
