package envs_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/medarc-ai/medmarks-t/envs"
)

// FuzzParseOptions: any options text is either accepted, and then its JSON
// parses back to the same values, or refused with a FieldError whose field
// starts with "options"; it never panics.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"shuffle_seed": 3}`, `{"answer_format": "boxed", "compat": "medmarks"}`,
		`{"length_budget_tokens": 10, "efficiency_weight": 0.5}`, `[1]`, `{"x":`, `{"shuffle_seed": 1e400}`, `{"use_think": null}`} {
		f.Add(s)
	}
	s, err := envs.NewOptionSet("medqa", mcqLikeSpecs(), nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := s.Parse(raw)
		if err != nil {
			var fe *envs.FieldError
			if !errors.As(err, &fe) || len(fe.Field) < 7 || fe.Field[:7] != "options" && fe.Field != "seed" {
				t.Fatalf("Parse(%q): %v is not a FieldError on options", raw, err)
			}
			return
		}
		if !utf8.ValidString(v.JSON()) {
			t.Fatalf("JSON of %q is not UTF-8", raw)
		}
		back, err := s.Parse(v.JSON())
		if err != nil || back.JSON() != v.JSON() {
			t.Fatalf("round trip of %q: %v, %s != %s", raw, err, back.JSON(), v.JSON())
		}
	})
}
