package envtest_test

import (
	"context"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
)

func TestFakeConforms(t *testing.T) {
	for _, opts := range []string{"", `{"turns": 3}`} {
		reg, err := envs.Build(context.Background(), envs.Settings{}, nil, envtest.NewFake(20))
		if err != nil {
			t.Fatal(err)
		}
		entry, _ := reg.Lookup("fake")
		n := int(1)
		if opts != "" {
			n = 3
		}
		answer := func(final string) []envs.Message {
			msgs := make([]envs.Message, n)
			for i := range msgs {
				msgs[i] = envs.Message{Role: "assistant", Content: "thinking"}
			}
			msgs[n-1].Content = final
			return msgs
		}
		envtest.RunConformance(t, envtest.Suite{Entry: entry, Options: opts,
			Gold:  func(_ testing.TB, st envs.Start) []envs.Message { return answer(envtest.Gold(atoi(st.ExampleID))) },
			Wrong: func(_ testing.TB, st envs.Start) []envs.Message { return answer("-1") },
		})
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
