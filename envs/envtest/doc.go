// Package envtest holds the conformance suite every environment must pass
// (RunConformance) and FakeEnv, a tiny env for testing the layers above the
// envs (episode manager, server, CLI) without real data.
package envtest
