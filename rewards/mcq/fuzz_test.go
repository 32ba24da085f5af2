package mcq_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// seedResponses adds the vector responses and upstream cases as seeds.
func seedResponses(f *testing.F, add func(resp, label, gold string)) {
	f.Helper()
	for _, path := range []string{"testdata/upstream_unit.jsonl", "testdata/upstream_generated.jsonl"} {
		file, err := os.Open(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c upstreamCase
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				f.Fatal(err)
			}
			add(c.Response, c.Label, c.Text)
		}
		file.Close()
	}
	for _, s := range []string{"", "\xff\xfe", "<think>", "$$\\[", "\\verb", strings.Repeat("{", 300) + "C", "b " + strings.Repeat("*", 300)} {
		add(s, "C", "Metformin")
	}
}

// FuzzGrade: no panic, deterministic, the guard only rejects strategy-7
// successes, and the option read is a short valid token.
func FuzzGrade(f *testing.F) {
	seedResponses(f, func(resp, label, gold string) { f.Add(resp, label, gold, "Insulin") })
	f.Fuzz(func(t *testing.T, resp, label, gold, other string) {
		q := mcq.Question{GoldLabel: label, GoldText: gold, OtherTexts: []string{other, gold, ""}}
		compat := mcq.Grade(resp, q, mcq.Options{})
		if again := mcq.Grade(resp, q, mcq.Options{}); again != compat {
			t.Fatalf("not deterministic: %+v then %+v", compat, again)
		}
		guarded := mcq.Grade(resp, q, mcq.Options{Guard: true})
		switch {
		case guarded.Strategy == mcq.GuardRejected:
			if compat.Strategy != mcq.AnswerText || guarded.Correct {
				t.Fatalf("guard %+v over %+v", guarded, compat)
			}
		case guarded != compat:
			t.Fatalf("guard changed %+v into %+v", compat, guarded)
		}
		if compat.Strategy == mcq.GuardRejected {
			t.Fatalf("guard off yet %+v", compat)
		}
		if o := compat.Option; !utf8.ValidString(o) || utf8.RuneCountInString(o) > 2 {
			t.Fatalf("option %q", o)
		}
		if compat.Correct && q.Validate() != nil {
			t.Fatalf("correct with invalid label %q", label)
		}
	})
}

// FuzzTeX: the converter never panics, is deterministic, returns valid
// UTF-8 for valid input and stays within a bounded size.
func FuzzTeX(f *testing.F) {
	file, err := os.Open("testdata/tex.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var c struct{ In string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			f.Fatal(err)
		}
		f.Add(c.In)
	}
	file.Close()
	f.Fuzz(func(t *testing.T, s string) {
		out, err := mcq.LatexToText(s)
		out2, err2 := mcq.LatexToText(s)
		if out != out2 || (err == nil) != (err2 == nil) {
			t.Fatalf("not deterministic")
		}
		if err != nil {
			if got := mcq.StripTeX(s); got != s {
				t.Fatalf("failed conversion changed the text to %q", got)
			}
			return
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input")
		}
		// Display math indents every nested line: at most quadratic growth.
		n := utf8.RuneCountInString(s)
		if m := utf8.RuneCountInString(out); m > 200+8*n*(n+1) {
			t.Fatalf("%d characters out of %d", m, n)
		}
	})
}
