// Package mcq is the multiple-choice grader shared by MedQA, MedMCQA and
// PubMedQA (../spec/common.md §5): given the answer extracted from a
// completion (package extract, §4), the gold label and the options' texts,
// Grade decides right or wrong and names the strategy that decided.
//
// Its verdicts are bit-for-bit those of Medmarks' multiple_choice_accuracy
// with default arguments (upstream medarc_verifiers/rewards/
// multiple_choice_accuracy.py), which the tests check against the 120 vectors
// of ../spec/mcq_grader_vectors.jsonl, every call of upstream's unit tests and
// a sample of responses graded by upstream. With Options.Guard it adds the
// answer-text guard of step 17, which stops a response that lists several
// options' texts from scoring through strategy 7.
//
// Reproducing Python exactly takes some machinery, each piece in its file:
//
//   - re.go: a backtracking regex engine with Python re semantics (Unicode
//     \w \s \d, look-arounds, first-match order, IGNORECASE folding) that
//     remembers failed states, so it is linear in the input and never times
//     out; patterns.go holds upstream's patterns.
//   - normalize.go, pyunicode.go: NFKC, the punctuation map and full case
//     folding (x/text), and Python's character classes, splitlines and
//     strip.
//   - tex.go, textables.go: a port of what pylatexenc 2.10's LatexNodes2Text
//     does to TeX-looking answers (step 4), including where it fails and
//     upstream keeps the text.
//   - grade.go, validity.go, answertext.go: steps 1–18.
//
// Offsets are code points, as in Python: the response is held as []rune.
//
// # Concurrency
//
// Grade is safe for concurrent use. Scratch space comes from a sync.Pool, so
// after warm-up grading an extracted answer allocates nothing and a 2 KB
// free-text response a few buffers.
//
// # Errors
//
// Grade never fails and never panics on input. The one configuration error,
// a gold label that is neither one letter nor digits, makes every answer
// wrong; Question.Validate reports it (ErrBadLabel) so envs can reject such
// rows when they load.
package mcq
