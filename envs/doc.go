// Package envs is the contract between the server and the benchmarks: the
// Env and Episode interfaces, chat Messages, options and their one
// validation path, prompt templates, the Registry, and the errors the server
// maps to gRPC codes.
//
// An environment is a folder under envs/ plus one line in
// cmd/medmarks/registry.go; nothing here knows about gRPC or the store.
//
// # Concurrency
//
// Env implementations and the Registry are safe for concurrent use after
// construction. An Episode is driven by one caller at a time: the episode
// manager serialises its calls.
//
// # Errors
//
// Call errors are the sentinels and types of errors.go (unknown env, example
// or episode; FieldError for a bad field; ErrEpisodeDone; ErrPrecondition;
// ErrExhausted; ErrUnavailable). Anything that goes wrong while a reward is
// computed is a rewards.Status in the returned Reward, never an error.
package envs
