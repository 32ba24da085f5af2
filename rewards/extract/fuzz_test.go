package extract_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

// pySpace is Python's str.isspace.
func pySpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

var seeds = []string{
	"<answer>C</answer>", "<answer> c </answer> <answer>D</answer>", "<answer>", "</answer><answer>",
	`\boxed{C}`, `\boxed{\frac{1}{2}}`, `\boxed{`, `}\boxed{{}`, "<think>a</think> b", "</think>",
	`{"score": 4}`, `{"a": {"b": [1, " x "]}}`, "{{{{}}}}", "\xff\xfe", "",
}

// FuzzTags: the content found lies inside the input between the tags, is
// trimmed, and the first and last pairs agree when there is one pair.
func FuzzTags(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "answer")
	}
	f.Fuzz(func(t *testing.T, text, tag string) {
		first, ok1 := extract.FirstTag(text, tag)
		last, ok2 := extract.LastTag(text, tag)
		msg, ok3 := extract.FirstTagOfLastMessage([]string{text}, tag)
		if ok1 != ok2 || ok1 != ok3 || first != msg {
			t.Fatalf("FirstTag %q %v, LastTag %q %v, FirstTagOfLastMessage %q %v", first, ok1, last, ok2, msg, ok3)
		}
		for _, got := range []string{first, last} {
			if !strings.Contains(text, got) || len(got) > len(text) {
				t.Fatalf("%q is not part of the input", got)
			}
			if strings.TrimFunc(got, pySpace) != got {
				t.Fatalf("%q is not trimmed", got)
			}
		}
		if !ok1 && (first != "" || last != "") {
			t.Fatalf("no pair yet %q / %q", first, last)
		}
		if ok1 && strings.Count(text, "<"+tag+">") == 1 && first != last {
			t.Fatalf("one opening tag, first %q last %q", first, last)
		}
	})
}

// FuzzLastTagged: the message found is one of the inputs and holds a pair
// of one of the tags; no later message holds one.
func FuzzLastTagged(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "<think>x</think>", "answer", "think")
	}
	f.Fuzz(func(t *testing.T, a, b, tag1, tag2 string) {
		texts := []string{a, b}
		got, ok := extract.LastTagged(texts, tag1, tag2)
		has := func(s string) bool {
			_, ok1 := extract.FirstTag(s, tag1)
			_, ok2 := extract.LastTag(s, tag2)
			return ok1 || ok2
		}
		switch {
		case !ok && (got != "" || has(a) || has(b)):
			t.Fatalf("none found: %q, yet %q %v, %q %v", got, a, has(a), b, has(b))
		case ok && has(b) && got != b:
			t.Fatalf("%q, but the last message %q holds a tag", got, b)
		case ok && !has(b) && (got != a || !has(a)):
			t.Fatalf("%q: not the earlier tagged message %q", got, a)
		}
	})
}

// FuzzBoxed: a found box's content lies in the input and is balanced;
// otherwise the input comes back unchanged.
func FuzzBoxed(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := extract.Boxed(text)
		if !ok {
			if got != text {
				t.Fatalf("not found, yet %q", got)
			}
			return
		}
		if !strings.Contains(text, `\boxed{`+got+"}") {
			t.Fatalf("%q is not a box of the input", got)
		}
		depth := 0
		for _, c := range got {
			switch c {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth < 0 {
				t.Fatalf("%q closes more braces than it opens", got)
			}
		}
		if depth != 0 {
			t.Fatalf("%q is unbalanced", got)
		}
		after, _ := extract.AfterThink(text)
		if len(after) > len(text) {
			t.Fatalf("AfterThink grew the text")
		}
	})
}

// FuzzLastJSONObject: no panic, deterministic, and a found object's
// strings are trimmed.
func FuzzLastJSONObject(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		obj, ok := extract.LastJSONObject(text)
		obj2, ok2 := extract.LastJSONObject(text)
		if ok != ok2 || len(obj) != len(obj2) {
			t.Fatalf("not deterministic")
		}
		if ok != (obj != nil) {
			t.Fatalf("ok %v with %v", ok, obj)
		}
		if ok && !strings.Contains(text, "}") {
			t.Fatalf("object without a brace")
		}
		for _, v := range obj {
			if s, isStr := v.(string); isStr && strings.TrimFunc(s, pySpace) != s {
				t.Fatalf("untrimmed %q", s)
			}
		}
	})
}
