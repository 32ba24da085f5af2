// Package sandboxtest holds the conformance suite every sandbox.Backend
// passes (RunConformance), the Python behaviour suite of
// envs/medcalc_bench.md §8.3 (RunPython), the attack suite of §8.6
// (RunAttacks), which runs through a real sandbox and checks the host after
// each attack, and Fake, an in-memory backend for tests of code above the
// backend (Pool, Toolbox, episodes).
package sandboxtest
