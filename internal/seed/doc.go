// Package seed turns request seeds into choices (../spec/common.md §1
// rule 3): SplitMix64 maps a Reset seed to a row position, and Fresh draws
// a seed when the caller gave none, so that it can be returned and the
// choice reproduced.
//
// It is separate from internal/pyrand because it has nothing to do with
// CPython: SplitMix64 is this project's rule, not upstream's.
//
// # Concurrency
//
// Every function is safe for concurrent use.
package seed
