package judge_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// config is one judge at url, 3 attempts, cache off; muts adjust it.
func config(url string, muts ...func(*judge.Config)) judge.Config {
	cfg := judge.DefaultConfig()
	cfg.Judges = []judge.Endpoint{{Name: "j1", BaseURL: url, Model: "fake-model"}}
	cfg.Judge.MaxAttempts = 3
	cfg.Judge.Cache = false
	for _, m := range muts {
		m(&cfg)
	}
	return cfg
}

func withCache(cfg *judge.Config) { cfg.Judge.Cache = true }

func newClient(t testing.TB, cfg judge.Config, set judge.Settings) *judge.Client {
	t.Helper()
	c, err := judge.New(cfg, set)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// inProcess builds a client for one in-process fake judge.
func inProcess(t testing.TB, j *judgetest.Server, muts ...func(*judge.Config)) *judge.Client {
	t.Helper()
	return newClient(t, config(j.URL, muts...), judge.Settings{HTTPClient: j.Client()})
}

var errNoVerdict = errors.New("no yes/no verdict in reply")

// yesNo is a parser in the style of MedCaseReasoning's: "yes" or "no" only.
func yesNo(reply string) error {
	if reply != "yes" && reply != "no" {
		return errNoVerdict
	}
	return nil
}

func question(prompt string) judge.Question {
	return judge.Question{Prompt: prompt, Parser: "test@1", Check: yesNo}
}

// askOne asks c (one judge) and returns its verdict; an Ask error fails t.
func askOne(t testing.TB, c *judge.Client, q judge.Question) judge.Verdict {
	t.Helper()
	vs, err := c.Ask(context.Background(), q)
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	if len(vs) != 1 {
		t.Fatalf("Ask returned %d verdicts, want 1", len(vs))
	}
	return vs[0]
}

// observed returns a Debug-level logger and what it records.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
