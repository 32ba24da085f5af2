package mcq_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// TestStrategies gives each strategy a case it decides right, one it decides
// wrong (or, for the text strategies, one it must refuse), and the guard a
// case it rejects and one it lets through. Verdicts were checked against the
// upstream grader (guard off).
func TestStrategies(t *testing.T) {
	tests := []struct {
		name string
		give string
		want outcome
	}{
		{"1/right", "(C)", outcome{true, mcq.ExactOption}},
		{"1/wrong", "(B)", outcome{false, mcq.ExactOption}},
		{"1/two_tokens", "C D", outcome{}},
		{"2/right", "**Metformin.**", outcome{true, mcq.ExactText}},
		{"2/other_word", "metformins", outcome{}},
		{"2/longer_falls_to_7", "Metformin XR", outcome{true, mcq.AnswerText}},
		{"3/right", "C: Metformin", outcome{true, mcq.OptionPlusText}},
		{"3/wrong", "A) Metformin", outcome{false, mcq.OptionPlusText}},
		{"3/more_text_falls_to_5", "C. Metformin daily", outcome{true, mcq.LeadingLine}},
		{"4/right", "Final answer: **C**", outcome{true, mcq.Anchored}},
		{"4/wrong", "The correct answer is D.", outcome{false, mcq.Anchored}},
		{"4/negated", "The answer is not C.", outcome{}},
		{"4/entangled", "Answer: C.\nD is wrong", outcome{}},
		// The anchor's own "not" skips it even where the validity check's
		// negation test, blocked by the markers, would not.
		{"4/negated_marked", "The answer is not **C**; the best drug is D.", outcome{false, mcq.TailToken}},
		{"4/negated_marked_tail", "The answer is not **C**.", outcome{true, mcq.TailToken}},
		{"5/right", "**C)** first-line biguanide", outcome{true, mcq.LeadingLine}},
		{"5/wrong", "B) first-line biguanide", outcome{false, mcq.LeadingLine}},
		{"5/enumeration", "A) insulin\nC) metformin", outcome{}},
		{"6/right", "so it must be C", outcome{true, mcq.TailToken}},
		{"6/wrong", "so it must be D", outcome{false, mcq.TailToken}},
		{"6/compact_list", "it must be C, D", outcome{}},
		{"6/last_line", "Overall (C)", outcome{true, mcq.TailToken}},
		{"7/right", "Start metformin today.", outcome{true, mcq.AnswerText}},
		{"7/negated", "Do not start metformin.", outcome{}},
		{"7/option_analysis", "1. Metformin: lowers glucose", outcome{}},
		{"guard/rejects", "metformin or acarbose", outcome{false, mcq.GuardRejected}},
		{"guard/negated_other", "metformin, not acarbose", outcome{true, mcq.AnswerText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mcq.Grade(tt.give, metformin, mcq.Options{Guard: true})
			if diff := cmp.Diff(tt.want, outcomeOf(got)); diff != "" {
				t.Errorf("Grade(%q) (-want +got):\n%s", tt.give, diff)
			}
			// The guard only ever turns a strategy-7 success into a failure.
			compat := mcq.Grade(tt.give, metformin, mcq.Options{})
			if got.Strategy != mcq.GuardRejected && got != compat {
				t.Errorf("guard changed %+v into %+v", compat, got)
			}
		})
	}
}

