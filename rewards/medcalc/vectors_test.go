package medcalc_test

import (
	"fmt"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc/medcalctest"
)

// TestVectors runs every row of ../shared/spec/medcalc_correctness_vectors.md
// (118 answer → verdict vectors produced with the official code and
// Medmarks') in both modes, and checks the value extraction produces.
func TestVectors(t *testing.T) {
	vs := medcalctest.Load(t)
	for _, v := range vs {
		t.Run(fmt.Sprintf("%d", v.N), func(t *testing.T) {
			g, err := medcalc.ParseGold(v.CalculatorID, "", v.GroundTruth, v.Lower, v.Upper)
			if err != nil {
				t.Fatalf("ParseGold: %v", err)
			}
			if got := g.Type.String(); got != v.OutputType {
				t.Errorf("type %s, vector says %s", got, v.OutputType)
			}
			for _, tt := range []struct {
				mode medcalc.Mode
				want bool
			}{{medcalc.Official, v.Official}, {medcalc.Medmarks, v.Medmarks}} {
				answer, ok := medcalc.AnswerText(v.Completion)
				var got medcalc.Verdict
				if ok {
					got = medcalc.Check(g, answer, tt.mode)
				}
				if got.Correct != tt.want {
					t.Errorf("mode %d: correct = %v, want %v (%s); %s", tt.mode, got.Correct, tt.want, got.Detail, v.Why)
				}
				wantX := v.Extracted
				if !v.Evaluable {
					wantX = ""
				}
				if got.Extracted != wantX {
					t.Errorf("mode %d: extracted %q, want %q (%s)", tt.mode, got.Extracted, wantX, got.Detail)
				}
			}
		})
	}
}
