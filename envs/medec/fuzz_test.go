package medec_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medec"
)

func FuzzParseErrorID(f *testing.F) {
	for _, s := range []string{"CORRECT", "**3**", "[3].", "03", "INCORRECT", "-1", "3, 4", "", "*", "[]", "**", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := medec.ParseErrorID(s)
		switch {
		case got == "no error", got == "invalid":
		case strings.HasPrefix(got, "error at sentence "):
			n, err := strconv.Atoi(strings.TrimPrefix(got, "error at sentence "))
			if err != nil || n < 0 {
				t.Fatalf("ParseErrorID(%q) = %q", s, got)
			}
			// Idempotent: the canonical form parses to the same id.
			if again := medec.ParseErrorID(strconv.Itoa(n)); again != got {
				t.Fatalf("ParseErrorID(%d) = %q, from %q: %q", n, again, s, got)
			}
		default:
			t.Fatalf("ParseErrorID(%q) = %q", s, got)
		}
	})
}

func FuzzParseRubric(f *testing.F) {
	f.Add(goodReply)
	f.Add(rubricReply(false, true, true, false))
	f.Add(strings.ReplaceAll(goodReply, "true", "**True.**"))
	f.Add("<critical_error>true</critical_error><critical_error>")
	f.Add("<semantically_correct><semantically_correct>true</semantically_correct></semantically_correct>")
	f.Fuzz(func(t *testing.T, reply string) {
		for _, compat := range []bool{false, true} {
			answers, score, err := medec.ParseRubric(reply, compat)
			if compat && err != nil {
				t.Fatalf("compat parser failed: %v", err)
			}
			if err != nil {
				continue
			}
			if score < 0 || score > 1 || math.Mod(score*4, 1) != 0 {
				t.Fatalf("score %v", score)
			}
			for _, a := range answers {
				if !compat && a == "" || a != "" && a != "true" && a != "false" {
					t.Fatalf("answers %q (compat %v)", answers, compat)
				}
			}
		}
	})
}

func FuzzPyInt(f *testing.F) {
	for _, s := range []string{"3", " +0_3 ", "-1", "1__0", "_1", "١٢", "𝟙𝟚", "99999999999999999999", "+", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := medec.PyInt(s)
		plain := envs.TrimPy(s)
		if utf8.ValidString(s) && plain != "" && !strings.ContainsFunc(plain, func(r rune) bool { return r > 127 || r == '_' }) && len(plain) < 15 {
			want, err := strconv.Atoi(plain)
			if (err == nil) != ok || ok && want != n {
				t.Fatalf("PyInt(%q) = %d, %v; strconv says %d, %v", s, n, ok, want, err)
			}
		}
	})
}

func FuzzReadAnswer(f *testing.F) {
	f.Add("<error_id>3</error_id><correction>x</correction>", "Done.")
	f.Add("<error_id><error_id>3</error_id>", "<incorrect_sentence>")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, compat := range []bool{false, true} {
			id, ok := medec.ReadAnswer([]string{a, b}, compat)
			if !ok && id != "" {
				t.Fatalf("no tag but value %q", id)
			}
			if len(id) > len(a)+len(b) {
				t.Fatalf("value longer than the input")
			}
		}
		_ = medec.EmptyCorrection(a)
	})
}
