// Package sandbox runs the tools that models call: the calculator (in
// process, sandbox/calc) and python (persistent interpreters in a sandbox
// backend, sandbox/bwrap). Specs: ../spec/api.md (ToolService),
// ../spec/envs/medcalc_bench.md §8, ../spec/common.md §9.
//
// The contract: a Backend starts Sessions (one persistent interpreter
// each); a Pool maps session ids to sessions, keeps warm spares, replaces
// dead interpreters and expires idle ones; the Toolbox serves Execute
// (ToolService, `medmarks exec`) and Call (episodes) on top, in two session
// id spaces that never meet. sandbox/sandboxtest holds the conformance suite
// every backend passes, the attack suite and a fake backend.
//
// # Concurrency
//
// Toolbox, Pool and every Session are safe for concurrent use; a session
// runs one cell at a time. Pool and Toolbox own their goroutines: Start
// launches them and Shutdown (idempotent, safe without Start) stops them.
//
// # Errors
//
// What the code did — raised, ran too long, printed too much, tried a
// forbidden import — is a Result with a Status, never an error. An error
// means the call could not be served: ErrUnknownTool, ErrToolDisabled
// (FAILED_PRECONDITION), ErrExhausted (RESOURCE_EXHAUSTED), a context
// error, or an infrastructure failure wrapping ErrUnavailable (UNAVAILABLE
// in ToolService; SANDBOX_FAILED in an episode).
package sandbox
