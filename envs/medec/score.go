package medec

import (
	"context"
	"fmt"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// verdict is the part of a grade decided without the judge: the flag and
// sentence components, and the correction's unless the judge must be asked.
type verdict struct {
	flag, sentence, correction float64
	askJudge                   bool
	why                        string
}

// decide applies the scoring table of medec.md §5.1.
func decide(r *row, a answer) verdict {
	id := errorID{}
	if a.hasErrorID {
		id = parseErrorID(a.errorID)
	}
	switch {
	case !a.found:
		return verdict{why: "no <error_id>, <incorrect_sentence> or <correction> in any assistant message"}
	case id.kind == idInvalid && !a.hasErrorID:
		return verdict{why: "no <error_id>: invalid"}
	case id.kind == idInvalid:
		return verdict{why: "invalid <error_id>"}
	case r.flag == 0 && id.kind == idNoError:
		return verdict{flag: 1, sentence: 1, correction: 1, why: "no error, as gold"}
	case r.flag == 0:
		return verdict{why: "names an error in a text without one"}
	case id.kind == idNoError:
		return verdict{why: "says no error in a text with one"}
	case id.n != r.errID:
		return verdict{flag: 1, why: "error found but the wrong sentence"}
	case emptyCorrection(a.correction):
		return verdict{flag: 1, sentence: 1, why: "right sentence, empty correction: not judged"}
	}
	return verdict{flag: 1, sentence: 1, askJudge: true, why: "right sentence: correction judged"}
}

// decideCompat is upstream's scoring (medec.md §7, compat column): the
// "correct" substring and Python int() for the flag, substring containment
// for the sentence, the judge for any correction once the flag passed.
func decideCompat(r *row, a answer) verdict {
	flag := false
	switch {
	case !a.hasErrorID:
	case r.errID == -1:
		flag = strings.Contains(strings.ToLower(a.errorID), "correct")
	default:
		n, ok := pyInt(a.errorID)
		flag = ok && n == r.errID
	}
	switch {
	case !flag:
		return verdict{why: "compat: flag failed"}
	case r.errID == -1:
		return verdict{flag: 1, sentence: 1, correction: 1, why: "compat: \"correct\" found in <error_id> on a text without error"}
	}
	v := verdict{flag: 1, askJudge: true, why: "compat: sentence id matches; correction judged"}
	if strings.Contains(envs.TrimPy(r.errSentence), envs.TrimPy(a.incorrect)) {
		v.sentence = 1
	}
	return v
}

// grade scores a completion against r, asking j. The error is the
// context's, when it ended while the judge was asked.
func grade(ctx context.Context, j envs.Judge, r *row, c envs.Completion, opts envs.Values) (rewards.Reward, error) {
	compat := opts.String(envs.OptCompat) == envs.CompatMedmarks
	a := readAnswer(c.AssistantTexts(), compat)
	v := decide(r, a)
	if compat {
		v = decideCompat(r, a)
	}
	var d strings.Builder
	describe(&d, r, a, v)
	comps := func(correction *float64) []rewards.Component {
		cs := []rewards.Component{{Name: compFlag, Value: v.flag, Weight: 0.25}, {Name: compSentence, Value: v.sentence, Weight: 0.25}}
		if correction != nil {
			cs = append(cs, rewards.Component{Name: compCorrection, Value: *correction, Weight: 0.5})
		}
		return cs
	}
	if !v.askJudge {
		d.WriteString("\njudge: not called")
		cs := comps(&v.correction)
		return rewards.Reward{Value: rewards.Weighted(cs), Components: cs, Status: rewards.Scored, Detail: d.String()}, nil
	}

	narrative := ""
	if !compat {
		narrative = judgeContext(r.sentences, r.errID)
	}
	prompt := judgePrompt(narrative, r.corrected, a.correction)
	if rw, over := envs.JudgePromptTooLong(prompt, "example."+colSentences, func() string { return judgePrompt(narrative, r.corrected, "") }); over {
		return rw, nil
	}
	q := judge.Question{Prompt: prompt, Parser: envs.JudgeParser(Name, opts), Parse: parser(compat)}
	o, vs, err := judgedenv.Ask(ctx, j, q, opts.Int(envs.OptJudgeQuorum), func(rb rubric) float64 { return rb.Score })
	if err != nil {
		return rewards.Reward{}, err
	}
	d.WriteString("\njudge:")
	for _, v := range vs {
		rb := v.Parsed
		fmt.Fprintf(&d, "\n  %s: ", v.Judge)
		for i, q := range questions {
			if i > 0 {
				d.WriteString(", ")
			}
			switch ans := rb.Answers[i]; {
			case ans == nil:
				fmt.Fprintf(&d, "%s missing", q)
			default:
				fmt.Fprintf(&d, "%s %v", q, *ans)
			}
		}
		fmt.Fprintf(&d, " → %.4g", rb.Score)
		if rb.Analysis != "" {
			fmt.Fprintf(&d, " (%s)", envs.Shorten(rb.Analysis, 200))
		}
	}
	d.WriteString("\n" + o.Detail)
	if !o.OK {
		if compat {
			cs := []rewards.Component{{Weight: 0.25, Value: v.flag}, {Weight: 0.25, Value: v.sentence}}
			fmt.Fprintf(&d, "\ncompat: upstream would have scored error_correction 0 (reward %.4g)", rewards.Weighted(cs))
		}
		return rewards.Reward{Components: comps(nil), Status: rewards.JudgeFailed, Detail: d.String()}, nil
	}
	cs := comps(&o.Value)
	return rewards.Reward{Value: rewards.Weighted(cs), Components: cs, Status: rewards.Scored, Detail: d.String()}, nil
}

// describe writes the first lines of the detail: what was parsed and the
// gold (medec.md §5.3).
func describe(d *strings.Builder, r *row, a answer, v verdict) {
	switch {
	case !a.found:
		d.WriteString("no answer tags")
	case !a.hasErrorID:
		d.WriteString("error_id: missing")
	default:
		fmt.Fprintf(d, "error_id %q → %s", envs.Shorten(a.errorID, 40), parseErrorID(a.errorID))
	}
	if r.flag == 1 {
		fmt.Fprintf(d, "; gold: error at sentence %d", r.errID)
		if r.errType != "" {
			fmt.Fprintf(d, " (%s)", r.errType)
		}
	} else {
		d.WriteString("; gold: no error")
	}
	fmt.Fprintf(d, "; %s", v.why)
	if a.hasIncorrect {
		fmt.Fprintf(d, "\nincorrect_sentence %q", envs.Shorten(a.incorrect, 200))
		if a.hasErrorID {
			if id := parseErrorID(a.errorID); id.kind == idSentence {
				if line, ok := numberedLine(r.sentences, id.n); ok && a.incorrect != "" && line != a.incorrect {
					fmt.Fprintf(d, " (differs from line %d of the text)", id.n)
				}
			}
		}
	}
	if a.hasCorrection {
		fmt.Fprintf(d, "\ncorrection %q", envs.Shorten(a.correction, 200))
	}
}
