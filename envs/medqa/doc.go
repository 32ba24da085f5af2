// Package medqa is the MedQA environment: USMLE-style vignettes with four
// options, graded by the shared multiple-choice grader
// (../shared/spec/envs/medqa.md).
//
// Rows come from the original JSON Lines files
// (phrases_no_exclude_{test,train,dev}.jsonl) or the GBaker/MedQA export
// (JSONL or parquet, options a struct A–D). The example id is the row's
// position in its file; the shuffle row id is the row's "id" when present,
// else that position, and for an inline row without "id" the hash of its
// option contents (as upstream).
package medqa
