package envtest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// Suite describes an env to RunConformance.
type Suite struct {
	// Entry is the env as registered (envs.Build).
	Entry *envs.Entry
	// Options is the options JSON used for every episode ("" = defaults).
	Options string
	// Gold returns the assistant messages that finish the episode begun by
	// start with reward 1; Wrong, with reward 0. Each message is one Step.
	Gold, Wrong func(tb testing.TB, start envs.Start) []envs.Message
}

// RunConformance checks the contract every env must keep: its info and
// defaults, determinism per seed, gold 1 and wrong 0 both by episode and by
// Score, Restore mid-episode matching a straight run, errors naming what is
// wrong, ErrEpisodeDone, an idempotent Close, and concurrent use (run the
// tests with -race).
func RunConformance(t *testing.T, s Suite) {
	ctx := context.Background()
	e := s.Entry
	opts, err := e.Options.Parse(s.Options)
	if err != nil {
		t.Fatalf("options %s: %v", s.Options, err)
	}

	t.Run("info", func(t *testing.T) {
		info := e.Env.Info()
		if info.Name == "" || info.Name != e.Name() {
			t.Errorf("Info().Name = %q, entry %q", info.Name, e.Name())
		}
		defaults := 0
		for _, sp := range info.Splits {
			if sp.Default {
				defaults++
			}
			if sp.Rows <= 0 {
				t.Errorf("split %s has %d rows", sp.Name, sp.Rows)
			}
		}
		if len(info.Splits) > 0 && defaults != 1 {
			t.Errorf("%d default splits, want 1", defaults)
		}
		var sum float64
		for _, c := range info.Components {
			sum += c.Weight
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("component weights sum to %v, want 1", sum)
		}
		eff := map[string]bool{}
		for _, o := range e.Options.Effective() {
			eff[o.Name] = true
		}
		for _, c := range envs.CommonOptions() {
			if !eff[c.Name] {
				t.Errorf("common option %s missing from the effective options", c.Name)
			}
		}
	})

	reset := func(t testing.TB, req envs.ResetRequest) (envs.Episode, envs.Start) {
		t.Helper()
		req.Options = opts
		ep, st, err := e.Env.Reset(ctx, req)
		if err != nil {
			t.Fatalf("Reset(%+v): %v", req, err)
		}
		return ep, st
	}
	run := func(t testing.TB, ep envs.Episode, msgs []envs.Message) rewards.Reward {
		t.Helper()
		for i, m := range msgs {
			res, err := ep.Step(ctx, m)
			if err != nil {
				t.Fatalf("Step %d: %v", i+1, err)
			}
			last := i == len(msgs)-1
			if done := res.Terminated || res.Truncated; done != last {
				t.Fatalf("Step %d of %d: done = %v", i+1, len(msgs), done)
			}
			if last {
				if res.Reward == nil {
					t.Fatal("final Step without a Reward")
				}
				return *res.Reward
			}
		}
		t.Fatal("no messages to step")
		return rewards.Reward{}
	}

	t.Run("determinism", func(t *testing.T) {
		for _, seed := range []uint64{0, 1, 42, 1 << 63} {
			_, a := reset(t, envs.ResetRequest{Seed: seed})
			_, b := reset(t, envs.ResetRequest{Seed: seed})
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("seed %d: two Resets differ:\n%+v\n%+v", seed, a, b)
			}
			_, c := reset(t, envs.ResetRequest{Seed: seed, ExampleID: a.ExampleID})
			if !reflect.DeepEqual(a.Observation, c.Observation) {
				t.Fatalf("seed %d: Reset by id %s differs from Reset by seed", seed, a.ExampleID)
			}
		}
	})

	t.Run("gold and wrong", func(t *testing.T) {
		for _, seed := range []uint64{3, 7, 11} {
			for _, tt := range []struct {
				name  string
				msgs  func(testing.TB, envs.Start) []envs.Message
				value float64
			}{{"gold", s.Gold, 1}, {"wrong", s.Wrong, 0}} {
				ep, st := reset(t, envs.ResetRequest{Seed: seed})
				msgs := tt.msgs(t, st)
				r := run(t, ep, msgs)
				if r.Status != rewards.Scored || r.Value != tt.value {
					t.Errorf("%s on %s: reward %v %v (%s), want %v", tt.name, st.ExampleID, r.Status, r.Value, r.Detail, tt.value)
				}
				var seedp *uint64
				if opts.String("shuffle_mode") == "episode" {
					seedp = &seed
				}
				sr, err := e.Env.Score(ctx, envs.ScoreRequest{Split: st.Split, ExampleID: st.ExampleID, Completion: envs.Completion{Messages: msgs}, Options: opts, Seed: seedp})
				if err != nil {
					t.Fatalf("Score: %v", err)
				}
				if sr.Status != rewards.Scored || sr.Value != tt.value {
					t.Errorf("Score %s on %s: %v %v (%s), want %v", tt.name, st.ExampleID, sr.Status, sr.Value, sr.Detail, tt.value)
				}
				if _, err := ep.Step(ctx, msgs[len(msgs)-1]); !errors.Is(err, envs.ErrEpisodeDone) {
					t.Errorf("Step after the end: %v, want ErrEpisodeDone", err)
				}
				if err := ep.Close(ctx); err != nil {
					t.Errorf("Close: %v", err)
				}
				if err := ep.Close(ctx); err != nil {
					t.Errorf("second Close: %v", err)
				}
			}
		}
	})

	t.Run("restore", func(t *testing.T) {
		ep, st := reset(t, envs.ResetRequest{Seed: 5})
		msgs := s.Gold(t, st)
		straight := run(t, ep, msgs)
		for cut := 0; cut < len(msgs); cut++ {
			ep, _ := reset(t, envs.ResetRequest{Seed: 5})
			for _, m := range msgs[:cut] {
				if _, err := ep.Step(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			state, err := ep.State()
			if err != nil {
				t.Fatal(err)
			}
			_ = ep.Close(ctx)
			back, err := e.Env.Restore(ctx, state, opts)
			if err != nil {
				t.Fatalf("Restore after %d steps: %v", cut, err)
			}
			got := run(t, back, msgs[cut:])
			if !reflect.DeepEqual(got, straight) {
				t.Errorf("restored after %d steps: %+v, straight run %+v", cut, got, straight)
			}
			_ = back.Close(ctx)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		_, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "no-such-example-id", Options: opts})
		if !errors.Is(err, envs.ErrUnknownExample) || !strings.Contains(err.Error(), "no-such-example-id") {
			t.Errorf("unknown example: %v", err)
		}
		_, _, err = e.Env.Reset(ctx, envs.ResetRequest{Split: "no_such_split", Options: opts})
		if !errors.Is(err, envs.ErrUnknownSplit) || !strings.Contains(err.Error(), "no_such_split") {
			t.Errorf("unknown split: %v", err)
		}
		big := int64(1 << 40)
		_, _, err = e.Env.Reset(ctx, envs.ResetRequest{Index: &big, Options: opts})
		if !errors.Is(err, envs.ErrUnknownExample) {
			t.Errorf("index out of range: %v", err)
		}
		_, err = e.Options.Parse(`{"no_such_option": 1}`)
		var fe *envs.FieldError
		if !errors.As(err, &fe) || fe.Field != "options.no_such_option" {
			t.Errorf("unknown option: %v", err)
		}
		_, err = e.Options.Parse(`[1]`)
		if !errors.As(err, &fe) || fe.Field != "options" {
			t.Errorf("options not an object: %v", err)
		}
		_, err = e.Env.Score(ctx, envs.ScoreRequest{Inline: []byte(`{}`), Completion: envs.TextCompletion("x"), Options: opts})
		var ie *envs.InputError
		if !errors.As(err, &ie) || ie.Field == "" {
			t.Errorf("empty inline example: %v, want an InputError naming a field", err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 5 {
					ep, st := reset(t, envs.ResetRequest{Seed: uint64(g*100 + i)})
					r := run(t, ep, s.Gold(t, st))
					if r.Value != 1 {
						t.Errorf("concurrent gold on %s: %v (%s)", st.ExampleID, r.Value, r.Detail)
					}
					_ = ep.Close(ctx)
				}
			})
		}
		wg.Wait()
	})
}

// Options parses an options object for e or fails the test.
func Options(tb testing.TB, e *envs.Entry, opts string) envs.Values {
	tb.Helper()
	v, err := e.Options.Parse(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
