// Package episodes keeps the live episodes of the server: it creates them
// through the env registry, serialises the calls on each one, writes every
// episode through to the store before a Reset or Step returns (so a server
// killed with SIGKILL and restarted continues them), makes a retried Step
// safe (../spec/common.md §9), applies the generic parts of a final reward
// (deadline, efficiency, version) and expires idle episodes.
//
// # Concurrency
//
// Manager is safe for concurrent use; calls on one episode are serialised,
// calls on different episodes run in parallel. Start runs the reaper;
// Shutdown stops it and closes every live episode.
package episodes
