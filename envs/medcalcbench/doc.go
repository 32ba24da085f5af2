// Package medcalcbench is the medcalc_bench environment (upstream id
// medcalc-bench): MedCalc-Bench's 55 clinical calculators as an RL
// environment, specified by ../shared/spec/envs/medcalc_bench.md.
//
// Data (spec §2): one folder per dataset variant under medcalc_bench/ —
// verified/, v1.2/, v1.0/ — each with test, train and one_shot splits read
// from the original CSV files (a top-level file whose name starts with the
// split) or from Hugging Face exports (CSV, JSON Lines, parquet with the
// same column names, also under data/). The default variant is the first
// of verified, 1.2, 1.0 with a test split; option dataset_variant or a
// split written "<variant>/<split>" ("1.0/test", "verified/one_shot")
// selects another, and ListEnvs lists the splits that way. Example ids are
// the Row Number. Rows that cannot be served (an unknown calculator id, an
// empty note, question or ground truth, a ground truth or limit that does
// not parse) are skipped and counted in the load log.
// v1.0/one_shot_finalized_explanation.json is never read: one-shot
// exemplars come from the Verified one_shot split, whatever the variant.
//
// Prompts (spec §4) are the project's own wording: a system message from
// envs.SystemPrompt and one user message with the answer formats, the
// optional one-shot example of the same calculator, the patient note and
// the question; a prompt template may replace them (variables of §4.2).
//
// Scoring (spec §5–§7) is rewards/medcalc: the answer is the last
// <answer>…</answer> of the last assistant message that has one (under
// compat "medmarks": of the final message only), checked with the
// official rules; the reward is its one component, correctness.
//
// Tool mode (use_tools, spec §8): Reset offers the calculator and python
// tools as OpenAI function schemas (envs.Settings.Tools); each Step with
// tool calls runs them in the episode's own session (the episode id, kept
// in the state) and returns one role "tool" message per call, matched by
// tool_call_id, until an assistant message without calls ends the episode
// or max_turns truncates it. Malformed calls are answered with the error
// texts of §8.4 and the episode goes on; a call the sandbox cannot run
// ends the episode truncated with SANDBOX_FAILED. The session is closed
// when the episode ends or is closed.
//
// # Concurrency
//
// Env is safe for concurrent use; an episode is driven by one caller at a
// time.
//
// # Errors
//
// Bad options and splits are envs.FieldError and envs.ErrUnknownSplit /
// ErrUnknownExample; tool mode on a server without the tools, or asking
// for the python tool where it is disabled, is envs.ErrPrecondition; a
// malformed inline example is an envs.InputError naming the column.
package medcalcbench
