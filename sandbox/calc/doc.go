// Package calc is the calculator tool of envs/medcalc_bench.md §8.2: one
// arithmetic expression in, CPython's str(float(value)) or an error text
// out. It runs in process on internal/pyexpr; there is no interpreter to
// escape and nothing that can fail for infrastructure reasons.
//
// # Concurrency
//
// A Calculator is safe for concurrent use.
package calc
