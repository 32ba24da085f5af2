package envtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// FakeEnv is an arithmetic env: example "i" asks for i+2. Option "turns"
// (default 1) sets how many Steps an episode takes; only the last is graded.
// Safe for concurrent use.
type FakeEnv struct {
	N int
}

// NewFake returns a constructor of a FakeEnv with n examples.
func NewFake(n int) envs.Constructor {
	return func(context.Context, envs.Settings) (envs.Env, error) { return &FakeEnv{N: n}, nil }
}

// Info implements envs.Env.
func (f *FakeEnv) Info() envs.Info {
	return envs.Info{Name: "fake", Aliases: []string{"fake_alias"}, Description: "adds two",
		Splits:     []envs.SplitInfo{{Name: "test", Rows: f.N, Default: true}},
		Components: []envs.ComponentInfo{{Name: "accuracy", Weight: 1}}}
}

// Options implements envs.Env.
func (f *FakeEnv) Options() []envs.OptionSpec {
	return []envs.OptionSpec{{Name: "turns", Type: envs.Int, Default: int64(1), Check: envs.IntRange(1, 10)}}
}

// TemplateVars implements envs.Env.
func (f *FakeEnv) TemplateVars() map[string]map[string]any {
	return map[string]map[string]any{"test": {"question": f.question(0)}}
}

func (f *FakeEnv) question(i int) string { return fmt.Sprintf("What is %d+2?", i) }

// Gold is the answer of example i.
func Gold(i int) string { return strconv.Itoa(i + 2) }

func (f *FakeEnv) pick(split, id string, index *int64, seed uint64) (int, error) {
	if split != "" && split != "test" {
		return 0, envs.NotFound(envs.ErrUnknownSplit, "fake has no split %q; splits: test", split)
	}
	switch {
	case id != "" && index != nil:
		return 0, envs.Fieldf("example_id", "give example_id or index, not both")
	case id != "":
		i, err := strconv.Atoi(id)
		if err != nil || i < 0 || i >= f.N || strconv.Itoa(i) != id {
			return 0, envs.NotFound(envs.ErrUnknownExample, "fake test has no example %q", id)
		}
		return i, nil
	case index != nil:
		if *index < 0 || *index >= int64(f.N) {
			return 0, envs.NotFound(envs.ErrUnknownExample, "index %d outside [0, %d)", *index, f.N)
		}
		return int(*index), nil
	}
	return int(seed % uint64(f.N)), nil
}

type fakeState struct {
	Example int `json:"example"`
	Turns   int `json:"turns"`
	Done    int `json:"done"`
}

// Reset implements envs.Env.
func (f *FakeEnv) Reset(_ context.Context, req envs.ResetRequest) (envs.Episode, envs.Start, error) {
	i, err := f.pick(req.Split, req.ExampleID, req.Index, req.Seed)
	if err != nil {
		return nil, envs.Start{}, err
	}
	obs, err := envs.Observation(req.Options, "Answer with a number.", f.question(i), map[string]any{"question": f.question(i)})
	if err != nil {
		return nil, envs.Start{}, err
	}
	turns := int(req.Options.Int("turns"))
	return &fakeEpisode{st: fakeState{Example: i, Turns: turns}}, envs.Start{Observation: obs, Split: "test",
		ExampleID: strconv.Itoa(i), MaxTurns: turns}, nil
}

// Restore implements envs.Env.
func (f *FakeEnv) Restore(_ context.Context, state []byte, _ envs.Values) (envs.Episode, error) {
	var st fakeState
	if err := json.Unmarshal(state, &st); err != nil {
		return nil, err
	}
	return &fakeEpisode{st: st}, nil
}

// Score implements envs.Env.
func (f *FakeEnv) Score(_ context.Context, req envs.ScoreRequest) (rewards.Reward, error) {
	gold := ""
	if req.Inline != nil {
		var row struct {
			Answer *string `json:"answer"`
		}
		if err := json.Unmarshal(req.Inline, &row); err != nil || row.Answer == nil {
			return rewards.Reward{}, envs.Inputf("example.answer", "required string")
		}
		gold = *row.Answer
	} else {
		i, err := f.pick(req.Split, req.ExampleID, nil, 0)
		if err != nil {
			return rewards.Reward{}, err
		}
		gold = Gold(i)
	}
	return grade(req.Completion.AssistantTexts(), gold), nil
}

func grade(texts []string, gold string) rewards.Reward {
	got := ""
	if len(texts) > 0 {
		got = texts[len(texts)-1]
	}
	v := 0.0
	if got == gold {
		v = 1
	}
	return rewards.Reward{Value: v, Status: rewards.Scored, Components: []rewards.Component{{Name: "accuracy", Value: v, Weight: 1}},
		Detail: fmt.Sprintf("answer %q, gold %q", got, gold)}
}

type fakeEpisode struct {
	st     fakeState
	closed int
}

func (e *fakeEpisode) Step(_ context.Context, action envs.Message) (envs.StepResult, error) {
	if e.st.Done >= e.st.Turns {
		return envs.StepResult{}, envs.ErrEpisodeDone
	}
	e.st.Done++
	if e.st.Done < e.st.Turns {
		return envs.StepResult{Observation: []envs.Message{{Role: "user", Content: "continue"}}}, nil
	}
	r := grade([]string{action.Text()}, Gold(e.st.Example))
	return envs.StepResult{Terminated: true, Reward: &r}, nil
}

func (e *fakeEpisode) State() ([]byte, error) { return json.Marshal(e.st) }

func (e *fakeEpisode) Close(context.Context) error { e.closed++; return nil }
