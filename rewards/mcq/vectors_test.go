package mcq_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// vector is one line of ../spec/mcq_grader_vectors.jsonl, produced by running
// the upstream grader.
type vector struct {
	Response   string   `json:"response"`
	GoldLetter string   `json:"gold_letter"`
	GoldText   string   `json:"gold_text"`
	OtherTexts []string `json:"other_texts"`
	Upstream   bool     `json:"upstream"`
	Strategy   int      `json:"strategy"`
	Verdict    bool     `json:"verdict"`
	Note       string   `json:"note"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	f, err := os.Open(filepath.Join(shared.Dir(tb), "spec", "mcq_grader_vectors.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatalf("vector %d: %v", len(vs)+1, err)
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(vs) != 120 {
		tb.Fatalf("read %d vectors, want 120", len(vs))
	}
	return vs
}

func (v vector) question() mcq.Question {
	return mcq.Question{GoldLabel: v.GoldLetter, GoldText: v.GoldText, OtherTexts: v.OtherTexts}
}

// TestVectors reproduces every vector: upstream's verdict and deciding
// strategy with the guard off (compat "medmarks"), the guarded verdict with
// it on.
func TestVectors(t *testing.T) {
	for i, v := range loadVectors(t) {
		compat := mcq.Grade(v.Response, v.question(), mcq.Options{})
		if compat.Correct != v.Upstream {
			t.Errorf("vector %d %q (%s): guard off: correct = %v (%v), want %v", i+1, v.Response, v.Note, compat.Correct, compat.Strategy, v.Upstream)
		}
		if v.Strategy != 0 && int(compat.Strategy) != v.Strategy {
			t.Errorf("vector %d %q (%s): guard off: decided by %v, want strategy %d", i+1, v.Response, v.Note, compat.Strategy, v.Strategy)
		}
		if v.Strategy == 0 && compat.Strategy != mcq.None {
			t.Errorf("vector %d %q (%s): guard off: decided by %v, want none", i+1, v.Response, v.Note, compat.Strategy)
		}
		guarded := mcq.Grade(v.Response, v.question(), mcq.Options{Guard: true})
		if guarded.Correct != v.Verdict {
			t.Errorf("vector %d %q (%s): guard on: correct = %v (%v), want %v", i+1, v.Response, v.Note, guarded.Correct, guarded.Strategy, v.Verdict)
		}
	}
}
