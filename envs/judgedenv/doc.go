// Package judgedenv is what the judged one-turn envs share (medec,
// med_dialog, medcasereasoning): an Env that serves Reset, Restore and Score
// over an env's Spec (its prompts, inline parser and grader) and Rows (its
// loaded splits), the table-backed Rows and their loading, and Ask, which
// reads the judges' cached verdicts back.
//
// An episode is one turn: Reset shows the example, the first Step is graded
// and ends it. Its stored state is {"split", "id", "done"}. Everything that
// makes an env itself — data layout, prompts, reply parsing, rubric, compat
// mode — stays in the env's package.
//
// # Concurrency
//
// Env and Tables are safe for concurrent use: read-only after they are
// built. An episode is driven by one caller at a time.
//
// # Errors
//
// Reset of an Env without a judge fails with envs.ErrPrecondition
// (envs.NoJudge); unknown splits and examples are envs.ErrUnknownSplit and
// envs.ErrUnknownExample; a malformed inline example is the Spec's
// *envs.InputError. Whatever goes wrong while a reward is graded is a status
// in the reward.
package judgedenv
