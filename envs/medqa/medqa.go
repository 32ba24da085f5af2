package medqa

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/mcqa"
)

// Name is the env's name.
const Name = "medqa"

var layout = dataset.Layout{Dir: Name, Want: []dataset.Want{
	{Key: "test", Files: []string{"phrases_no_exclude_test.jsonl"}},
	{Key: "train", Files: []string{"phrases_no_exclude_train.jsonl"}},
	{Key: "validation", Files: []string{"phrases_no_exclude_dev.jsonl"}},
}}

// New loads MedQA from set.Data.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	spec := mcqa.Spec{Name: Name, Description: "MedQA (USMLE, 4 options): choose the one correct option A–D",
		Splits: []string{"test", "validation", "train"}, SplitAliases: map[string]string{"dev": "validation"},
		Layout: userLayout{}, Inline: inline, Unserved: mcqa.Unserved(layout)}
	srcs, reason, err := mcqa.Discover(set, layout)
	if err != nil {
		return nil, err
	}
	var splits []*mcqa.Split
	for _, w := range layout.Want {
		src, ok := srcs[w.Key]
		if !ok {
			continue
		}
		s, err := mcqa.LoadSplit(set, Name, w.Key, src, dataset.Format{}, decodeFileRow)
		if err != nil {
			return nil, err
		}
		splits = append(splits, s)
	}
	return mcqa.New(spec, splits, set.Demo, reason), nil
}

// rawRow holds the fields MedQA uses, in the original and GBaker names.
type rawRow struct {
	Question  *string            `json:"question"`
	Options   map[string]*string `json:"options"`
	AnswerIdx *string            `json:"answer_idx"`
	ID        json.RawMessage    `json:"id"`
}

// build checks a row (../shared/spec/envs/medqa.md §2.2–2.3) and returns
// it, or the field at fault and why.
func (r rawRow) build() (*mcqa.Row, string, string) {
	if r.Question == nil {
		return nil, "question", "required string"
	}
	if strings.TrimSpace(*r.Question) == "" {
		return nil, "question", "empty question"
	}
	if r.Options == nil {
		return nil, "options", "required object of letter → text"
	}
	if r.AnswerIdx == nil {
		return nil, "answer_idx", "required gold letter"
	}
	labels := make([]string, 0, len(r.Options))
	for k, v := range r.Options {
		if v != nil {
			labels = append(labels, k)
		}
	}
	// Options are ordered by key, never by a decoder's iteration order.
	sort.Strings(labels)
	row := &mcqa.Row{Question: *r.Question, Options: make([]mcqa.Option, len(labels)), Gold: -1}
	gold := strings.ToUpper(strings.TrimSpace(*r.AnswerIdx))
	nonEmpty := 0
	for i, k := range labels {
		row.Options[i] = mcqa.Option{Label: k, Text: *r.Options[k]}
		if strings.TrimSpace(*r.Options[k]) != "" {
			nonEmpty++
		}
		if k == gold {
			row.Gold = i
		}
	}
	if row.Gold < 0 {
		return nil, "answer_idx", "gold letter " + strconv.Quote(gold) + " is not an option"
	}
	if nonEmpty < 2 {
		return nil, "options", "fewer than two non-empty options"
	}
	return row, "", ""
}

// idText reads an optional "id" of any JSON scalar as text.
func idText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func decodeFileRow(dr dataset.Row) (*mcqa.Row, string, error) {
	var r rawRow
	index := strconv.Itoa(dr.Index)
	if err := json.Unmarshal(dr.Data, &r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &mcqa.Row{ID: index}, te.Field + ": want " + te.Type.String(), nil
		}
		return nil, "", err
	}
	row, field, why := r.build()
	if field != "" {
		return &mcqa.Row{ID: index}, field + ": " + why, nil
	}
	// Upstream's shuffle row id: ex.get("id", idx).
	row.ID, row.RowID = index, index
	if id := idText(r.ID); id != "" {
		row.RowID = id
	}
	return row, "", nil
}

// inline parses an inline example: one row of the original or GBaker file.
func inline(raw []byte) (*mcqa.Row, error) {
	var r rawRow
	if err := mcqa.DecodeInline(raw, &r); err != nil {
		return nil, err
	}
	row, field, why := r.build()
	if field != "" {
		return nil, envs.Inputf("example."+field, "%s", why)
	}
	row.ID = idText(r.ID)
	row.RowID = row.ID
	if row.RowID == "" {
		row.RowID = mcqa.ContentHashRowID(row.Options)
	}
	return row, nil
}

// userLayout is upstream's user message byte for byte (medqa.md §3).
type userLayout struct{}

func (userLayout) User(r *mcqa.Row, shown []mcqa.Option) string {
	var b strings.Builder
	b.WriteString("Question:")
	b.WriteString(r.Question)
	mcqa.WriteOptionLines(&b, shown)
	b.WriteString("\nAnswer:")
	return b.String()
}

func (userLayout) Vars(r *mcqa.Row, shown []mcqa.Option) map[string]any {
	return map[string]any{"question": r.Question, "options": mcqa.OptionVars(shown)}
}
