// Package server is the gRPC adapter: it validates and converts requests,
// calls the env registry, the episode manager and the tools, and maps errors
// to status codes in one place (errors.go). It holds no benchmark logic.
//
// The server listens before the data is loaded: until Ready is called, the
// health service reports NOT_SERVING and env calls answer UNAVAILABLE
// ("loading").
//
// # Concurrency
//
// Server is safe for concurrent use. Each ScoreBatch stream owns a reader,
// a bounded set of workers and one sender, all finished before the handler
// returns.
package server
