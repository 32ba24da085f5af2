package medec

import (
	"context"
	"fmt"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// Name is the env's name.
const Name = "medec"

// OptEvalMethod is upstream's eval_method argument; only "judge" is served.
const OptEvalMethod = "eval_method"

// Component names and weights (medec.md §5.1).
const (
	compFlag       = "error_flag"
	compSentence   = "error_sentence"
	compCorrection = "error_correction"
)

var components = []envs.ComponentInfo{
	{Name: compFlag, Weight: 0.25, Description: "1 when the predicted error flag (CORRECT or a sentence id) matches the gold Error Flag"},
	{Name: compSentence, Weight: 0.25, Description: "1 when the predicted sentence id equals the gold Error Sentence ID (-1 for no error)"},
	{Name: compCorrection, Weight: 0.5, Description: "LLM-judged correction of the right sentence (four-question rubric); 1 for CORRECT on a text without error"},
}

// New loads MEDEC from set.Data and takes its judge from set. The env is
// safe for concurrent use.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	rows, reason, err := load(set, judgedenv.Logger(set, Name))
	if err != nil {
		return nil, err
	}
	spec := judgedenv.Spec[*row]{Name: Name, Components: components,
		Description: "MEDEC (MEDIQA-CORR 2024, MS collection): find the one medical error in a clinical text, name its sentence and correct it; the correction is judged by an LLM",
		Options:     options, Prompt: prompt, Vars: templateVars, Inline: inline, Grade: grade}
	names := envs.Splits{Env: Name, Known: splitNames, Aliases: map[string]string{"train_ms": "train"},
		Loaded: rows.Names(), Reason: reason,
		Unserved: func(s string) string {
			return fmt.Sprintf("no data for it under --data (looked for %v)", layout.Looked(s))
		}}
	return judgedenv.New(spec, rows, names, set), nil
}

// options are MEDEC's options for a judge of n judges.
func options(n int) []envs.OptionSpec {
	return []envs.OptionSpec{
		envs.JudgeQuorumOption(n),
		{Name: OptEvalMethod, Type: envs.String, Default: "judge",
			Description: `accepted for upstream compatibility; only "judge" is supported`,
			Check: func(v any) error {
				if v.(string) != "judge" {
					return fmt.Errorf(`only "judge" is supported, got %q: upstream's "metrics" and "both" (ROUGE-1, BERTScore, BLEURT) need neural checkpoints and are not offered`, v)
				}
				return nil
			}},
	}
}
