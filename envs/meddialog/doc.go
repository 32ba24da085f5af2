// Package meddialog is the MedDialog environment (the HELM/MedHELM
// summarisation version of MedDialog): the model reads an online
// patient–doctor conversation and writes a one-sentence summary of the
// patient's question. The contract is ../shared/spec/envs/med_dialog.md;
// upstream's behaviour is ../shared/spec/reference.md §7 and §1.7.
//
// Data: <subset>/<split>.json files of the CodaLab bundle ({"data": [...]},
// subsets healthcaremagic and icliniq; valid.json or validation.json for
// the validation split) or the lighteval/med_dialog Hugging Face export,
// placed as <subset>/<split>….jsonl|parquet. Example ids are
// <subset>-<row index>; the options subset, dedupe and num_examples select
// rows without changing ids.
//
// Reward: the clean summary (the last assistant message after any
// </think>, never a serialized message) is rated 1–5 by the configured LLM
// judges on accuracy, completeness and clarity; each score s becomes
// (s − 1)/4, each component is the mean over the judges, and the reward is
// the components' mean. The judge's JSON is found by a string-aware scan
// for balanced objects; compat "medmarks" uses upstream's rule and scoring
// of incomplete replies (med_dialog.md §7).
//
// # Errors
//
// A judge that gives no valid verdict is the status JUDGE_FAILED, never a 0;
// Reset without a judge fails with envs.ErrPrecondition; a malformed inline
// example is an *envs.InputError.
//
// # Concurrency
//
// The env New returns, a judgedenv.Env, is safe for concurrent use; an
// episode is driven by one caller.
package meddialog
