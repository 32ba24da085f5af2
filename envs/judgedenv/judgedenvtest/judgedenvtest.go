package judgedenvtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
	"github.com/medarc-ai/medmarks-t/rewards/judge/judgetest"
)

// Loaded returns a function that gives the env ctor builds over
// ../shared/datasets with set (Data filled in), built once per test binary.
func Loaded(ctor envs.Constructor, set envs.Settings) func(testing.TB) envs.Env {
	var (
		once sync.Once
		e    envs.Env
		err  error
	)
	return func(tb testing.TB) envs.Env {
		tb.Helper()
		dir := shared.Datasets(tb)
		once.Do(func() {
			set.Data = os.DirFS(dir)
			e, err = ctor(context.Background(), set)
		})
		if err != nil {
			tb.Fatal(err)
		}
		return e
	}
}

// Register registers e alone and returns its entry.
func Register(tb testing.TB, e envs.Env) *envs.Entry {
	tb.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, func(context.Context, envs.Settings) (envs.Env, error) { return e, nil })
	if err != nil {
		tb.Fatal(err)
	}
	en, err := reg.Lookup(e.Info().Name)
	if err != nil {
		tb.Fatal(err)
	}
	return en
}

// Judges builds a judge client over in-process fakes, one judge each,
// named judge1, judge2, …, making up to attempts attempts; cache nil turns
// the cache off.
func Judges(tb testing.TB, attempts int, cache judge.Cache, servers ...*judgetest.Server) *judge.Client {
	tb.Helper()
	cfg := judge.DefaultConfig()
	for i, s := range servers {
		cfg.Judges = append(cfg.Judges, judge.Endpoint{Name: fmt.Sprintf("judge%d", i+1), BaseURL: s.URL, Model: "fake-model", Timeout: 10 * time.Second})
	}
	cfg.Judge.MaxAttempts = attempts
	cfg.Judge.Cache = cache != nil
	c, err := judge.New(cfg, judge.Settings{HTTPClient: judgetest.Client(servers...), Cache: cache, Logger: zap.NewNop()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Options parses an options object or fails the test.
func Options(tb testing.TB, e *envs.Entry, opts string) envs.Values {
	return envtest.Options(tb, e, opts)
}

// Score grades completion c against a row of split, or fails the test.
func Score(tb testing.TB, e *envs.Entry, split, id string, c envs.Completion, opts string) rewards.Reward {
	tb.Helper()
	r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: split, ExampleID: id, Completion: c, Options: Options(tb, e, opts)})
	if err != nil {
		tb.Fatalf("Score(%s %s): %v", split, id, err)
	}
	return r
}

// Section returns the content of a judge prompt's tagged section, laid out
// as "<tag>\n…\n</tag>".
func Section(prompt, tag string) string {
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

// Components maps a reward's components by name.
func Components(r rewards.Reward) map[string]float64 {
	out := map[string]float64{}
	for _, c := range r.Components {
		out[c.Name] = c.Value
	}
	return out
}
