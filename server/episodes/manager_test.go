package episodes_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/server/episodes"
	"github.com/medarc-ai/medmarks-t/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	reg   *envs.Registry
	entry *envs.Entry
	st    *store.MemTable
	clk   *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{}, nil, envtest.NewFake(10))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Lookup("fake")
	clk := &clock{now: time.Unix(1_000_000, 0)}
	st := store.NewMemTable()
	st.Now = clk.Now
	return &fixture{reg: reg, entry: e, st: st, clk: clk}
}

// manager is a fresh Manager over the fixture's store: a new one after a
// restart sees only what was written through.
func (f *fixture) manager(cfg episodes.Config) *episodes.Manager {
	m := episodes.New(cfg, f.st, f.reg, nil)
	m.SetClock(f.clk.Now)
	return m
}

func (f *fixture) reset(t *testing.T, m *episodes.Manager, opts string) episodes.ResetResult {
	t.Helper()
	v, err := f.entry.Options.Parse(opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Reset(context.Background(), f.entry, envs.ResetRequest{ExampleID: "3", Options: v})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func u32(v uint32) *uint32 { return &v }

func step(m *episodes.Manager, id string, turn *uint32, content string, tokens *uint32) (episodes.Reply, error) {
	return m.Step(context.Background(), id, episodes.StepInput{Action: envs.Message{Role: "assistant", Content: content},
		ActionKey: []byte(content), Turn: turn, CompletionTokens: tokens})
}

func TestRestartContinuesAfterResetAndStep(t *testing.T) {
	f := newFixture(t)
	cfg := episodes.DefaultConfig()
	r := f.reset(t, f.manager(cfg), `{"turns": 2}`)
	// Restart right after Reset.
	m := f.manager(cfg)
	if _, err := step(m, r.EpisodeID, u32(1), "thinking", nil); err != nil {
		t.Fatalf("step 1 after restart: %v", err)
	}
	// Restart between the turns.
	m = f.manager(cfg)
	rep, err := step(m, r.EpisodeID, u32(2), envtest.Gold(3), nil)
	if err != nil || rep.Reward == nil || rep.Reward.Value != 1 || rep.Reward.EnvVersion != "fake@1.0.0" {
		t.Fatalf("step 2 after restart: %+v %v", rep.Reward, err)
	}
	if m.Open() != 0 {
		t.Fatalf("%d episodes open after the end", m.Open())
	}
}

func TestTurnsAndRetries(t *testing.T) {
	f := newFixture(t)
	m := f.manager(episodes.DefaultConfig())
	r := f.reset(t, m, `{"turns": 2}`)
	first, err := step(m, r.EpisodeID, u32(1), "a", nil)
	if err != nil || first.NextTurn != 2 {
		t.Fatalf("turn 1: %+v %v", first, err)
	}
	tests := []struct {
		name    string
		turn    *uint32
		content string
		wantErr error
		mention string
	}{
		{"same turn, same action: the stored reply", u32(1), "a", nil, ""},
		{"same turn, another action", u32(1), "b", envs.ErrPrecondition, "expected turn 2"},
		{"a future turn", u32(3), "a", envs.ErrPrecondition, "expected turn 2"},
		{"turn 0", u32(0), "a", envs.ErrPrecondition, "expected turn 2"},
	}
	for _, tt := range tests {
		got, err := step(m, r.EpisodeID, tt.turn, tt.content, nil)
		if !errors.Is(err, tt.wantErr) || (err != nil && !strings.Contains(err.Error(), tt.mention)) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.wantErr == nil && got.NextTurn != first.NextTurn {
			t.Errorf("%s: %+v, want the stored %+v", tt.name, got, first)
		}
	}
	final, err := step(m, r.EpisodeID, nil, envtest.Gold(3), nil)
	if err != nil || final.Reward == nil {
		t.Fatalf("final without a turn: %+v %v", final, err)
	}
	// The final step's retry wins over "finished"; anything else is done.
	again, err := step(m, r.EpisodeID, u32(2), envtest.Gold(3), nil)
	if err != nil || again.Reward == nil || !reflect.DeepEqual(again, final) {
		t.Fatalf("retried final: %+v %v", again, err)
	}
	if _, err := step(m, r.EpisodeID, nil, "more", nil); !errors.Is(err, envs.ErrEpisodeDone) {
		t.Fatalf("step after the end: %v", err)
	}
}

func TestExpiryAndLimits(t *testing.T) {
	f := newFixture(t)
	cfg := episodes.DefaultConfig()
	cfg.MaxEpisodes = 2
	m := f.manager(cfg)
	a := f.reset(t, m, "")
	f.reset(t, m, "")
	v, _ := f.entry.Options.Parse("")
	if _, err := m.Reset(context.Background(), f.entry, envs.ResetRequest{Options: v}); !errors.Is(err, envs.ErrExhausted) {
		t.Fatalf("third episode with max 2: %v", err)
	}
	f.clk.Add(cfg.TTL + time.Second)
	m.Reap(context.Background())
	if m.Open() != 0 {
		t.Fatalf("%d open after the TTL", m.Open())
	}
	_, err := step(m, a.EpisodeID, nil, "x", nil)
	if !errors.Is(err, envs.ErrUnknownEpisode) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired episode: %v", err)
	}
	if _, err := step(m, "never-was", nil, "x", nil); !errors.Is(err, envs.ErrUnknownEpisode) || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("unknown episode: %v", err)
	}
}

func TestDeadlineIsTimeoutNotZero(t *testing.T) {
	f := newFixture(t)
	cfg := episodes.DefaultConfig()
	cfg.Deadline = time.Minute
	m := f.manager(cfg)
	r := f.reset(t, m, `{"turns": 2}`)
	f.clk.Add(2 * time.Minute)
	rep, err := step(m, r.EpisodeID, nil, envtest.Gold(3), nil)
	if err != nil || !rep.Truncated || rep.Reward == nil || rep.Reward.Status != rewards.Timeout {
		t.Fatalf("past the deadline: %+v %v", rep, err)
	}
}

func TestEfficiencyOverTheEpisode(t *testing.T) {
	f := newFixture(t)
	m := f.manager(episodes.DefaultConfig())
	opts := `{"turns": 2, "length_budget_tokens": 100, "efficiency_weight": 0.5}`
	tests := []struct {
		name      string
		tokens    [2]*uint32
		want      float64
		estimated bool
	}{
		{"within budget", [2]*uint32{u32(40), u32(60)}, 1, false},
		{"over by half", [2]*uint32{u32(100), u32(50)}, 0.75, false},
		{"at twice the budget", [2]*uint32{u32(150), u32(50)}, 0.5, false},
		{"one step without tokens: estimated", [2]*uint32{u32(1000), nil}, 1, true},
	}
	for _, tt := range tests {
		r := f.reset(t, m, opts)
		if _, err := step(m, r.EpisodeID, nil, "hmm", tt.tokens[0]); err != nil {
			t.Fatal(err)
		}
		rep, err := step(m, r.EpisodeID, nil, envtest.Gold(3), tt.tokens[1])
		if err != nil || rep.Reward == nil {
			t.Fatal(err)
		}
		if rep.Reward.Value != tt.want || strings.Contains(rep.Reward.Detail, "estimated") != tt.estimated {
			t.Errorf("%s: value %v (%s), want %v", tt.name, rep.Reward.Value, rep.Reward.Detail, tt.want)
		}
	}
}
