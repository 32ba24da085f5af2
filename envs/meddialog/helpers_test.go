package meddialog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	mrand "math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	baseOnce sync.Once
	base     envs.Env
	baseErr  error
)

// realEnv is MedDialog over ../shared/datasets, loaded once, no judge.
func realEnv(t testing.TB) envs.Env {
	t.Helper()
	dir := shared.Datasets(t)
	baseOnce.Do(func() {
		base, baseErr = meddialog.New(context.Background(), envs.Settings{Data: os.DirFS(dir)})
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	return base
}

func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	return register(t, meddialog.WithJudge(realEnv(t), j))
}

func register(t testing.TB, e envs.Env) *envs.Entry {
	t.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, func(context.Context, envs.Settings) (envs.Env, error) { return e, nil })
	if err != nil {
		t.Fatal(err)
	}
	en, err := reg.Lookup(meddialog.Name)
	if err != nil {
		t.Fatal(err)
	}
	return en
}

// judges builds a judge client over in-process fakes named judge1, …;
// cache nil turns the cache off.
func judges(t testing.TB, attempts int, cache judge.Cache, servers ...*judgetest.Server) *judge.Client {
	t.Helper()
	cfg := judge.DefaultConfig()
	for i, s := range servers {
		cfg.Judges = append(cfg.Judges, judge.Endpoint{Name: fmt.Sprintf("judge%d", i+1), BaseURL: s.URL, Model: "fake-model", Timeout: 10 * time.Second})
	}
	cfg.Judge.MaxAttempts = attempts
	cfg.Judge.Cache = cache != nil
	c, err := judge.New(cfg, judge.Settings{HTTPClient: judgetest.Client(servers...), Cache: cache, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func parse(t testing.TB, e *envs.Entry, opts string) envs.Values {
	t.Helper()
	v, err := e.Options.Parse(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func scoreC(t testing.TB, e *envs.Entry, id string, c envs.Completion, opts string) rewards.Reward {
	t.Helper()
	r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "test", ExampleID: id, Completion: c, Options: parse(t, e, opts)})
	if err != nil {
		t.Fatalf("Score(%s): %v", id, err)
	}
	return r
}

func score(t testing.TB, e *envs.Entry, id, completion, opts string) rewards.Reward {
	t.Helper()
	return scoreC(t, e, id, envs.TextCompletion(completion), opts)
}

// verdict is a judge reply with three scores (JSON values, so "4" and 3.5
// can be written).
func verdict(a, c, l any) string {
	b, _ := json.Marshal(map[string]any{
		"accuracy":     map[string]any{"explanation": "acc.", "score": a},
		"completeness": map[string]any{"explanation": "comp.", "score": c},
		"clarity":      map[string]any{"explanation": "clar.", "score": l},
	})
	return string(b)
}

// section returns the content of a judge prompt's tagged section.
func section(prompt, tag string) string {
	_, after, ok := strings.Cut(prompt, "<"+tag+">\n")
	if !ok {
		return "<no section>"
	}
	in, _, ok := strings.Cut(after, "\n</"+tag+">")
	if !ok {
		return "<unclosed section>"
	}
	return in
}

// matchingJudge gives 5s when the response equals the reference, 1s
// otherwise.
func matchingJudge() judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if section(r.Prompt, "response") == section(r.Prompt, "gold_response") {
			return verdict(5, 5, 5)
		}
		return verdict(1, 1, 1)
	})
}

func comps(r rewards.Reward) map[string]float64 {
	out := map[string]float64{}
	for _, c := range r.Components {
		out[c.Name] = c.Value
	}
	return out
}

// failsAt reproduces judgetest.FailRandomly's failure function; the bulk
// test fails when it does not match the fake.
func failsAt(seed uint64, frac float64, prompt string, attempt int) bool {
	h := fnv.New64a()
	io.WriteString(h, prompt)
	return mrand.New(mrand.NewPCG(seed, h.Sum64()+uint64(attempt))).Float64() < frac
}

func rowOf(t testing.TB, id string) meddialog.Row {
	t.Helper()
	for _, r := range meddialog.Rows(realEnv(t), "test") {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no row %s", id)
	return meddialog.Row{}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
