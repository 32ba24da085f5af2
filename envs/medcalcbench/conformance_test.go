package medcalcbench_test

import (
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/demo"
	"github.com/medarc-ai/medmarks-t/envs/envtest"
)

// answers finishes an episode begun on a row of rows: the gold answer or a
// wrong one, alone or after a calculator call and two python calls.
type answers struct {
	rows  map[string]fileRow
	tools bool
}

func (a answers) msgs(tb testing.TB, st envs.Start, wrong bool) []envs.Message {
	r, ok := a.rows[st.ExampleID]
	if !ok {
		tb.Fatalf("no row %s", st.ExampleID)
	}
	ans := r["Ground Truth Answer"]
	if wrong {
		ans = wrongAnswer(tb, r)
	}
	final := assistant("Working through the note step by step.\n<answer>" + ans + "</answer>")
	if !a.tools {
		return []envs.Message{final}
	}
	return []envs.Message{
		calls(tc("call-1", "calculator", `{"expression": "(140 - 87) * 48 / (72 * 1.4)"}`)),
		calls(tc("call-2", "python", `{"code": "x = 2 ** 10"}`)),
		// Not print(x): a restored episode has a new interpreter, and the
		// suite wants the same reward after Restore (statuses are in detail).
		calls(tc("call-3", "code_interpreter", `{"code": "print(2 ** 10)"}`)),
		final,
	}
}

func suite(tb testing.TB, e *envs.Entry, rows []fileRow, opts string, tools bool) envtest.Suite {
	a := answers{rows: byID(rows), tools: tools}
	return envtest.Suite{Entry: e, Options: opts,
		Gold:  func(tb testing.TB, st envs.Start) []envs.Message { return a.msgs(tb, st, false) },
		Wrong: func(tb testing.TB, st envs.Start) []envs.Message { return a.msgs(tb, st, true) }}
}

func TestConformance(t *testing.T) {
	e := real(t)
	rows := v10(t)
	for _, tt := range []struct {
		name, opts string
		tools      bool
	}{
		{"plain", "", false},
		{"compat", `{"compat": "medmarks"}`, false},
		{"one shot think", `{"one_shot": true, "use_think": true}`, false},
		{"tools", `{"use_tools": true}`, true},
		{"tools compat", `{"use_tools": true, "compat": "medmarks", "max_turns": 4}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			envtest.RunConformance(t, suite(t, e, rows, tt.opts, tt.tools))
		})
	}
}

// TestConformanceDemo: the embedded demo rows serve as the env's data.
func TestConformanceDemo(t *testing.T) {
	e := build(t, demo.FS(), newFakeTools())
	info := e.Env.Info()
	if len(info.Splits) != 2 || info.Splits[0].Name != "1.0/test" || !info.Splits[0].Default || info.Splits[0].Rows != 8 || info.Splits[1].Name != "verified/one_shot" {
		t.Fatalf("demo splits %+v", info.Splits)
	}
	rows := readCSV(t, demo.FS(), "medcalc_bench/v1.0/test_data.csv")
	envtest.RunConformance(t, suite(t, e, rows, `{"one_shot": true}`, false))
	envtest.RunConformance(t, suite(t, e, rows, `{"use_tools": true}`, true))
}
