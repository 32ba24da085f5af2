// Package batch scores items for ScoreBatch, the unary Score and `medmarks
// score`: Score applies the rules every env shares (scoring deadline,
// malformed items as INVALID_INPUT, recovered panics, efficiency, version),
// and Run scores a stream of items with a bounded set of workers.
//
// # Concurrency
//
// Run owns its workers and returns only after all of them have stopped.
package batch
