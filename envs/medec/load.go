package medec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
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

// row is one served text, parsed once at start-up and shared read-only.
type row struct {
	id string
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

// problem is what is wrong with a row: the column and why. skip says the
// row is left out (a file row) rather than malformed (an inline example is
// INVALID_INPUT either way).
type problem struct {
	col, why string
}

// build checks a row (medec.md §2.2–2.3). A required column that is absent
// is a problem with missing set; other problems are reasons to skip.
func (r *rawRow) build(inline bool) (*row, *problem, bool) {
	for _, c := range required {
		if inline && c == colTextID {
			continue
		}
		if len(r.field(c)) == 0 {
			return nil, &problem{c, "required"}, true
		}
	}
	text := func(col string) (string, *problem) {
		s, ok := textOf(r.field(col))
		if !ok {
			return "", &problem{col, "want a string"}
		}
		return normalise(s), nil
	}
	out := &row{}
	var p *problem
	if out.id, p = text(colTextID); p != nil {
		return nil, p, false
	}
	out.id = envs.TrimPy(out.id)
	if !inline && out.id == "" {
		return out, &problem{colTextID, "empty Text ID"}, false
	}
	if out.sentences, p = text(colSentences); p != nil {
		return out, p, false
	}
	out.sentences = strings.TrimRightFunc(out.sentences, envs.IsPySpace)
	if out.sentences == "" {
		return out, &problem{colSentences, "empty Sentences"}, false
	}
	flag, ok := intOf(r.Flag)
	if !ok || (flag != 0 && flag != 1) {
		return out, &problem{colFlag, "Error Flag not 0 or 1"}, false
	}
	id, ok := intOf(r.SentenceID)
	if !ok || id < -1 {
		return out, &problem{colSentenceID, "Error Sentence ID not an integer ≥ -1"}, false
	}
	if (flag == 1) != (id >= 0) {
		return out, &problem{colSentenceID, "Error Flag and Error Sentence ID disagree"}, false
	}
	out.flag, out.errID = flag, id
	if out.errSentence, p = text(colErrorSentence); p != nil {
		return out, p, false
	}
	if out.corrected, p = text(colCorrected); p != nil {
		return out, p, false
	}
	out.corrected = envs.TrimPy(out.corrected)
	if len(r.ErrorType) > 0 {
		out.errType, _ = textOf(r.ErrorType)
		out.errType = envs.TrimPy(out.errType)
	}
	return out, nil, false
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

// split is one loaded split.
type split struct {
	name  string
	table *dataset.Table[*row]
}

// load reads every split present under set.Data.
func load(set envs.Settings, log *zap.Logger) ([]*split, string, error) {
	if set.Data == nil {
		return nil, "no data directory", nil
	}
	srcs, err := dataset.Discover(set.Data, layout, log)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Sprintf("no %s/ folder in the data directory", Name), nil
		}
		return nil, "", err
	}
	var out []*split
	for _, w := range layout.Want {
		src, ok := srcs[w.Key]
		if !ok {
			continue
		}
		b := dataset.NewBuilder[*row](600)
		err := dataset.Read(set.Data, src, dataset.Format{CSV: true, Columns: required}, func(dr dataset.Row) error {
			var raw rawRow
			if err := json.Unmarshal(dr.Data, &raw); err != nil {
				return fmt.Errorf("not a row object: %w", err)
			}
			r, p, absent := raw.build(false)
			switch {
			case absent:
				return fmt.Errorf("missing column %q", p.col)
			case p != nil:
				id := ""
				if r != nil {
					id = r.id
				}
				b.Skip(id, p.why)
			default:
				r.id = b.Add(r.id, r)
			}
			return nil
		})
		if err != nil {
			return nil, "", err
		}
		t := b.Table()
		log.Info("split loaded", append([]zap.Field{zap.String("env", Name), zap.String("split", w.Key),
			zap.Strings("files", src.Files)}, t.Stats().Fields()...)...)
		if t.Len() > 0 {
			out = append(out, &split{name: w.Key, table: t})
		}
	}
	if len(out) == 0 {
		return nil, noFiles(), nil
	}
	return out, "", nil
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
	out, p, _ := r.build(true)
	if p != nil {
		why := p.why
		if why != "required" {
			why = "invalid: " + why
		}
		return nil, envs.Inputf("example."+p.col, "%s", why)
	}
	return out, nil
}
