package medcalcbench

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// Variant names (option dataset_variant) and their folders under
// medcalc_bench/, in the order the default is chosen (spec §2.1).
const (
	VariantVerified = "verified"
	Variant12       = "1.2"
	Variant10       = "1.0"
)

type variantDef struct {
	name, dir string
	aliases   []string
}

var variantDefs = []variantDef{
	{name: VariantVerified, dir: "verified"},
	{name: Variant12, dir: "v1.2", aliases: []string{"v1.2"}},
	{name: Variant10, dir: "v1.0", aliases: []string{"v1.0"}},
}

// Split names, in the order of ../spec/common.md §1: the default first,
// train last.
const (
	SplitTest    = "test"
	SplitOneShot = "one_shot"
	SplitTrain   = "train"
)

var splitNames = []string{SplitTest, SplitOneShot, SplitTrain}

// canonicalVariant maps a variant name or alias to its name; ok is false
// for an unknown one.
func canonicalVariant(s string) (string, bool) {
	for _, d := range variantDefs {
		if s == d.name || slices.Contains(d.aliases, s) {
			return d.name, true
		}
	}
	return "", false
}

// ignoredFile is the original evaluation's one-shot file: never read, the
// one-shot exemplars come from the Verified one_shot split (spec §2.1).
const ignoredFile = "one_shot_finalized_explanation.json"

// Columns of the files (spec §2.2).
const (
	colRowNumber   = "Row Number"
	colCalcID      = "Calculator ID"
	colCalcName    = "Calculator Name"
	colCategory    = "Category"
	colNote        = "Patient Note"
	colQuestion    = "Question"
	colAnswer      = "Ground Truth Answer"
	colLower       = "Lower Limit"
	colUpper       = "Upper Limit"
	colExplanation = "Ground Truth Explanation"
)

// csvColumns are the columns a CSV header must have.
var csvColumns = []string{colCalcID, colNote, colQuestion, colAnswer, colLower, colUpper}

// Row is one served example, parsed once at start-up and shared read-only.
type Row struct {
	ID       string
	Gold     medcalc.Gold
	Note     string
	Question string
	// Explanation is kept for the one_shot split only (the exemplar's
	// response).
	Explanation string
}

// split is one loaded split of one variant.
type split struct {
	variant string
	name    string
	table   *dataset.Table[*Row]
}

// qualified is the split's name in ListEnvs: "1.0/test".
func (s *split) qualified() string { return s.variant + "/" + s.name }

// variant is one loaded dataset variant.
type variant struct {
	def    variantDef
	splits map[string]*split
}

// order lists the loaded splits in splitNames order.
func (v *variant) order() []*split {
	var out []*split
	for _, n := range splitNames {
		if s, ok := v.splits[n]; ok {
			out = append(out, s)
		}
	}
	return out
}

// loadVariant discovers and reads one variant folder. A missing folder is
// no error: the variant is simply not loaded (nil).
func loadVariant(set envs.Settings, log *zap.Logger, d variantDef) (*variant, error) {
	if set.Data == nil {
		return nil, nil
	}
	fsys := hideFS{set.Data}
	dir := path.Join(Name, d.dir)
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	// Top-level files named after their split are the originals: they win
	// over the data/ exports of the same split (spec §2.1).
	l := dataset.Layout{Dir: dir, CSV: true}
	for _, sn := range splitNames {
		var files []string
		for _, e := range entries {
			if !e.IsDir() && topLevelSource(e.Name(), sn) {
				files = append(files, e.Name())
			}
		}
		// CSV first: the projects' own files before a top-level export.
		slices.SortStableFunc(files, func(a, b string) int {
			return cmp.Compare(csvRank(a), csvRank(b))
		})
		l.Want = append(l.Want, dataset.Want{Key: sn, Files: files})
	}
	srcs, err := dataset.Discover(fsys, l, log)
	if err != nil {
		return nil, err
	}
	v := &variant{def: d, splits: map[string]*split{}}
	for _, sn := range splitNames {
		src, ok := srcs[sn]
		if !ok {
			continue
		}
		t, err := readSplit(fsys, log, d.name, sn, src)
		if err != nil {
			return nil, err
		}
		if t.Len() > 0 {
			v.splits[sn] = &split{variant: d.name, name: sn, table: t}
		}
	}
	return v, nil
}

