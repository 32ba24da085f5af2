package meddialog

import (
	"context"
	"fmt"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/judge"
)

// componentsOf builds the three components from their values.
func componentsOf(v [3]float64) []rewards.Component {
	cs := make([]rewards.Component, 3)
	for i, k := range criteria {
		cs[i] = rewards.Component{Name: k, Value: v[i], Weight: 1.0 / 3}
	}
	return cs
}

// grade scores a completion against r (med_dialog.md §5), asking j. The
// error is the context's, when it ended while the judge was asked.
func grade(ctx context.Context, j envs.Judge, r *row, c envs.Completion, opts envs.Values) (rewards.Reward, error) {
	compat := opts.String(envs.OptCompat) == envs.CompatMedmarks
	sum := summary(c)
	var d strings.Builder
	fmt.Fprintf(&d, "summary %q", envs.Shorten(sum, 200))
	if sum == "" {
		d.WriteString(": empty (no text, or <think> never closed), 0 without a judge call")
		return rewards.Reward{Value: 0, Components: componentsOf([3]float64{}), Status: rewards.Scored, Detail: d.String()}, nil
	}
	prompt := judgePrompt(r.src, sum, r.tgt)
	if rw, over := envs.JudgePromptTooLong(prompt, "example.src", func() string { return judgePrompt(r.src, "", r.tgt) }); over {
		return rw, nil
	}
	q := judge.Question{Prompt: prompt, Parser: envs.JudgeParser(Name, opts), Parse: parser(compat)}
	o, vs, err := judgedenv.Ask(ctx, j, q, opts.Int(envs.OptJudgeQuorum), func(rt rating) float64 { return rt.Mean })
	if err != nil {
		return rewards.Reward{}, err
	}
	ratings := make([]rating, len(vs))
	for i, v := range vs {
		ratings[i] = v.Parsed
		describe(&d, v.Judge, v.Parsed)
	}
	d.WriteString("\n" + o.Detail)
	if !o.OK {
		return rewards.Reward{Status: rewards.JudgeFailed, Detail: d.String()}, nil
	}
	for _, rt := range ratings {
		if compat && rt.Bare {
			d.WriteString("\ncompat: a criterion is a bare value, on which upstream's reward function raises: the whole reward is 0")
			return rewards.Reward{Value: 0, Components: componentsOf([3]float64{}), Status: rewards.Scored, Detail: d.String()}, nil
		}
	}
	// Each component is the mean over the judges; under compat a judge's
	// missing criterion takes that judge's own mean, so that the
	// components still add up to the reward.
	var v [3]float64
	for _, rt := range ratings {
		for i := range criteria {
			if rt.Has[i] {
				v[i] += rt.Norm[i]
			} else {
				v[i] += rt.Mean
			}
		}
	}
	for i := range v {
		v[i] /= float64(len(ratings))
	}
	return rewards.Reward{Value: (v[0] + v[1] + v[2]) / 3, Components: componentsOf(v), Status: rewards.Scored, Detail: d.String()}, nil
}

// describe writes one judge's scores and explanations.
func describe(d *strings.Builder, name string, rt rating) {
	fmt.Fprintf(d, "\n%s:", name)
	if rt.NoJSON {
		d.WriteString(" no JSON object in the reply: 0 (compat)")
		return
	}
	for i, k := range criteria {
		if i > 0 {
			d.WriteByte(',')
		}
		if !rt.Has[i] {
			fmt.Fprintf(d, " %s missing", k)
			continue
		}
		fmt.Fprintf(d, " %s %g", k, rt.Raw[i])
		if rt.Explanations[i] != "" {
			fmt.Fprintf(d, " (%s)", rt.Explanations[i])
		}
	}
	fmt.Fprintf(d, " → %.4g", rt.Mean)
}
