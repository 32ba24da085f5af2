// Package mcqatest holds the helpers the multiple-choice env tests share:
// the env over the real files, Score and Reset shorthands, and finding the
// letter a grader accepts as the gold.
package mcqatest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
)

var (
	mu    sync.Mutex
	built = map[string]*envs.Entry{}
)

// Real builds the env of ctor over ../shared/datasets once per test binary.
func Real(tb testing.TB, name string, ctor envs.Constructor) *envs.Entry {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if e, ok := built[name]; ok {
		return e
	}
	reg, err := envs.Build(context.Background(), envs.Settings{Data: os.DirFS(shared.Datasets(tb))}, nil, ctor)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := reg.Lookup(name)
	if err != nil {
		tb.Fatal(err)
	}
	built[name] = e
	return e
}

// Options parses an options object or fails the test.
func Options(tb testing.TB, e *envs.Entry, opts string) envs.Values {
	return envtest.Options(tb, e, opts)
}

// Score grades a text completion against a row of split.
func Score(tb testing.TB, e *envs.Entry, split, id, completion, opts string) rewards.Reward {
	tb.Helper()
	r, err := e.Env.Score(context.Background(), envs.ScoreRequest{Split: split, ExampleID: id,
		Completion: envs.TextCompletion(completion), Options: Options(tb, e, opts)})
	if err != nil {
		tb.Fatalf("Score(%s %s, %q): %v", split, id, completion, err)
	}
	return r
}

// Reset starts an episode on a row of split.
func Reset(tb testing.TB, e *envs.Entry, split, id, opts string, seed uint64) envs.Start {
	tb.Helper()
	_, st, err := e.Env.Reset(context.Background(), envs.ResetRequest{Split: split, ExampleID: id, Seed: seed, Options: Options(tb, e, opts)})
	if err != nil {
		tb.Fatalf("Reset(%s %s): %v", split, id, err)
	}
	return st
}

// GoldLetter is the letter that the grader accepts as an exact option
// (strategy 1) for the row under opts: the gold after any shuffling, found
// without reading the env's internals.
func GoldLetter(tb testing.TB, e *envs.Entry, split, id, opts string, letters string) string {
	tb.Helper()
	gold := ""
	for _, l := range letters {
		r := Score(tb, e, split, id, "<answer>"+string(l)+"</answer>", opts)
		if r.Value == 1 && strings.Contains(r.Detail, "strategy 1") {
			if gold != "" {
				tb.Fatalf("%s %s: both %s and %c accepted as the exact option", split, id, gold, l)
			}
			gold = string(l)
		}
	}
	if gold == "" {
		tb.Fatalf("%s %s: no letter accepted", split, id)
	}
	return gold
}

// WrongLetter is the letter after gold (cyclically), skipping one whose
// bare letter equals the gold text (upstream accepts it as the exact answer
// text, strategy 2, e.g. MedQA row 709 whose options are letters).
func WrongLetter(gold, goldText, letters string) string {
	i := strings.Index(letters, gold)
	for k := 1; k < len(letters); k++ {
		w := string(letters[(i+k)%len(letters)])
		if !strings.EqualFold(w, strings.TrimSpace(goldText)) {
			return w
		}
	}
	return ""
}
