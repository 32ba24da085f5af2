package medec_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/envs/medec"
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
	baseLogs *observer.ObservedLogs
)

// realEnv is MEDEC over ../shared/datasets, loaded once, without a judge.
func realEnv(t testing.TB) envs.Env {
	t.Helper()
	dir := shared.Datasets(t)
	baseOnce.Do(func() {
		core, logs := observer.New(zapcore.InfoLevel)
		baseLogs = logs
		base, baseErr = medec.New(context.Background(), envs.Settings{Data: os.DirFS(dir), Logger: zap.New(core)})
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	return base
}

// entry registers the real env with judge j (nil: none configured).
func entry(t testing.TB, j envs.Judge) *envs.Entry {
	t.Helper()
	e := medec.WithJudge(realEnv(t), j)
	return register(t, e)
}

func register(t testing.TB, e envs.Env) *envs.Entry {
	t.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, func(context.Context, envs.Settings) (envs.Env, error) { return e, nil })
	if err != nil {
		t.Fatal(err)
	}
	en, err := reg.Lookup(medec.Name)
	if err != nil {
		t.Fatal(err)
	}
	return en
}

// judges builds a judge client over in-process fakes, one judge each,
// named judge1, judge2, …; cache nil turns the cache off.
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

// score scores one completion of a test_ms (or other split) row.
func score(t testing.TB, e *envs.Entry, split, id, completion, opts string) rewards.Reward {
	t.Helper()
	r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: split, ExampleID: id,
		Completion: envs.TextCompletion(completion), Options: parse(t, e, opts)})
	if err != nil {
		t.Fatalf("Score(%s %s): %v", split, id, err)
	}
	return r
}

// rubricReply is a well-formed judge reply.
func rubricReply(sc, md, sa, ce bool) string {
	return fmt.Sprintf("<analysis>comparison</analysis>\n<semantically_correct>%v</semantically_correct>\n<matches_details>%v</matches_details>\n<substantive_addition>%v</substantive_addition>\n<critical_error>%v</critical_error>", sc, md, sa, ce)
}

var goodReply = rubricReply(true, true, false, false)

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

// matchingJudge answers well when the assistant's answer equals the
// reference, and with wrong otherwise.
func matchingJudge(wrong string) judgetest.Option {
	return judgetest.Reply(func(r judgetest.Request) string {
		if section(r.Prompt, "assistant_answer") == section(r.Prompt, "reference_answer") {
			return goodReply
		}
		return wrong
	})
}

// answerOf formats a completion with the three tags.
func answerOf(id, incorrect, correction string) string {
	return fmt.Sprintf("<error_id>%s</error_id>\n<incorrect_sentence>%s</incorrect_sentence>\n<correction>%s</correction>", id, incorrect, correction)
}

// comps maps a reward's components by name.
func comps(r rewards.Reward) map[string]float64 {
	out := map[string]float64{}
	for _, c := range r.Components {
		out[c.Name] = c.Value
	}
	return out
}

// failsAt reproduces judgetest.FailRandomly's failure function: whether the
// call with this attempt number for prompt fails. It must match the fake;
// the bulk tests fail when it does not.
func failsAt(seed uint64, frac float64, prompt string, attempt int) bool {
	h := fnv.New64a()
	io.WriteString(h, prompt)
	return mrand.New(mrand.NewPCG(seed, h.Sum64()+uint64(attempt))).Float64() < frac
}

// gold returns the loaded gold of a row.
func gold(t testing.TB, split, id string) medec.Gold {
	t.Helper()
	for _, g := range medec.Rows(realEnv(t), split) {
		if g.ID == id {
			return g
		}
	}
	t.Fatalf("no row %s %s", split, id)
	return medec.Gold{}
}

func demoFS(testing.TB) fs.FS { return demo.FS() }
