// Package judgetest provides a fake OpenAI-compatible judge for tests and
// benchmarks, and an in-memory judge.Cache.
//
// New starts the fake on an httptest server; NewInProcess makes one without
// a listener, reached only through Server.Client, whose transport calls the
// handler directly. The in-process form starts no goroutine, so it works
// inside a testing/synctest bubble, where waits (latency, backoff,
// Retry-After, rate limits) take no real time.
//
// Faults are functional options and combine: Latency, then Hang, then
// RateLimited and Status for the first n calls, then FailRandomly, then
// Garbage; a call no fault takes is answered well with Reply's text. The
// server records every call (Requests, Calls, MaxInFlight).
//
//	j := judgetest.New(t, judgetest.RateLimited(1, "2"), judgetest.Reply(func(judgetest.Request) string { return "yes" }))
//	cfg.Judges = []judge.Endpoint{{Name: "j", BaseURL: j.URL, Model: "fake"}}
//
// # Concurrency
//
// Server and Cache are safe for concurrent use.
package judgetest
