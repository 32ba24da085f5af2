package extract_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

func TestFirstTagOfLastMessage(t *testing.T) {
	tests := []struct {
		name   string
		give   []string
		want   string
		wantOK bool
	}{
		{"plain", []string{"<answer>C</answer>"}, "C", true},
		{"trimmed", []string{"<answer> c \n</answer>"}, "c", true},
		{"first_pair_wins", []string{"<answer>B</answer> on reflection <answer>C</answer>"}, "B", true},
		{"lazy_close", []string{"<answer>A<answer>B</answer>"}, "A<answer>B", true},
		{"spans_lines", []string{"<answer>\nMetformin\nfirst line\n</answer>"}, "Metformin\nfirst line", true},
		{"case_sensitive", []string{"<ANSWER>C</ANSWER>"}, "", false},
		{"no_attributes", []string{`<answer id="1">C</answer>`}, "", false},
		{"no_spaces_in_tag", []string{"< answer>C</answer>"}, "", false},
		{"unclosed", []string{"<answer>C"}, "", false},
		{"close_before_open", []string{"</answer>C<answer>"}, "", false},
		{"no_tag", []string{"I pick C."}, "", false},
		{"last_message_first", []string{"<answer>B</answer>", "<answer>C</answer>"}, "C", true},
		{"earlier_message", []string{"<answer>C</answer>", "Done."}, "C", true},
		{"empty_pair_stops", []string{"<answer>C</answer>", "<answer> </answer>"}, "", true},
		{"no_messages", nil, "", false},
		{"python_whitespace", []string{"<answer>\u00a0C\u2028\x1c</answer>"}, "C", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := extract.FirstTagOfLastMessage(tt.give, "answer")
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FirstTagOfLastMessage(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestLastTag(t *testing.T) {
	tests := []struct {
		give   string
		want   string
		wantOK bool
	}{
		{"<x>1</x> and <x> 2 </x>", "2", true},
		{"<x>1<x>2</x>", "1<x>2", true},
		{"<x>1</x><x>2", "1", true},
		{"<x></x>", "", true},
		{"<X>1</X>", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := extract.LastTag(tt.give, "x")
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("LastTag(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
		if first, ok := extract.FirstTag(tt.give, "x"); ok != tt.wantOK || (ok && tt.give == "<x>1</x> and <x> 2 </x>" && first != "1") {
			t.Errorf("FirstTag(%q) = %q, %v", tt.give, first, ok)
		}
	}
}

func TestLastTagged(t *testing.T) {
	tests := []struct {
		name   string
		give   []string
		want   string
		wantOK bool
	}{
		{"last message with a tag", []string{"<a>1</a>", "<b>2</b>"}, "<b>2</b>", true},
		{"any of the tags", []string{"<b>2</b>", "<a>1</a>"}, "<a>1</a>", true},
		{"untagged message skipped", []string{"<a>1</a>", "Done."}, "<a>1</a>", true},
		{"unclosed tag is no pair", []string{"<a>1</a>", "<b>2"}, "<a>1</a>", true},
		{"close before open is no pair", []string{"<a>1</a>", "</b>2<b>"}, "<a>1</a>", true},
		{"other tags do not count", []string{"<a>1</a>", "<c>3</c>"}, "<a>1</a>", true},
		{"empty pair counts", []string{"<a>1</a>", "<b></b>"}, "<b></b>", true},
		{"case-sensitive", []string{"<A>1</A>"}, "", false},
		{"none", []string{"no tags", ""}, "", false},
		{"no messages", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := extract.LastTagged(tt.give, "a", "b")
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("LastTagged(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	if got, ok := extract.LastTagged([]string{"<a>1</a>"}); ok || got != "" {
		t.Errorf("no tags asked for: %q, %v", got, ok)
	}
}

func TestBoxed(t *testing.T) {
	tests := []struct {
		give   string
		want   string
		wantOK bool
	}{
		{`\boxed{C}`, "C", true},
		{`\boxed{B} then \boxed{C}`, "C", true},
		{`\boxed{\frac{1}{2}}`, `\frac{1}{2}`, true},
		{`\boxed{ C }`, " C ", true},
		{`\boxed{}`, "", true},
		{`The answer is C`, "The answer is C", false},
		// The last box never closes: the whole text, even with an earlier
		// balanced box.
		{`\boxed{B} and \boxed{C`, `\boxed{B} and \boxed{C`, false},
		{`\boxed{C}}`, "C", true},
		{`\boxed {C}`, `\boxed {C}`, false},
		{`\BOXED{C}`, `\BOXED{C}`, false},
		{"\\boxed{é}", "é", true},
	}
	for _, tt := range tests {
		got, ok := extract.Boxed(tt.give)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Boxed(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestAfterThink(t *testing.T) {
	tests := []struct {
		give   string
		want   string
		wantOK bool
	}{
		{"<think>hmm</think> \\boxed{Metformin}", `\boxed{Metformin}`, true},
		{"<think>a</think>b</think>  c ", "c", true},
		{"<think>still thinking \\boxed{C}", "", false},
		{"no think at all", "", false},
		{"<think>x</THINK> C", "", false},
		{"</think>", "", true},
	}
	for _, tt := range tests {
		got, ok := extract.AfterThink(tt.give)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("AfterThink(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestLastJSONObject(t *testing.T) {
	tests := []struct {
		name   string
		give   string
		want   map[string]any
		wantOK bool
	}{
		{"plain", `{"score": 4}`, map[string]any{"score": 4.0}, true},
		{"prose_around", "Here is my verdict:\n```json\n{\"score\": 3, \"reason\": \" ok \"}\n```\nThanks", map[string]any{"score": 3.0, "reason": "ok"}, true},
		// The smallest object ending at the final brace: for nested output
		// the outer one, since the inner one ends earlier.
		{"nested", `{"a": {"b": " x "}, "c": [" y "]}`, map[string]any{"a": map[string]any{"b": "x"}, "c": []any{"y"}}, true},
		{"last_object", `{"a": 1} then {"b": 2}`, map[string]any{"b": 2.0}, true},
		{"trailing_brace_text", `{"a": 1} }`, nil, false},
		// Candidates run from a '{' to the final '}' only.
		{"object_inside_array", `[{"a": 1}]`, map[string]any{"a": 1.0}, true},
		{"inner_valid_outer_not", `{"a": {"b": 1}`, map[string]any{"b": 1.0}, true},
		{"no_braces", "score: 4", nil, false},
		{"invalid", `{score: 4}`, nil, false},
		{"nan_rejected", `{"a": NaN}`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := extract.LastJSONObject(tt.give)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (%v)", ok, tt.wantOK, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
