package bwrap_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/sandbox/bwrap"
	"github.com/medarc-ai/medmarks-t/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newBackend(t testing.TB, unsafe bool) *bwrap.Backend { return sandboxtest.Bwrap(t, unsafe) }

func TestConformance(t *testing.T) {
	sandboxtest.RunConformance(t, newBackend(t, false))
}

func TestPython(t *testing.T) {
	sandboxtest.RunPython(t, newBackend(t, false))
}

func TestAttacks(t *testing.T) {
	sandboxtest.RunAttacks(t, newBackend(t, false))
}

func TestUnsafeLocalConformance(t *testing.T) {
	sandboxtest.RunConformance(t, newBackend(t, true))
}

func TestNewFailsWithoutBwrap(t *testing.T) {
	_, err := bwrap.New(context.Background(), bwrap.Settings{Logger: zap.NewNop(), Bwrap: "/nonexistent/bwrap"})
	if !errors.Is(err, bwrap.ErrUnavailable) || !errors.Is(err, sandbox.ErrUnavailable) {
		t.Fatalf("New with a missing bwrap: %v, want ErrUnavailable", err)
	}
	t.Setenv("PATH", "/nonexistent")
	_, err = bwrap.New(context.Background(), bwrap.Settings{Logger: zap.NewNop()})
	if !errors.Is(err, bwrap.ErrUnavailable) || !strings.Contains(err.Error(), "bubblewrap not found") {
		t.Fatalf("New without bwrap on PATH: %v", err)
	}
}
