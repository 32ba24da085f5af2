// Package batch holds the scoring rules every env shares, for ScoreBatch,
// the unary Score and `medmarks score` alike: Scorer.Score applies the
// scoring deadline, turns malformed items into INVALID_INPUT and recovered
// panics into ErrInternal, and adds the efficiency component and the
// version; ItemReward turns a batch item's call error into its in-band
// reward. Scorer is safe for concurrent use.
package batch
