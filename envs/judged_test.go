package envs_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

func TestEscapeSections(t *testing.T) {
	tags := []string{"context", "assistant_answer"}
	tests := []struct{ give, want string }{
		{"plain text, a < b and <0.01", "plain text, a < b and <0.01"},
		{"x</assistant_answer>y", "x&lt;/assistant_answer>y"},
		{"<context>", "&lt;context>"},
		{"</CONTEXT>", "&lt;/CONTEXT>"},
		{"< / Context >", "&lt; / Context >"},
		{"<contexts>", "<contexts>"},
		{"<context", "<context"},
		{"<assistant_answer attr>", "<assistant_answer attr>"},
		{"<<context>>", "<&lt;context>>"},
		{"</reference_answer>", "</reference_answer>"},
		{"é<context>ü", "é&lt;context>ü"},
	}
	for _, tt := range tests {
		if got := envs.EscapeSections(tt.give, tags...); got != tt.want {
			t.Errorf("EscapeSections(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func FuzzEscapeSections(f *testing.F) {
	f.Add("x</assistant_answer>y<context>")
	f.Add("< /context >")
	f.Fuzz(func(t *testing.T, s string) {
		tags := []string{"context", "assistant_answer"}
		got := envs.EscapeSections(s, tags...)
		// Nothing but '<' changes, and no tag survives.
		if strings.ReplaceAll(got, "&lt;", "<") != s {
			t.Fatalf("EscapeSections(%q) = %q changes more than '<'", s, got)
		}
		for _, tag := range tags {
			for _, form := range []string{"<" + tag + ">", "</" + tag + ">"} {
				if strings.Contains(asciiLower(got), form) {
					t.Fatalf("EscapeSections(%q) = %q keeps %s", s, got, form)
				}
			}
		}
		if again := envs.EscapeSections(got, tags...); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
	})
}

func TestJudgeParser(t *testing.T) {
	set, err := envs.NewOptionSet("medec", []envs.OptionSpec{envs.JudgeQuorumOption(2)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for give, want := range map[string]string{"": "medec@" + envs.Version, `{"compat": "medmarks"}`: "medec@" + envs.Version + "+medmarks"} {
		v, err := set.Parse(give)
		if err != nil {
			t.Fatal(err)
		}
		if got := envs.JudgeParser("medec", v); got != want {
			t.Errorf("JudgeParser(%s) = %q, want %q", give, got, want)
		}
	}
	for _, bad := range []string{`{"judge_quorum": 3}`, `{"judge_quorum": 0}`, `{"judge_quorum": "all"}`} {
		var fe *envs.FieldError
		if _, err := set.Parse(bad); !errors.As(err, &fe) || fe.Field != "options.judge_quorum" {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if err := envs.NoJudge("medec"); !errors.Is(err, envs.ErrPrecondition) || !strings.Contains(err.Error(), "--judge-url URL and --judge-model NAME") {
		t.Errorf("NoJudge: %v", err)
	}
}

type fakeJudge struct {
	vs    []judge.Verdict
	calls int
}

func (f *fakeJudge) Ask(context.Context, judge.Question) ([]judge.Verdict, error) {
	f.calls++
	return f.vs, nil
}

func (f *fakeJudge) Count() int { return len(f.vs) }

func TestAskJudge(t *testing.T) {
	q := judge.Question{Prompt: "p", Parser: "x@1"}
	score := func(v judge.Verdict) (float64, error) {
		if v.Reply == "bad" {
			return 0, errors.New("bad reply")
		}
		return map[string]float64{"yes": 1, "no": 0}[v.Reply], nil
	}
	o, vs, err := envs.AskJudge(context.Background(), nil, q, 0, score)
	if err != nil || o.OK || vs != nil || o.Detail != "no judge configured" {
		t.Errorf("nil judge: %+v %v %v", o, vs, err)
	}
	f := &fakeJudge{vs: []judge.Verdict{{Judge: "a", Reply: "yes"}, {Judge: "b", Reply: "no"}, {Judge: "c", Reply: "bad"}}}
	tests := []struct {
		quorum int64
		wantOK bool
	}{{0, false}, {3, false}, {2, true}, {1, true}}
	for _, tt := range tests {
		o, _, err := envs.AskJudge(context.Background(), f, q, tt.quorum, score)
		if err != nil || o.OK != tt.wantOK || o.OK && o.Value != 0.5 {
			t.Errorf("quorum %d: %+v %v", tt.quorum, o, err)
		}
	}
}

func TestJudgePromptTooLong(t *testing.T) {
	const field = "example.src"
	fits, over := strings.Repeat("x", envs.MaxJudgePromptBytes), strings.Repeat("x", envs.MaxJudgePromptBytes+1)
	tests := []struct {
		name, give, bare string
		wantOver         bool
		wantDetail       string
	}{
		{"fits", fits, "", false, ""},
		{"completion too long", over, fits, true, "completion: the judge prompt would be 262145 bytes, over the 262144-byte limit (max_judge_prompt_bytes); no judge was called"},
		{"example too long", over, over, true, "example.src: the judge prompt would be 262145 bytes, over the 262144-byte limit (max_judge_prompt_bytes); no judge was called"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			built := false
			r, got := envs.JudgePromptTooLong(tt.give, field, func() string { built = true; return tt.bare })
			if got != tt.wantOver || r.Detail != tt.wantDetail || got != (r.Status == rewards.InvalidInput) {
				t.Errorf("= %+v, %v; want %v, %q", r, got, tt.wantOver, tt.wantDetail)
			}
			if built != tt.wantOver {
				t.Errorf("bare prompt built: %v", built)
			}
		})
	}
}

func TestShorten(t *testing.T) {
	for give, want := range map[string]string{"abc": "abc", "abcd": "abc…", "éééé": "ééé…", "": ""} {
		if got := envs.Shorten(give, 3); got != want {
			t.Errorf("Shorten(%q) = %q, want %q", give, got, want)
		}
	}
}

// asciiLower lower-cases ASCII letters only, as the tag match does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
