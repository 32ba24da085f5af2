// Package pyrand reproduces the parts of CPython's random.Random that
// Medmarks-T needs bit for bit: the MT19937 generator, seeding from a
// non-negative integer as random.seed(int) does, getrandbits(k) for k ≤ 32,
// _randbelow and random.shuffle.
//
// Parity matters because Medmarks shuffles answer options with
// random.Random(seed).shuffle (../spec/common.md §6, ../spec/reference.md
// §1.5): the same seed must give the same order in Go as in Python. The
// package follows CPython 3.11's Modules/_randommodule.c and Lib/random.py;
// those algorithms have not changed since Python 3.2 (getrandbits(0) returns
// 0 since 3.9). testdata/cpython.golden holds outputs of the real interpreter,
// made by testdata/gen.py.
//
// # Concurrency
//
// A Random is not safe for concurrent use; give each goroutine its own.
// The zero Random is not seeded: use New, NewKey, Seed or SeedKey first.
//
// # Errors
//
// There are none. Arguments outside a method's documented range (k > 32,
// n ≤ 0) are programming errors and panic, as math/rand's do.
package pyrand
