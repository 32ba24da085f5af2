package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
	"github.com/medarc-ai/medmarks-t/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testConfig() sandbox.Config {
	cfg := sandbox.DefaultConfig()
	cfg.MaxSessions = 2
	cfg.WarmSpares = 1
	cfg.SessionTTL = time.Minute
	cfg.QueueTimeout = 5 * time.Second
	cfg.Limits = sandboxtest.TestLimits()
	return cfg
}

func newToolbox(t *testing.T, f *sandboxtest.Fake) *sandbox.Toolbox {
	t.Helper()
	tb, err := sandbox.NewToolbox(testConfig(), f, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Shutdown(context.Background()) })
	return tb
}

func execute(t *testing.T, tb *sandbox.Toolbox, code, session string) sandbox.Result {
	t.Helper()
	r, err := tb.Execute(context.Background(), sandbox.Python, code, session)
	if err != nil {
		t.Fatalf("Execute(%q): %v", code, err)
	}
	return r
}

func TestFakeConformance(t *testing.T) {
	sandboxtest.RunConformance(t, &sandboxtest.Fake{})
}

func TestToolboxSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &sandboxtest.Fake{}
		tb := newToolbox(t, f)
		if err := tb.Ready(context.Background()); err != nil {
			t.Fatal(err)
		}
		execute(t, tb, "x = 5", "a")
		if r := execute(t, tb, "print(x * 2)", "a"); r.Output != "10\n" {
			t.Fatalf("persisted: %q", r.Output)
		}
		// An empty id is a throwaway interpreter.
		execute(t, tb, "y = 1", "")
		if r := execute(t, tb, "print(y)", ""); r.Status != sandbox.Error {
			t.Fatalf("throwaway kept state: %q", r.Output)
		}
		// Episode ids and ToolService ids never meet.
		r, err := tb.Call(context.Background(), "a", sandbox.Python, "print(x)")
		if err != nil || r.Status != sandbox.Error {
			t.Fatalf("episode reached a ToolService session: %v %q", err, r.Output)
		}
		// Full: ToolService fails at once.
		tb.CloseEpisode(context.Background(), "a")
		execute(t, tb, "z = 1", "b")
		if _, err := tb.Execute(context.Background(), sandbox.Python, "print(1)", "c"); !errors.Is(err, sandbox.ErrExhausted) {
			t.Fatalf("third session: %v, want ErrExhausted", err)
		}
		// An episode call waits for a slot, up to QueueTimeout.
		if _, err := tb.Call(context.Background(), "e1", sandbox.Python, "print(1)"); !errors.Is(err, sandbox.ErrExhausted) {
			t.Fatalf("queued episode call: %v, want ErrExhausted after the queue timeout", err)
		}
		done := make(chan sandbox.Result)
		go func() {
			r, _ := tb.Call(context.Background(), "e1", sandbox.Python, "print(2)")
			done <- r
		}()
		synctest.Wait()
		tb.CloseSession(context.Background(), "b")
		if r := <-done; r.Output != "2\n" {
			t.Fatalf("queued call after a slot freed: %q", r.Output)
		}
		// Idle expiry: the next call starts fresh, led by the restart note.
		time.Sleep(2 * time.Minute) // virtual time inside the bubble
		synctest.Wait()
		r = execute(t, tb, "print(x)", "a")
		if !strings.HasPrefix(r.Output, sandbox.RestartNote+"Error: NameError") {
			t.Fatalf("after expiry: %q", r.Output)
		}
		if r := execute(t, tb, "print(1)", "a"); r.Output != "1\n" {
			t.Fatalf("note repeated: %q", r.Output)
		}
	})
}

