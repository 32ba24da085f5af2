package envs

import (
	"context"
	"fmt"
	"strings"

	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// OptJudgeQuorum is the option of judged envs: how many judges must give a
// valid verdict for a SCORED reward (../spec/common.md §8).
const OptJudgeQuorum = "judge_quorum"

// MaxJudgePromptBytes bounds a judge prompt (../spec/common.md §9,
// max_judge_prompt_bytes): beyond it the item is INVALID_INPUT and no judge
// is called.
const MaxJudgePromptBytes = 256 << 10

// JudgePromptTooLong returns the INVALID_INPUT reward of an item whose judge
// prompt is over MaxJudgePromptBytes, and true; false when it is within the
// limit. The fault is the completion's, unless bare (the prompt with an
// empty completion, built only when the prompt is too long) is over the
// limit too: then it is field's ("example.Sentences").
func JudgePromptTooLong(prompt, field string, bare func() string) (rewards.Reward, bool) {
	if len(prompt) <= MaxJudgePromptBytes {
		return rewards.Reward{}, false
	}
	if len(bare()) <= MaxJudgePromptBytes {
		field = "completion"
	}
	return rewards.Reward{Status: rewards.InvalidInput, Detail: fmt.Sprintf(
		"%s: the judge prompt would be %d bytes, over the %d-byte limit (max_judge_prompt_bytes); no judge was called",
		field, len(prompt), MaxJudgePromptBytes)}, true
}

// JudgeQuorumOption declares judge_quorum for an env whose judge has n
// judges (0: none configured). Its default 0 means all of them.
func JudgeQuorumOption(n int) OptionSpec {
	hi := int64(n)
	if hi < 1 {
		hi = 1 << 31
	}
	return OptionSpec{Name: OptJudgeQuorum, Type: Int, Default: int64(0), Check: IntRange(1, hi),
		Description: "how many judges must give a valid verdict for a SCORED reward, 1 … number of judges (0: all of them)"}
}

// NoJudge is Reset's error for a judged env without a judge: the request is
// refused before the trainer spends a generation on it.
func NoJudge(env string) error {
	return fmt.Errorf("%w: %s is scored by an LLM judge and none is configured: start the server with --judge-url URL and --judge-model NAME (or a judges: list in the config file)",
		ErrPrecondition, env)
}

// JudgeParser is the parser id of a judged env's questions: the env, its
// version and its compat mode ("medec@1.0.0", "medec@1.0.0+medmarks"). It
// is part of the judge cache key, so a reply read under one rule is never
// served to another.
func JudgeParser(env string, opts Values) string {
	id := env + "@" + Version
	if c := opts.String(OptCompat); c != CompatNone {
		id += "+" + c
	}
	return id
}

// AskJudge asks j and combines the judges' scores (../spec/common.md §8):
// the mean over the valid ones if at least quorum judges (≤ 0: all) gave
// one. A nil j asks nobody: the outcome fails with "no judge configured".
// score reads one valid verdict; its error counts that judge as failed. The
// error is the context's, when it ended first: the call failed.
func AskJudge(ctx context.Context, j Judge, q judge.Question, quorum int64, score func(judge.Verdict) (float64, error)) (judge.Outcome, []judge.Verdict, error) {
	if j == nil || j.Count() == 0 {
		return judge.Combine(nil, int(quorum)), nil, nil
	}
	vs, err := j.Ask(ctx, q)
	if err != nil {
		return judge.Outcome{}, nil, err
	}
	scores := make([]judge.Score, len(vs))
	for i, v := range vs {
		scores[i] = v.Score(score)
	}
	return judge.Combine(scores, int(quorum)), vs, nil
}

// EscapeSections makes text safe to place inside a judge prompt's tagged
// section (../spec/common.md §8): every opening or closing form of one of
// tags, case-insensitive (with optional spaces inside the brackets, as a
// judge would still read "< /context >" as a tag), gets its '<' replaced by
// "&lt;", so the text cannot close its section and speak as the prompt.
// Tags are ASCII names without brackets ("context").
func EscapeSections(text string, tags ...string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '<' || !isSectionTag(text[i:], tags) {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(text) + 8)
		}
		b.WriteString(text[last:i])
		b.WriteString("&lt;")
		last = i + 1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// isSectionTag reports whether s starts with '<', optional spaces, an
// optional '/', optional spaces, one of tags (ASCII case-insensitive),
// optional spaces and '>'.
func isSectionTag(s string, tags []string) bool {
	i := skipBlank(s, 1)
	if i < len(s) && s[i] == '/' {
		i = skipBlank(s, i+1)
	}
	for _, t := range tags {
		if len(s)-i < len(t) || !asciiEqualFold(s[i:i+len(t)], t) {
			continue
		}
		j := skipBlank(s, i+len(t))
		if j < len(s) && s[j] == '>' {
			return true
		}
	}
	return false
}

func skipBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// asciiEqualFold compares ASCII letters case-insensitively and every other
// byte exactly (so no Unicode folding such as K for the Kelvin sign).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Shorten keeps a text readable in a reward's detail: at most n characters
// (code points), with "…" when cut.
func Shorten(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
