package medcasereasoning_test

import (
	"context"
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
	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
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

// realEnv is the env over ../shared/datasets (the synthetic fixture).
func realEnv(t testing.TB) envs.Env {
	t.Helper()
	dir := shared.Datasets(t)
	baseOnce.Do(func() {
		base, baseErr = medcasereasoning.New(context.Background(), envs.Settings{Data: os.DirFS(dir)})
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	return base
}

func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	return register(t, medcasereasoning.WithJudge(realEnv(t), j))
}

func register(t testing.TB, e envs.Env) *envs.Entry {
	t.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, func(context.Context, envs.Settings) (envs.Env, error) { return e, nil })
	if err != nil {
		t.Fatal(err)
	}
	en, err := reg.Lookup(medcasereasoning.Name)
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

func score(t testing.TB, e *envs.Entry, id, completion, opts string) rewards.Reward {
	t.Helper()
	r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: "synthetic_val", ExampleID: id,
		Completion: envs.TextCompletion(completion), Options: parse(t, e, opts)})
	if err != nil {
		t.Fatalf("Score(%s): %v", id, err)
	}
	return r
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

// matchingJudge says yes when the prediction equals the true diagnosis
// (case-insensitively), no otherwise.
func matchingJudge() judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if strings.EqualFold(section(r.Prompt, "predicted_diagnosis"), section(r.Prompt, "true_diagnosis")) {
			return "Yes"
		}
		return "No."
	})
}

func answer(dx string) string { return "<think>\nreasoning\n</think>\n<answer>\n" + dx + "\n</answer>" }

// failsAt reproduces judgetest.FailRandomly's failure function; the bulk
// test fails when it does not match the fake.
func failsAt(seed uint64, frac float64, prompt string, attempt int) bool {
	h := fnv.New64a()
	io.WriteString(h, prompt)
	return mrand.New(mrand.NewPCG(seed, h.Sum64()+uint64(attempt))).Float64() < frac
}

func rowOf(t testing.TB, id string) medcasereasoning.Row {
	t.Helper()
	for _, r := range medcasereasoning.Rows(realEnv(t), "synthetic_val") {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no row %s", id)
	return medcasereasoning.Row{}
}