func TestToolboxDeadInterpreter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &sandboxtest.Fake{}
		tb := newToolbox(t, f)
		execute(t, tb, "x = 1", "s")
		// A timeout reports the restart itself; the next call has no note.
		if r := execute(t, tb, "while True: pass", "s"); r.Status != sandbox.Timeout {
			t.Fatalf("timeout: %v", r.Status)
		}
		if r := execute(t, tb, "print(x)", "s"); !strings.HasPrefix(r.Output, "Error: NameError") {
			t.Fatalf("after timeout: %q", r.Output)
		}
		// Found dead between calls: replaced, with the note.
		f.Kill()
		if r := execute(t, tb, "print(3)", "s"); r.Output != sandbox.RestartNote+"3\n" {
			t.Fatalf("after a crash between calls: %q", r.Output)
		}
	})
}

func TestToolboxBackendDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &sandboxtest.Fake{}
		boom := errors.New("boom")
		f.Fail.Store(&boom)
		tb := newToolbox(t, f)
		_, err := tb.Execute(context.Background(), sandbox.Python, "print(1)", "s")
		if !errors.Is(err, sandbox.ErrUnavailable) || errors.Is(err, sandbox.ErrExhausted) {
			t.Fatalf("backend down: %v, want ErrUnavailable", err)
		}
		// The calculator never depends on the backend.
		r, err := tb.Execute(context.Background(), sandbox.Calculator, "2 ^ 10", "")
		if err != nil || r.Output != "1024.0" || r.Status != sandbox.OK {
			t.Fatalf("calculator: %v %v", r, err)
		}
	})
}

func TestToolboxDisabledPython(t *testing.T) {
	tb, err := sandbox.NewToolbox(testConfig(), nil, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Execute(context.Background(), sandbox.Python, "print(1)", ""); !errors.Is(err, sandbox.ErrToolDisabled) {
		t.Fatalf("python without backend: %v", err)
	}
	if _, err := tb.Execute(context.Background(), "shell", "ls", ""); !errors.Is(err, sandbox.ErrUnknownTool) {
		t.Fatalf("unknown tool: %v", err)
	}
	if specs := tb.Specs(); len(specs) != 1 || specs[0].Name != sandbox.Calculator {
		t.Fatalf("specs: %v", specs)
	}
	if err := tb.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestToolboxCodeTooLong(t *testing.T) {
	tb := newToolbox(t, &sandboxtest.Fake{})
	r, err := tb.Execute(context.Background(), sandbox.Python, strings.Repeat("#", 65537), "")
	if err != nil || r.Status != sandbox.Rejected || r.Output != "Error: code longer than 65536 bytes\n" {
		t.Fatalf("got %v %q %v", r.Status, r.Output, err)
	}
}

func TestSpecs(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(sandbox.PythonSpec(10*time.Second).JSON, &got); err != nil {
		t.Fatal(err)
	}
	fn := got["function"].(map[string]any)
	if fn["name"] != "python" || !strings.HasSuffix(fn["description"].(string), "at most 10 seconds.") {
		t.Fatalf("python spec: %v", fn)
	}
	want := `{"type":"function","function":{"name":"calculator","description":"Evaluate one arithmetic expression and return its value as a decimal number. Operators: + - * / // % and ** (^ also means power), with parentheses. Functions: sqrt, sin, cos, tan (radians), log (natural; log(x, base) for another base), log10, exp, abs, round. Constants: pi, e. At most 200 characters.","parameters":{"type":"object","properties":{"expression":{"type":"string","description":"The expression to evaluate, for example (140 - 87) * 48 / (72 * 1.4)"}},"required":["expression"],"additionalProperties":false}}}`
	if got := string(sandbox.CalculatorSpec().JSON); got != want {
		t.Fatalf("calculator spec:\n%s\nwant\n%s", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := sandbox.DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	cfg := sandbox.DefaultConfig()
	cfg.Backend = "docker"
	cfg.MaxSessions = 0
	cfg.Limits.MemoryBytes = 1
	err := cfg.Validate()
	for _, field := range []string{"backend:", "max_sandbox_sessions:", "limits.memory_bytes:"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate: %v, want a failure naming %s", err, field)
		}
	}
}
