// Package mcqa holds what the multiple-choice envs (medqa, medmcqa,
// pubmedqa) share: the env itself (Env: splits, row choice, prompts,
// extraction and grading, episodes), loading helpers, and answer-option
// shuffling (../spec/common.md §6), bit for bit Medmarks'
// randomize_multiple_choice
// (medarc_verifiers/utils/randomize_multiple_choice.py; ../spec/reference.md
// §1.5). Each env package supplies only its files, fields and user-message
// layout (Spec).
//
// Shuffling keeps the labels in place and moves the texts; the gold follows
// its text. A row's order depends only on a 64-bit generator seed:
//
//   - row mode: RowSeed(shuffle_seed, row id), upstream's per-row order;
//   - episode mode: EpisodeRowSeed(shuffle_seed, row id, episode seed);
//   - shuffle_seed -1: a fresh seed from crypto/rand, which the caller keeps
//     with the episode (Seed returns it) so a retried or restored Step grades
//     against the order the model saw.
//
// Permutation applies the skip rule (an option that refers to other labels
// stops the shuffle: RefersToLabels), keeps anchors ("All of the above":
// IsAnchor) in place and shuffles the blocks between them with CPython's
// random.shuffle (internal/pyrand). Apply does the same to labelled options
// and returns the new gold.
//
// Upstream's regexes are Python `re` patterns with Unicode \b, \s and \d and
// IGNORECASE; RefersToLabels and IsAnchor are hand-written matchers with the
// same results (testdata/shuffle.golden holds 6,500 texts checked against
// the real patterns). Character classes follow Go's Unicode tables (15.0),
// Python 3.11's are 14.0: the few letters and digits added in 15.0 may
// differ.
//
// # Concurrency
//
// Every function is safe for concurrent use, and so is Env.
package mcqa
