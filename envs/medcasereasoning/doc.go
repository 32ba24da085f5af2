// Package medcasereasoning is the MedCaseReasoning environment: the model
// reads a clinical case presentation taken from a published case report and
// names the final diagnosis inside <answer>…</answer>; an LLM judge says
// whether it matches the true diagnosis. The contract is
// ../shared/spec/envs/medcasereasoning.md; upstream's behaviour is
// ../shared/spec/reference.md §8.
//
// Data: the zou-lab/MedCaseReasoning Hugging Face files (parquet or JSON
// Lines, splits val, test, train; "validation" is read as val) and the
// project's synthetic fixture synthetic_val.jsonl. The default split is val,
// else the first loaded of test, synthetic_val, train. Example ids are the
// pmcid.
//
// Reward: diagnosis_correct, 1 when the judge's reply says yes, the mean
// over judges. The verdict is the first whole word yes or no of the reply;
// compat "medmarks" uses upstream's substring rule (a reply containing "no"
// anywhere, as in "diagnosis", scores 0) and judges an empty answer.
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
package medcasereasoning
