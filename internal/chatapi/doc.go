// Package chatapi holds the OpenAI-compatible Chat Completions wire types and
// a bare HTTP client for them: one POST to {base_url}/chat/completions, no
// streaming, no retries, no rate limits. Policy (what to retry, how long to
// wait, caching) belongs to the caller, rewards/judge.
//
// Request bodies are encoded deterministically: fields in a fixed order, no
// HTML escaping, no trailing newline. The judge cache key is computed over
// these exact bytes (spec common.md §8), so Encode must never
// change its output for the same Request.
//
// # Secrets
//
// The API key given to New is sent only as an "Authorization: Bearer" header.
// It never appears in an error or an answer: any text taken from a reply
// (an error message, the answer itself, should a server echo its request) is
// scrubbed of it. An empty key sends no Authorization header.
//
// # Concurrency
//
// A Client is safe for concurrent use. Request and Response values are not.
//
// # Errors
//
// Client.Do returns *StatusError for a non-2xx reply, an error wrapping
// ErrNotChat, ErrNoChoices or ErrEmptyContent for a 2xx reply that carries no
// usable answer, and the transport's error (wrapped) for anything that kept
// the reply from arriving, including the context's.
package chatapi
