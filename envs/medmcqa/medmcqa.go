package medmcqa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/mcqa"
)

// Name is the env's name; Alias is upstream's.
const (
	Name  = "medmcqa"
	Alias = "med_mcqa"
)

// Instruction is the project's instruction line (medmcqa.md §3).
const Instruction = "Answer the following multiple-choice question with the letter of the single correct option: A, B, C or D."

var layout = dataset.Layout{Dir: Name, Want: []dataset.Want{
	{Key: "validation", Files: []string{"dev.json", "validation.json"}},
	{Key: "train", Files: []string{"train.json"}},
	{Key: "test", Files: []string{"test.json"}},
}}

// New loads MedMCQA from set.Data.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	unserved := mcqa.Unserved(layout)
	spec := mcqa.Spec{Name: Name, Aliases: []string{Alias},
		Description:  "MedMCQA (AIIMS/NEET-PG, 4 options): answer with the letter of the correct option",
		Splits:       []string{"validation", "train", "test"},
		SplitAliases: map[string]string{"dev": "validation"},
		Layout:       userLayout{}, Inline: inline,
		Unserved: func(split string) string {
			if split == "test" {
				return "MedMCQA's test answers are unpublished, so test is never served; evaluate on validation"
			}
			return unserved(split)
		}}
	srcs, reason, err := mcqa.Discover(set, layout)
	if err != nil {
		return nil, err
	}
	if src, ok := srcs["test"]; ok {
		log.Info("ignoring MedMCQA test split: its answers are unpublished", zap.Strings("files", src.Files))
		delete(srcs, "test")
		if len(srcs) == 0 && reason == "" {
			reason = "only the test split (no answers) was found"
		}
	}
	var splits []*mcqa.Split
	for _, key := range []string{"validation", "train"} {
		src, ok := srcs[key]
		if !ok {
			continue
		}
		s, err := load(set, log, key, src)
		if err != nil {
			return nil, err
		}
		if s != nil {
			splits = append(splits, s)
		}
	}
	return mcqa.New(spec, splits, set.Demo, reason), nil
}

// rawRow holds the fields MedMCQA uses.
type rawRow struct {
	Question *string         `json:"question"`
	Opa      *string         `json:"opa"`
	Opb      *string         `json:"opb"`
	Opc      *string         `json:"opc"`
	Opd      *string         `json:"opd"`
	Cop      json.RawMessage `json:"cop"`
	ID       *string         `json:"id"`
}

// cop reads the correct-option number: a JSON integer, else ok is false
// (a string "2" included).
func (r rawRow) cop() (int, bool) {
	c := bytes.TrimSpace(r.Cop)
	if len(c) == 0 || c[0] == '"' || string(c) == "null" {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(c), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

type pending struct {
	row   rawRow
	index int
	err   string // a type error that makes the row unservable
}

// load reads one source. The 0-based cop of openlifescienceai/medmcqa is
// detected over the whole source (a ClassLabel in the parquet metadata, or
// some cop 0 and none 4) and converted; a source with both 0 and 4 is
// refused (nil split, logged).
func load(set envs.Settings, log *zap.Logger, split string, src dataset.Source) (*mcqa.Split, error) {
	var rows []pending
	classLabel := false
	err := dataset.Read(set.Data, src, dataset.Format{}, func(dr dataset.Row) error {
		p := pending{index: dr.Index}
		if err := json.Unmarshal(dr.Data, &p.row); err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				return err
			}
			p.err = te.Field + ": want " + te.Type.String()
		}
		if dr.File.FeatureType("cop") == "ClassLabel" {
			classLabel = true
		}
		rows = append(rows, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	zero, four := false, false
	for _, p := range rows {
		if c, ok := p.row.cop(); ok {
			zero = zero || c == 0
			four = four || c == 4
		}
	}
	shift := 0
	switch {
	case zero && four:
		log.Error("split not served: cop has both 0 and 4, so it is neither 0- nor 1-based",
			zap.String("env", Name), zap.String("split", split), zap.Strings("files", src.Files))
		return nil, nil
	case classLabel || zero:
		shift = 1
		log.Info(fmt.Sprintf("medmcqa %s: cop is 0-based (openlifescienceai/medmcqa layout), converted to 1-based", split),
			zap.Strings("files", src.Files))
	}
	b := dataset.NewBuilder[*mcqa.Row](len(rows))
	for _, p := range rows {
		id := ""
		if p.row.ID != nil {
			id = envs.TrimPy(*p.row.ID)
		}
		if p.err != "" {
			b.Skip(id, p.err)
			continue
		}
		row, field, why := p.row.build(shift)
		if field != "" {
			b.Skip(id, field+": "+why)
			continue
		}
		row.ID = b.Add(id, row)
	}
	return mcqa.Finish(set, Name, split, src, b.Table()), nil
}

// build checks a row (medmcqa.md §2.2–2.3); shift converts a 0-based cop.
func (r rawRow) build(shift int) (*mcqa.Row, string, string) {
	if r.Question == nil {
		return nil, "question", "required string"
	}
	q := envs.TrimPy(*r.Question)
	if q == "" {
		return nil, "question", "empty question"
	}
	texts := []*string{r.Opa, r.Opb, r.Opc, r.Opd}
	row := &mcqa.Row{Question: q, RowID: q, Options: make([]mcqa.Option, 4)}
	nonEmpty := 0
	for i, t := range texts {
		name := "op" + string(rune('a'+i))
		if t == nil {
			return nil, name, "required string"
		}
		row.Options[i] = mcqa.Option{Label: string(rune('A' + i)), Text: envs.TrimPy(*t)}
		if row.Options[i].Text != "" {
			nonEmpty++
		}
	}
	if nonEmpty == 0 {
		return nil, "opa", "all four options are empty"
	}
	c, ok := r.cop()
	if !ok {
		return nil, "cop", "want an integer 1–4"
	}
	c += shift
	if c < 1 || c > 4 {
		return nil, "cop", "want an integer 1–4, got " + strconv.Itoa(c-shift)
	}
	row.Gold = c - 1
	return row, "", ""
}

// inline parses an inline example: one row of the original or lighteval
// file; its cop is always read as 1-based.
func inline(raw []byte) (*mcqa.Row, error) {
	var r rawRow
	if err := mcqa.DecodeInline(raw, &r); err != nil {
		return nil, err
	}
	row, field, why := r.build(0)
	if field != "" {
		return nil, envs.Inputf("example."+field, "%s", why)
	}
	if r.ID != nil {
		row.ID = envs.TrimPy(*r.ID)
	}
	return row, nil
}

// userLayout is upstream's user message with this project's instruction.
type userLayout struct{}

func (userLayout) User(r *mcqa.Row, shown []mcqa.Option) string {
	var b strings.Builder
	b.WriteString(Instruction)
	b.WriteString("\nQuestion: ")
	b.WriteString(r.Question)
	mcqa.WriteOptionLines(&b, shown)
	b.WriteString("\nAnswer:")
	return b.String()
}

func (userLayout) Vars(r *mcqa.Row, shown []mcqa.Option) map[string]any {
	return map[string]any{"question": r.Question, "options": mcqa.OptionVars(shown), "instruction": Instruction}
}
