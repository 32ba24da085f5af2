package medec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// Column names of the MEDEC files and of the Hugging Face export
// sauravlmx/MEDEC-MS (medec.md §2.2).
const (
	colTextID        = "Text ID"
	colSentences     = "Sentences"
	colFlag          = "Error Flag"
	colSentenceID    = "Error Sentence ID"
	colErrorSentence = "Error Sentence"
	colCorrected     = "Corrected Sentence"
	colErrorType     = "Error Type"
)

// splitNames are the splits in ../spec/common.md §1 order, as layout
// names them.
var splitNames = []string{"test_ms", "validation_ms", "train"}

// required are the columns a file must have; an inline example needs them
// all but Text ID.
var required = []string{colTextID, colSentences, colFlag, colSentenceID, colErrorSentence, colCorrected}

// layout names the original files (medec.md §2.1); exports are found by
// split name (test_ms…, validation_ms…, train… — train_ms… included).
var layout = dataset.Layout{Dir: Name, CSV: true, Want: []dataset.Want{
	{Key: "test_ms", Files: []string{"MEDEC-MS-TestSet-with-GroundTruth-and-ErrorType.csv"}},
	{Key: "validation_ms", Files: []string{"MEDEC-MS-ValidationSet-with-GroundTruth-and-ErrorType.csv"}},
	{Key: "train", Files: []string{"MEDEC-Full-TrainingSet-with-ErrorType.csv"}},
}}

// row is one served text, parsed once at start-up and shared read-only;
// its example id is kept by its table.
type row struct {
	// sentences is the Sentences field, line ends normalised to \n and
	// trailing whitespace removed: what the model sees.
	sentences string
	// flag is the gold Error Flag (0 or 1); errID the gold Error Sentence
	// ID, -1 when flag is 0.
	flag, errID int
	errSentence string
	corrected   string
	errType     string
}

// rawRow holds a row's fields as raw JSON: absent (nil), null, a string,
// or (flag and id in a parquet export) a number.
type rawRow struct {
	TextID        json.RawMessage `json:"Text ID"`
	Sentences     json.RawMessage `json:"Sentences"`
	Flag          json.RawMessage `json:"Error Flag"`
	SentenceID    json.RawMessage `json:"Error Sentence ID"`
	ErrorSentence json.RawMessage `json:"Error Sentence"`
	Corrected     json.RawMessage `json:"Corrected Sentence"`
	ErrorType     json.RawMessage `json:"Error Type"`
}

func (r *rawRow) field(col string) json.RawMessage {
	switch col {
	case colTextID:
		return r.TextID
	case colSentences:
		return r.Sentences
	case colFlag:
		return r.Flag
	case colSentenceID:
		return r.SentenceID
	case colErrorSentence:
		return r.ErrorSentence
	case colCorrected:
		return r.Corrected
	case colErrorType:
		return r.ErrorType
	}
	return nil
}

// build checks a row (medec.md §2.2–2.3) and returns it with its Text ID,
// or what is wrong with it and, when known, its Text ID. An inline example
// needs no Text ID.
func (r *rawRow) build(inline bool) (*row, string, *judgedenv.Problem) {
	for _, c := range required {
		if inline && c == colTextID {
			continue
		}
		if len(r.field(c)) == 0 {
			return nil, "", &judgedenv.Problem{Col: c, Why: "required", Absent: true}
		}
	}
	text := func(col string) (string, *judgedenv.Problem) {
		s, ok := textOf(r.field(col))
		if !ok {
			return "", &judgedenv.Problem{Col: col, Why: "want a string"}
		}
		return normalise(s), nil
	}
	id, p := text(colTextID)
	if p != nil {
		return nil, "", p
	}
	id = envs.TrimPy(id)
	if !inline && id == "" {
		return nil, "", &judgedenv.Problem{Col: colTextID, Why: "empty Text ID"}
	}
	out := &row{}
	if out.sentences, p = text(colSentences); p != nil {
		return nil, id, p
	}
	out.sentences = strings.TrimRightFunc(out.sentences, envs.IsPySpace)
	if out.sentences == "" {
		return nil, id, &judgedenv.Problem{Col: colSentences, Why: "empty Sentences"}
	}
	flag, ok := intOf(r.Flag)
	if !ok || (flag != 0 && flag != 1) {
		return nil, id, &judgedenv.Problem{Col: colFlag, Why: "Error Flag not 0 or 1"}
	}
	n, ok := intOf(r.SentenceID)
	if !ok || n < -1 {
		return nil, id, &judgedenv.Problem{Col: colSentenceID, Why: "Error Sentence ID not an integer ≥ -1"}
	}
	if (flag == 1) != (n >= 0) {
		return nil, id, &judgedenv.Problem{Col: colSentenceID, Why: "Error Flag and Error Sentence ID disagree"}
	}
	out.flag, out.errID = flag, n
	if out.errSentence, p = text(colErrorSentence); p != nil {
		return nil, id, p
	}
	if out.corrected, p = text(colCorrected); p != nil {
		return nil, id, p
	}
	out.corrected = envs.TrimPy(out.corrected)
	if len(r.ErrorType) > 0 {
		out.errType, _ = textOf(r.ErrorType)
		out.errType = envs.TrimPy(out.errType)
	}
	return out, id, nil
}

// textOf reads a string field; null is "". A number is accepted as its
// text (a parquet export may type a column loosely).
func textOf(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), json.Valid(raw)
	}
	return "", false
}

// intOf reads Error Flag or Error Sentence ID: an integer, or a string
// holding one (the CSV's "1", "-1").
func intOf(raw json.RawMessage) (int, bool) {
	s, ok := textOf(raw)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// normalise turns \r\n and lone \r into \n (medec.md §2.2).
func normalise(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// load reads every split present under set.Data; reason says why none is.
func load(set envs.Settings, log *zap.Logger) (*judgedenv.Tables[*row], string, error) {
	srcs, reason, err := judgedenv.Discover(set, layout, log)
	if err != nil {
		return nil, "", err
	}
	t, err := judgedenv.ReadTables(set.Data, log, Name, splitNames, srcs, dataset.Format{CSV: true, Columns: required},
		func(r *rawRow) (*row, string, *judgedenv.Problem) { return r.build(false) })
	if err != nil {
		return nil, "", err
	}
	if reason == "" && len(t.Names()) == 0 {
		reason = noFiles()
	}
	return t, reason, nil
}

func noFiles() string {
	return fmt.Sprintf("no data under %s/ (original files %s, %s or %s, or Hugging Face exports named test_ms…, validation_ms…, train…)",
		Name, layout.Want[0].Files[0], layout.Want[1].Files[0], layout.Want[2].Files[0])
}

// inline parses an inline example given to Score.
func inline(raw []byte) (*row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, envs.Inputf("example", "not a JSON object of MEDEC columns: %v", err)
	}
	out, _, p := r.build(true)
	if p != nil {
		why := p.Why
		if !p.Absent {
			why = "invalid: " + why
		}
		return nil, envs.Inputf("example."+p.Col, "%s", why)
	}
	return out, nil
}
