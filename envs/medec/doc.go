// Package medec is the MEDEC environment (MEDIQA-CORR 2024, MS collection):
// a clinical text, one numbered sentence per line, is either correct or holds
// exactly one medical error; the model names the sentence and corrects it.
// The contract is ../shared/spec/envs/medec.md; upstream's behaviour is
// ../shared/spec/reference.md §6.
//
// Data: the MEDEC-MS CSV files (test_ms, validation_ms, train) or the
// sauravlmx/MEDEC-MS Hugging Face export (parquet, JSON Lines), one row per
// text; blank rows and rows whose flag and sentence id disagree are skipped
// and counted; line ends are normalised to \n.
//
// Reward: error_flag × ¼ + error_sentence × ¼ + error_correction × ½. The
// flag and sentence components are exact comparisons of the parsed
// <error_id> with the gold; the correction of the right sentence is graded
// by the configured LLM judges on the four-question rubric, the judge seeing
// the real narrative with the erroneous sentence replaced by a placeholder
// (upstream sends an empty context). Option compat "medmarks" reproduces
// upstream's scoring rules side by side (medec.md §7).
//
// # Errors
//
// A judge that gives no valid verdict is the status JUDGE_FAILED (the flag
// and sentence components still reported), never a 0; Reset without a judge
// configured fails with envs.ErrPrecondition. A malformed inline example is
// an *envs.InputError.
//
// # Concurrency
//
// The env New returns, a judgedenv.Env, is safe for concurrent use; an
// episode is driven by one caller.
package medec
