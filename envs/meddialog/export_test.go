package meddialog

import (
	"encoding/json"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// WithJudge returns a copy of e (from New) that asks j, so that tests load
// the data once and try many judges.
func WithJudge(e envs.Env, j envs.Judge) envs.Env {
	return e.(*judgedenv.Env[*row]).WithJudge(j)
}

// Row is a loaded row, for comparing loaders.
type Row struct{ ID, Src, Tgt, FileID string }

// Rows lists a split's rows, all subsets, in serving order.
func Rows(e envs.Env, split string) []Row {
	s := e.(*judgedenv.Env[*row]).Rows().(splits)[split]
	if s == nil {
		return nil
	}
	var out []Row
	for _, p := range s.parts {
		for i := range p.table.Len() {
			id, r, _ := p.table.At(i)
			out = append(out, Row{ID: id, Src: r.src, Tgt: r.tgt, FileID: r.fileID})
		}
	}
	return out
}

// Summary is the clean text the judge sees.
var Summary = summary

// Rating is a parsed judge reply.
type Rating struct {
	Raw  [3]float64
	Norm [3]float64
	Has  [3]bool
	Mean float64
	// NoJSON and Bare are compat's outcomes.
	NoJSON, Bare bool
}

// ParseRating parses a judge reply as the Question's parser does.
func ParseRating(reply string, compat bool) (Rating, error) {
	b, err := parser(compat)(reply)
	if err != nil {
		return Rating{}, err
	}
	var r rating
	if err := json.Unmarshal(b, &r); err != nil {
		return Rating{}, err
	}
	return Rating{Raw: r.Raw, Norm: r.Norm, Has: r.Has, Mean: r.Mean, NoJSON: r.NoJSON, Bare: r.Bare}, nil
}

// ObjectSpans exposes the balanced-object scan.
var ObjectSpans = objectSpans
