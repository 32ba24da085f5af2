package medcasereasoning

import "github.com/medarc-ai/medmarks-t/envs"

// WithJudge returns a copy of e (a *Env) that asks j.
func WithJudge(e envs.Env, j envs.Judge) envs.Env {
	c := *e.(*Env)
	c.judge = j
	if j == nil || j.Count() == 0 {
		c.judge = nil
	}
	return &c
}

// Row is a loaded row.
type Row struct{ ID, CasePrompt, Diagnosis string }

// Rows lists a split's rows in serving order.
func Rows(e envs.Env, split string) []Row {
	s := e.(*Env).splits[split]
	if s == nil {
		return nil
	}
	out := make([]Row, s.table.Len())
	for i := range out {
		_, r, _ := s.table.At(i)
		out[i] = Row{ID: r.id, CasePrompt: r.casePrompt, Diagnosis: r.diagnosis}
	}
	return out
}

// Parsers, for the table and fuzz tests.
var (
	VerdictWord   = verdictWord
	VerdictCompat = verdictCompat
	ReadAnswer    = readAnswer
)
