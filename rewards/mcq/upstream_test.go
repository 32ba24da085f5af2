package mcq_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// upstreamCase is one graded response with the upstream grader's verdict and
// deciding strategy (0 = none), recorded by running upstream's
// multiple_choice_accuracy with default arguments.
type upstreamCase struct {
	Test     string `json:"test"`
	Response string `json:"response"`
	// Repeat builds a long response: Text repeated Times, then Then.
	Repeat *struct {
		Text  string `json:"text"`
		Times int    `json:"times"`
		Then  string `json:"then"`
	} `json:"repeat"`
	Label    string `json:"label"`
	Text     string `json:"text"`
	Correct  bool   `json:"correct"`
	Strategy int    `json:"strategy"`
}

func readJSONL[T any](tb testing.TB, path string) []T {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatalf("%s:%d: %v", path, len(out)+1, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no cases", path)
	}
	return out
}

func checkUpstream(t *testing.T, path string) {
	for i, c := range readJSONL[upstreamCase](t, path) {
		resp := c.Response
		if c.Repeat != nil {
			resp = strings.Repeat(c.Repeat.Text, c.Repeat.Times) + c.Repeat.Then
		}
		got := mcq.Grade(resp, mcq.Question{GoldLabel: c.Label, GoldText: c.Text}, mcq.Options{})
		if got.Correct != c.Correct || int(got.Strategy) != c.Strategy {
			t.Errorf("%s:%d %s: Grade(%.200q, %s, %q) = %v by %v, want %v by strategy %d",
				path, i+1, c.Test, resp, c.Label, c.Text, got.Correct, got.Strategy, c.Correct, c.Strategy)
		}
	}
}

// TestUpstreamUnitCases replays every grader call of upstream's
// tests/test_mcq_accuracy.py (calls with non-default options are replayed
// with the defaults, upstream's verdict recomputed).
func TestUpstreamUnitCases(t *testing.T) { checkUpstream(t, "testdata/upstream_unit.jsonl") }

// TestUpstreamGeneratedCases replays responses generated from MedQA rows and
// from adversarial fragments, graded by upstream: a sample of the
// differential runs made while porting, kept as a regression net.
func TestUpstreamGeneratedCases(t *testing.T) { checkUpstream(t, "testdata/upstream_generated.jsonl") }