func TestVerdictOption(t *testing.T) {
	tests := []struct {
		give string
		q    mcq.Question
		want string
	}{
		{"(c)", metformin, "C"},
		{"Answer: D", metformin, "D"},
		{"Metformin", metformin, ""},
		{"The answer is 12.", mcq.Question{GoldLabel: "12", GoldText: "x"}, "12"},
		// Python upper-cases the dotless i to I.
		{"answer: ı", mcq.Question{GoldLabel: "I", GoldText: "x"}, "I"},
	}
	for _, tt := range tests {
		if got := mcq.Grade(tt.give, tt.q, mcq.Options{}).Option; got != tt.want {
			t.Errorf("Grade(%q).Option = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestStrategyString(t *testing.T) {
	tests := []struct {
		give mcq.Strategy
		want string
	}{
		{mcq.None, "no strategy matched"},
		{mcq.ExactOption, "strategy 1, exact option"},
		{mcq.ExactText, "strategy 2, exact answer text"},
		{mcq.AnswerText, "strategy 7, answer-text fallback"},
		{mcq.GuardRejected, "answer-text guard"},
		{mcq.Strategy(42), "Strategy(42)"},
	}
	for _, tt := range tests {
		if got := tt.give.String(); got != tt.want {
			t.Errorf("%d.String() = %q, want %q", int(tt.give), got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		give    string
		wantErr bool
	}{
		{"C", false}, {"c", false}, {" C ", false}, {"2", false}, {"12", false}, {"123", false},
		{"", true}, {"AA", true}, {"C.", true}, {"-1", true},
	}
	for _, tt := range tests {
		err := mcq.Question{GoldLabel: tt.give}.Validate()
		if (err != nil) != tt.wantErr {
			t.Errorf("Validate(%q) = %v, want error %v", tt.give, err, tt.wantErr)
		}
		if tt.wantErr {
			if v := mcq.Grade("C", mcq.Question{GoldLabel: tt.give}, mcq.Options{}); v.Correct {
				t.Errorf("Grade with label %q = %+v, want wrong", tt.give, v)
			}
		}
	}
	// A lower-case label is upper-cased; a three-digit one can never match.
	if v := mcq.Grade("C", mcq.Question{GoldLabel: "c"}, mcq.Options{}); !v.Correct {
		t.Errorf("label c: %+v", v)
	}
	if v := mcq.Grade("12", mcq.Question{GoldLabel: "123"}, mcq.Options{}); v.Correct {
		t.Errorf("label 123: %+v", v)
	}
}

// TestLongMode checks the long-response windows of common.md §5 step 12.
func TestLongMode(t *testing.T) {
	pad := func(n int) string {
		b := make([]byte, 0, n)
		for len(b) < n {
			b = append(b, "Reasoning sentence with details. "...)
		}
		return string(b[:n])
	}
	tests := []struct {
		name string
		give string
		want outcome
	}{
		// An anchor in the last 4,000 characters counts…
		{"anchor_in_tail", pad(5000) + " Final answer: C", outcome{true, mcq.Anchored}},
		// …one before them does not, and strategy 5 is skipped when long.
		{"anchor_before_tail", "Final answer: C. " + pad(5000), outcome{}},
		{"leading_line_skipped", pad(5000) + "\nC) first line", outcome{}},
		// The tail token only looks at the last 2,000 characters.
		{"tail_token", pad(5000) + " so C", outcome{true, mcq.TailToken}},
		// The gold text is searched in the last 4,000 characters only.
		{"text_in_tail", pad(5000) + " Start metformin.", outcome{true, mcq.AnswerText}},
		{"text_before_tail", "Start metformin. " + pad(5000), outcome{}},
		// A megabyte: only the windows are searched.
		{"huge", strings.Repeat("The stem lists findings. ", 40_000) + "Final answer: C", outcome{true, mcq.Anchored}},
		// At 4,000 characters a response is not long yet: strategy 5 runs.
		{"not_long", pad(4000-len("\nC) first line")) + "\nC) first line", outcome{true, mcq.LeadingLine}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, outcomeOf(mcq.Grade(tt.give, metformin, mcq.Options{Guard: true}))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestBoundaries pins the sizes and word lists of common.md §5 that the
// other tables do not reach; each case was checked against upstream.
func TestBoundaries(t *testing.T) {
	words := func(n int) string { return strings.Repeat("word ", n/5+1)[:n] }
	pad := func(n int) string { return strings.Repeat("Reasoning sentence with details. ", n/33+1)[:n] }
	long40 := strings.Repeat("abcdefghij", 4)
	tests := []struct {
		name string
		give string
		want outcome
	}{
		// "instead" is connector glue: C and D are entangled.
		{"glue_instead", "Answer: C instead D", outcome{}},
		// Glue counts only up to 24 normalised characters.
		{"glue_20", "Answer: C " + strings.Repeat("/", 20) + " D", outcome{}},
		{"glue_30", "Answer: C " + strings.Repeat("/", 30) + " D", outcome{true, mcq.Anchored}},
		// A response becomes long past 4,000 characters.
		{"long_4500", "Final answer: C. " + pad(4483), outcome{}},
		{"short_3917", "Final answer: C. " + pad(3900), outcome{true, mcq.Anchored}},
		// The negation must lie in the 48 characters before the token.
		{"negation_in_48", "It is not " + long40 + " C", outcome{}},
		{"negation_past_48", "It is not " + long40 + "abcdefgh C", outcome{true, mcq.TailToken}},
		// Over 800 characters, the gold text is searched in a 600-character
		// tail window (for a short gold text) and a head window.
		{"text_in_tail_window", words(700) + " metformin " + words(585), outcome{true, mcq.AnswerText}},
		{"text_between_windows", words(700) + " metformin " + words(650), outcome{}},
		// The tail window starts after a line break up to 200 characters
		// before it.
		{"tail_aligned_150", words(700) + "\n" + words(30) + " metformin " + words(150-41) + words(600), outcome{true, mcq.AnswerText}},
		{"tail_aligned_250", words(700) + "\n" + words(30) + " metformin " + words(250-41) + words(600), outcome{}},
		// "wrong diagnosis is" negates within the last 32 of those 48.
		{"wrong_diagnosis_in_32", "The wrong diagnosis is, in my view, C", outcome{}},
		{"wrong_diagnosis_past_32", "The wrong diagnosis is, in my humble clinical view, C", outcome{true, mcq.TailToken}},
		// A text match is negated from up to 64 characters before it.
		{"text_negation_in_64", "It is not " + long40[:20] + " " + long40[:20] + " metformin", outcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, outcomeOf(mcq.Grade(tt.give, metformin, mcq.Options{}))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
