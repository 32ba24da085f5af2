package sandboxtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

// TestLimits are short limits for suites: 2 s cells, 256 MiB memory.
func TestLimits() sandbox.Limits {
	lim := sandbox.DefaultLimits()
	lim.CellTime = 2 * time.Second
	lim.CellCPU = 2 * time.Second
	lim.MemoryBytes = 256 << 20
	lim.TmpBytes = 16 << 20
	lim.FileBytes = 16 << 20
	return lim
}

func newSession(t *testing.T, b sandbox.Backend, lim sandbox.Limits) sandbox.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := b.NewSession(ctx, lim)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func run(t *testing.T, s sandbox.Session, code string) sandbox.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := s.Exec(ctx, code)
	if err != nil {
		t.Fatalf("Exec(%q): %v", code, err)
	}
	return r
}

func isDone(s sandbox.Session) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

// RunConformance checks the Session contract on b, using only code that the
// Fake understands too.
func RunConformance(t *testing.T, b sandbox.Backend) {
	lim := TestLimits()
	t.Run("state_persists", func(t *testing.T) {
		s := newSession(t, b, lim)
		if r := run(t, s, "x = 5"); r.Status != sandbox.OK || r.Output != "" {
			t.Fatalf("x = 5: %v %q", r.Status, r.Output)
		}
		if r := run(t, s, "print(x * 2)"); r.Status != sandbox.OK || r.Output != "10\n" {
			t.Fatalf("print(x * 2): %v %q", r.Status, r.Output)
		}
	})
	t.Run("sessions_are_separate", func(t *testing.T) {
		a, c := newSession(t, b, lim), newSession(t, b, lim)
		run(t, a, "secret = 31337")
		r := run(t, c, "print(secret)")
		if r.Status != sandbox.Error || r.Output != "Error: NameError: name 'secret' is not defined (line 1)\n"+hint {
			t.Fatalf("other session: %v %q", r.Status, r.Output)
		}
	})
	t.Run("error_keeps_session", func(t *testing.T) {
		s := newSession(t, b, lim)
		run(t, s, "y = 3")
		r := run(t, s, "print(1)\nraise ValueError('boom')")
		if r.Status != sandbox.Error || r.Output != "1\nError: ValueError: boom (line 2)\n" {
			t.Fatalf("raise: %v %q", r.Status, r.Output)
		}
		if r := run(t, s, "print(y)"); r.Output != "3\n" || isDone(s) {
			t.Fatalf("after error: %q", r.Output)
		}
	})
	t.Run("timeout_ends_interpreter", func(t *testing.T) {
		s := newSession(t, b, lim)
		r := run(t, s, "while True: pass")
		if r.Status != sandbox.Timeout || r.Output != "Error: the code ran longer than 2 s and was stopped; the interpreter was restarted and earlier variables are gone.\n" {
			t.Fatalf("timeout: %v %q", r.Status, r.Output)
		}
		select {
		case <-s.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("Done not closed after a timeout")
		}
		if _, err := s.Exec(context.Background(), "print(1)"); !errors.Is(err, sandbox.ErrUnavailable) {
			t.Fatalf("Exec on a dead session: %v, want ErrUnavailable", err)
		}
	})
	t.Run("context_cancel_stops_cell", func(t *testing.T) {
		s := newSession(t, b, lim)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		if _, err := s.Exec(ctx, "while True: pass"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Exec with an ended ctx: %v", err)
		}
		<-s.Done()
	})
	t.Run("close_idempotent", func(t *testing.T) {
		s := newSession(t, b, lim)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		<-s.Done()
		if _, err := s.Exec(context.Background(), "print(1)"); !errors.Is(err, sandbox.ErrUnavailable) {
			t.Fatalf("Exec after Close: %v, want an error wrapping ErrUnavailable", err)
		}
	})
	t.Run("concurrent_calls_serialize", func(t *testing.T) {
		s := newSession(t, b, lim)
		run(t, s, "z = 7")
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				r, err := s.Exec(context.Background(), "print(z)")
				if err != nil || r.Output != "7\n" {
					errs <- r.Output
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("concurrent Exec gave %q", e)
		}
	})
}