// topLevelSource reports whether a file directly in a variant folder is a
// data file of split sn: its name starts with the split name followed by
// a non-letter ("test_data.csv", "test_data_11_18_final.csv", "test.jsonl").
func topLevelSource(name, sn string) bool {
	if name == ignoredFile {
		return false
	}
	stem := strings.TrimSuffix(name, ".gz")
	ok := false
	for _, ext := range []string{".csv", ".jsonl", ".json", ".ndjson", ".parquet"} {
		if s, cut := strings.CutSuffix(stem, ext); cut {
			stem, ok = s, true
			break
		}
	}
	rest, has := strings.CutPrefix(stem, sn)
	if !ok || !has {
		return false
	}
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z')
}

func csvRank(name string) int {
	if strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".csv.gz") {
		return 0
	}
	return 1
}

// readSplit reads one source into a table and logs its start-up line.
func readSplit(fsys fs.FS, log *zap.Logger, variantName, sn string, src dataset.Source) (*dataset.Table[*Row], error) {
	b := dataset.NewBuilder[*Row](0)
	in := newInterner()
	inverted := 0
	err := dataset.Read(fsys, src, dataset.Format{CSV: true, Columns: csvColumns}, func(r dataset.Row) error {
		var raw rawRow
		if err := json.Unmarshal(r.Data, &raw); err != nil {
			return fmt.Errorf("not a row object: %w", err)
		}
		row, skip := raw.build(true, in)
		if skip != nil {
			b.Skip(raw.RowNumber.text(), skip.reason)
			return nil
		}
		if sn != SplitOneShot {
			row.Explanation = ""
		}
		if row.Gold.LimitsInverted() {
			inverted++
			log.Warn("Lower Limit above Upper Limit: no answer can pass this row",
				zap.String("env", Name), zap.String("variant", variantName), zap.String("split", sn), zap.String("row", raw.RowNumber.text()))
		}
		row.ID = b.Add(raw.RowNumber.text(), row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := b.Table()
	for i := range t.Len() {
		id, r, _ := t.At(i)
		r.ID = id
	}
	log.Info("split loaded", append([]zap.Field{zap.String("env", Name), zap.String("variant", variantName),
		zap.String("split", sn), zap.Strings("files", src.Files), zap.Int("inverted_limits", inverted)}, t.Stats().Fields()...)...)
	return t, nil
}

// cell is one column of a row: text as given, or a JSON number (parquet
// int64, JSON Lines numbers) converted to its shortest decimal text.
type cell struct {
	s   string
	set bool
	bad string // the JSON type when it is neither a string nor a number
}

func (c *cell) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		c.set = true
		return json.Unmarshal(b, &c.s)
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		c.s, c.set = numberText(string(b)), true
	case b[0] == 't' || b[0] == 'f':
		c.bad = "bool"
	case b[0] == '[':
		c.bad = "array"
	default:
		c.bad = "object"
	}
	return nil
}

// text is the trimmed value; "" when absent.
func (c cell) text() string { return strings.TrimSpace(c.s) }

// numberText is a JSON number as decimal text: an integer literal
// verbatim, any other number as the shortest text that reads back as the
// same double, without exponent ("1e-05" → "0.00001").
func numberText(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return lit
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// rawRow holds the columns the env uses (spec §2.2).
type rawRow struct {
	RowNumber   cell `json:"Row Number"`
	CalcID      cell `json:"Calculator ID"`
	CalcName    cell `json:"Calculator Name"`
	Category    cell `json:"Category"`
	Note        cell `json:"Patient Note"`
	Question    cell `json:"Question"`
	Answer      cell `json:"Ground Truth Answer"`
	Lower       cell `json:"Lower Limit"`
	Upper       cell `json:"Upper Limit"`
	Explanation cell `json:"Ground Truth Explanation"`
}

// problem is why a row cannot be served: the column at fault, a constant
// reason for the load log's counts, and the details for an inline example.
type problem struct {
	field, reason, detail string
}

// build checks a row (spec §2.3). needText requires the patient note and
// the question (file rows; an inline example for Score may leave them out).
func (r rawRow) build(needText bool, in *interner) (*Row, *problem) {
	for _, c := range []struct {
		name string
		c    cell
	}{{colRowNumber, r.RowNumber}, {colCalcID, r.CalcID}, {colCalcName, r.CalcName}, {colCategory, r.Category},
		{colNote, r.Note}, {colQuestion, r.Question}, {colAnswer, r.Answer}, {colLower, r.Lower}, {colUpper, r.Upper},
		{colExplanation, r.Explanation}} {
		if c.c.bad != "" {
			return nil, &problem{c.name, c.name + " not a string", "want a string or a number, got " + c.c.bad}
		}
	}
	idText := r.CalcID.text()
	if idText == "" {
		return nil, &problem{colCalcID, "Calculator ID missing", "required"}
	}
	id, err := strconv.Atoi(idText)
	if err != nil {
		return nil, &problem{colCalcID, "Calculator ID not an integer", fmt.Sprintf("want an integer, got %q", idText)}
	}
	if _, ok := medcalc.TypeOf(id); !ok {
		return nil, &problem{colCalcID, "Calculator ID not one of the 55 official ids", fmt.Sprintf("%d is not one of the 55 official calculator ids", id)}
	}
	if needText {
		if strings.TrimSpace(r.Note.s) == "" {
			return nil, &problem{colNote, "empty Patient Note", "required, not empty"}
		}
		if strings.TrimSpace(r.Question.s) == "" {
			return nil, &problem{colQuestion, "empty Question", "required, not empty"}
		}
	}
	if r.Answer.text() == "" {
		return nil, &problem{colAnswer, "empty Ground Truth Answer", "required, not empty"}
	}
	g, err := medcalc.ParseGold(id, in.intern(r.CalcName.text()), r.Answer.s, r.Lower.s, r.Upper.s)
	if err != nil {
		var ge *medcalc.GoldError
		if errors.As(err, &ge) {
			reason := ge.Field + " does not parse for its type"
			if ge.Field != colAnswer {
				reason = ge.Field + " missing or not a number"
			}
			return nil, &problem{ge.Field, reason, ge.Reason}
		}
		return nil, &problem{colAnswer, "Ground Truth Answer does not parse for its type", err.Error()}
	}
	return &Row{Gold: g, Note: r.Note.s, Question: r.Question.s, Explanation: r.Explanation.s}, nil
}

// inline parses an inline example (spec §2.2): a JSON object with the
// column names; Calculator ID, Ground Truth Answer and, for decimal
// calculators, both limits are required.
func inline(raw []byte) (*Row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, envs.Inputf("example", "want a JSON object with the MedCalc-Bench column names: %v", err)
	}
	row, p := r.build(false, nil)
	if p != nil {
		return nil, envs.Inputf("example."+p.field, "%s", p.detail)
	}
	row.ID = r.RowNumber.text()
	return row, nil
}

// interner shares the strings that repeat across rows (calculator
// names). A nil interner returns its input.
type interner map[string]string

func newInterner() *interner { m := interner{}; return &m }

func (in *interner) intern(s string) string {
	if in == nil {
		return s
	}
	if t, ok := (*in)[s]; ok {
		return t
	}
	(*in)[s] = s
	return s
}

// hideFS hides the original evaluation's one-shot file from discovery, so
// it is never taken for a one_shot export.
type hideFS struct{ fs.FS }

func (h hideFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(h.FS, name)
	return slices.DeleteFunc(es, func(e fs.DirEntry) bool { return e.Name() == ignoredFile }), err
}
