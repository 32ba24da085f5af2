package medcasereasoning_test

import (
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
)

func FuzzVerdictWord(f *testing.F) {
	for _, s := range []string{"yes", "No.", "**YES**", "Yes, the diagnosis matches.", "yesterday", "", "nö", "Ja/yes", "ÑO", "yes\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		yes, err := medcasereasoning.VerdictWord(reply)
		lower := strings.ToLower(reply)
		switch {
		case err != nil:
			// No verdict: the reply holds neither word with a non-letter
			// on both sides… at least it cannot be the whole reply.
			if lower == "yes" || lower == "no" {
				t.Fatalf("%q: no verdict", reply)
			}
		case yes && !strings.Contains(lower, "yes"), !yes && !strings.Contains(lower, "no"):
			t.Fatalf("%q read as yes=%v", reply, yes)
		}
		again, err2 := medcasereasoning.VerdictWord(reply + " no yes")
		if err == nil && (err2 != nil || again != yes) {
			t.Fatalf("%q: appending words changed the first verdict", reply)
		}
		_ = medcasereasoning.VerdictCompat(reply)
	})
}

func FuzzReadAnswer(f *testing.F) {
	f.Add("<think>a</think><answer>b</answer>", "<answer>c")
	f.Add("<answer><answer>x</answer></answer>", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		got, ok := medcasereasoning.ReadAnswer([]string{a, b})
		if !ok && got != "" || len(got) > len(a)+len(b) {
			t.Fatalf("ReadAnswer(%q, %q) = %q, %v", a, b, got, ok)
		}
	})
}
