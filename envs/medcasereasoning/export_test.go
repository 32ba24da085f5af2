package medcasereasoning

import (
	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// WithJudge returns a copy of e (from New) that asks j.
func WithJudge(e envs.Env, j envs.Judge) envs.Env {
	return e.(*judgedenv.Env[*row]).WithJudge(j)
}

// Row is a loaded row.
type Row struct{ ID, CasePrompt, Diagnosis string }

// Rows lists a split's rows in serving order.
func Rows(e envs.Env, split string) []Row {
	t := e.(*judgedenv.Env[*row]).Rows().(*judgedenv.Tables[*row]).Table(split)
	if t == nil {
		return nil
	}
	out := make([]Row, t.Len())
	for i := range out {
		id, r, _ := t.At(i)
		out[i] = Row{ID: id, CasePrompt: r.casePrompt, Diagnosis: r.diagnosis}
	}
	return out
}

// Parsers, for the table and fuzz tests.
var (
	VerdictWord   = verdictWord
	VerdictCompat = verdictCompat
	ReadAnswer    = readAnswer
)
