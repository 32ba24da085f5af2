package medec

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

// Gold is a row's gold as loaded, for comparing loaders.
type Gold struct {
	ID, Sentences, ErrorSentence, Corrected, ErrorType string
	Flag, ErrID                                        int
}

// Rows lists a split's rows in serving order.
func Rows(e envs.Env, split string) []Gold {
	t := e.(*judgedenv.Env[*row]).Rows().(*judgedenv.Tables[*row]).Table(split)
	if t == nil {
		return nil
	}
	out := make([]Gold, t.Len())
	for i := range out {
		id, r, _ := t.At(i)
		out[i] = Gold{ID: id, Sentences: r.sentences, ErrorSentence: r.errSentence, Corrected: r.corrected,
			ErrorType: r.errType, Flag: r.flag, ErrID: r.errID}
	}
	return out
}

// Exported parsers for the table and fuzz tests.
var (
	JudgeContext = judgeContext
	PyInt        = pyInt
)

// ParseErrorID returns the kind ("no error", "error at sentence n",
// "invalid") of an <error_id> value.
func ParseErrorID(v string) string { return parseErrorID(v).String() }

// ReadAnswer returns the <error_id> value read from the assistant texts
// and whether one was found.
func ReadAnswer(texts []string, compat bool) (errorID string, ok bool) {
	a := readAnswer(texts, compat)
	return a.errorID, a.hasErrorID
}

// ParseRubric parses a judge reply; it returns the four answers as
// "true", "false" or "" (missing) and the score.
func ParseRubric(reply string, compat bool) (answers [4]string, score float64, err error) {
	b, err := parser(compat)(reply)
	if err != nil {
		return answers, 0, err
	}
	var r rubric
	if err := json.Unmarshal(b, &r); err != nil {
		return answers, 0, err
	}
	for i, a := range r.Answers {
		if a != nil {
			answers[i] = map[bool]string{true: "true", false: "false"}[*a]
		}
	}
	return answers, r.Score, nil
}

// EmptyCorrection exposes the empty-correction rule.
var EmptyCorrection = emptyCorrection
