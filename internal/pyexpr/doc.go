// Package pyexpr evaluates small arithmetic expressions with CPython's
// semantics and formats results as CPython does.
//
// It is shared by the calculator tool (sandbox/calc, spec
// envs/medcalc_bench.md §8.2) and MedCalc's str() answer branch
// (envs/medcalc_bench.md §5.5). What it reproduces:
//
//   - Integers are exact (math/big) up to a bit limit; "/" is true division,
//     correctly rounded also for large integers; "//" and "%" floor as Python
//     does; int ** non-negative int stays an integer.
//   - Floats follow CPython's float_pow, float_rem and float_floor_div rules,
//     including signed zeros, inf and nan, and the errors CPython raises.
//   - sin, cos, tan, exp, log, log10 and float ** float are computed in
//     double-double arithmetic (about 100 bits) and rounded once, so they give
//     the correctly rounded result, which is what glibc's libm (and so
//     CPython) returns on nearly every input. Go's math package is off by
//     one ulp on a few percent of inputs and is not used for these.
//   - FormatFloat is Python's repr(float) / str(float).
//
// The grammar is a fixed subset of Python's expression grammar; which names,
// functions and operators are available is set by an Env.
//
// # Concurrency
//
// Everything here is safe for concurrent use; an Env is read-only once built.
//
// # Errors
//
// Evaluation errors are *Error values whose Kind says which Python exception
// (or which refusal of this package) it corresponds to; callers map kinds to
// their own texts. Nothing here panics on any input.
package pyexpr
