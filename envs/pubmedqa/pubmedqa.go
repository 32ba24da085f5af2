package pubmedqa

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/mcqa"
)

// Name is the env's name.
const Name = "pubmedqa"

// Instruction is the project's instruction line (pubmedqa.md §3).
const Instruction = "Read the abstract below and pick the best answer to the question: Yes, No or Maybe."

// testIDs are the 500 official test ids, for an export without
// test_ground_truth.json (the file's keys, in its order).
//
//go:embed test_ids.txt
var testIDs string

var layout = dataset.Layout{Dir: Name, Want: []dataset.Want{
	{Key: "labeled", Files: []string{"ori_pqal.json"}, Config: "pqa_labeled"},
	{Key: "test_ids", Files: []string{"test_ground_truth.json"}, OriginalOnly: true},
	{Key: "test_set", Files: []string{"test_set.json"}, OriginalOnly: true},
	{Key: "train", Files: []string{"ori_pqaa.json"}, Config: "pqa_artificial"},
	{Key: "unlabeled", Files: []string{"ori_pqau.json"}, Config: "pqa_unlabeled"},
}}

var answers = []mcqa.Option{{Label: "A", Text: "Yes"}, {Label: "B", Text: "No"}, {Label: "C", Text: "Maybe"}}

// New loads PubMedQA from set.Data.
func New(_ context.Context, set envs.Settings) (envs.Env, error) {
	log := set.Logger
	if log == nil {
		log = zap.NewNop()
	}
	spec := mcqa.Spec{Name: Name, Description: "PubMedQA (PQA-L/PQA-A): answer a research question about an abstract with Yes, No or Maybe",
		Splits: []string{"test", "train_labeled", "train"}, Layout: userLayout{}, Inline: inline,
		Unserved: func(split string) string {
			switch split {
			case "train_labeled":
				return "it needs the labeled set (pubmedqa/ori_pqal.json or the pqa_labeled export); test_set.json alone gives only test"
			case "train":
				return "it needs pubmedqa/ori_pqaa.json or the pqa_artificial export"
			}
			return "it needs pubmedqa/ori_pqal.json, the pqa_labeled export, or test_set.json"
		}}
	srcs, reason, err := mcqa.Discover(set, layout)
	if err != nil {
		return nil, err
	}
	if src, ok := srcs["unlabeled"]; ok {
		log.Info("ignoring PubMedQA pqa_unlabeled: it has no labels", zap.Strings("files", src.Files))
	}
	truth, err := groundTruth(set, srcs)
	if err != nil {
		return nil, err
	}
	var splits []*mcqa.Split
	switch labeled, ok := srcs["labeled"]; {
	case ok:
		test, rest, err := splitLabeled(set, log, labeled, truth)
		if err != nil {
			return nil, err
		}
		splits = append(splits, test, rest)
	default:
		if src, ok := srcs["test_set"]; ok {
			s, err := loadSplit(set, "test", src, nil)
			if err != nil {
				return nil, err
			}
			splits = append(splits, s)
		}
	}
	if src, ok := srcs["train"]; ok {
		s, err := loadSplit(set, "train", src, nil)
		if err != nil {
			return nil, err
		}
		splits = append(splits, s)
	}
	if len(splits) == 0 && reason == "" {
		reason = "no labeled data under pubmedqa/ (ori_pqal.json, test_set.json, ori_pqaa.json or the pqa_labeled/pqa_artificial exports)"
	}
	return mcqa.New(spec, splits, set.Demo, reason), nil
}

// groundTruth returns the official test ids with their labels: from
// test_ground_truth.json, else the compiled-in ids (no labels).
func groundTruth(set envs.Settings, srcs map[string]dataset.Source) (map[string]string, error) {
	truth := map[string]string{}
	src, ok := srcs["test_ids"]
	if !ok {
		for _, id := range strings.Fields(testIDs) {
			truth[id] = ""
		}
		return truth, nil
	}
	err := dataset.Read(set.Data, src, dataset.Format{Keyed: true}, func(r dataset.Row) error {
		var label string
		if err := json.Unmarshal(r.Data, &label); err != nil {
			return fmt.Errorf("want a label string: %w", err)
		}
		truth[r.Key] = label
		return nil
	})
	return truth, err
}

// splitLabeled reads the labeled set once and deals its rows, in file
// order, into test (the official ids) and train_labeled (the others).
func splitLabeled(set envs.Settings, log *zap.Logger, src dataset.Source, truth map[string]string) (*mcqa.Split, *mcqa.Split, error) {
	test, rest := dataset.NewBuilder[*mcqa.Row](500), dataset.NewBuilder[*mcqa.Row](500)
	disagree := 0
	err := dataset.Read(set.Data, src, dataset.Format{Keyed: src.Original}, func(r dataset.Row) error {
		row, skip, err := decode(r)
		if err != nil {
			return err
		}
		b := rest
		if label, ok := truth[row.ID]; ok {
			b = test
			if label != "" && skip == "" && !strings.EqualFold(strings.TrimSpace(label), answers[row.Gold].Text) {
				disagree++
			}
		}
		if skip != "" {
			b.Skip(row.ID, skip)
			return nil
		}
		row.ID = b.Add(row.ID, row)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if disagree > 0 {
		log.Warn("PubMedQA test labels disagree with final_decision; final_decision is used, as upstream", zap.Int("rows", disagree))
	}
	return mcqa.Finish(set, Name, "test", src, test.Table()), mcqa.Finish(set, Name, "train_labeled", src, rest.Table()), nil
}

func loadSplit(set envs.Settings, split string, src dataset.Source, _ map[string]string) (*mcqa.Split, error) {
	return mcqa.LoadSplit(set, Name, split, src, dataset.Format{Keyed: src.Original}, decode)
}

// original is an entry of ori_pqal.json, test_set.json or ori_pqaa.json.
type original struct {
	Question *string   `json:"QUESTION"`
	Contexts []*string `json:"CONTEXTS"`
	Labels   []*string `json:"LABELS"`
	Decision *string   `json:"final_decision"`
}

// export is a row of the qiaojin/PubMedQA export.
type export struct {
	Pubid    json.RawMessage `json:"pubid"`
	Question *string         `json:"question"`
	Context  *struct {
		Contexts []*string `json:"contexts"`
		Labels   []*string `json:"labels"`
	} `json:"context"`
	Decision *string `json:"final_decision"`
}

func decode(r dataset.Row) (*mcqa.Row, string, error) {
	if r.Key != "" {
		var o original
		if err := json.Unmarshal(r.Data, &o); err != nil {
			return typeSkip(r.Key, err)
		}
		row, field, why := build(r.Key, o.Question, o.Contexts, o.Labels, o.Decision)
		if field != "" {
			return &mcqa.Row{ID: r.Key}, field + ": " + why, nil
		}
		return row, "", nil
	}
	var x export
	if err := json.Unmarshal(r.Data, &x); err != nil {
		return typeSkip("", err)
	}
	id, ok := pubid(x.Pubid)
	if !ok {
		return &mcqa.Row{}, "pubid: required integer", nil
	}
	var cs, ls []*string
	if x.Context != nil {
		cs, ls = x.Context.Contexts, x.Context.Labels
	}
	row, field, why := build(id, x.Question, cs, ls, x.Decision)
	if field != "" {
		return &mcqa.Row{ID: id}, field + ": " + why, nil
	}
	return row, "", nil
}

func typeSkip(id string, err error) (*mcqa.Row, string, error) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &mcqa.Row{ID: id}, te.Field + ": want " + te.Type.String(), nil
	}
	return nil, "", err
}

// pubid reads the export's integer pubid (a JSON number, or digits in a
// string) as decimal text without leading zeros.
func pubid(raw json.RawMessage) (string, bool) {
	s := string(bytes.Trim(bytes.TrimSpace(raw), `"`))
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(n, 10), true
}

// build checks a row (pubmedqa.md §2.2–2.3). Sections pair up to the
// shorter of CONTEXTS and LABELS, as upstream.
func build(id string, q *string, contexts, labels []*string, decision *string) (*mcqa.Row, string, string) {
	if q == nil || strings.TrimSpace(*q) == "" {
		return nil, "question", "empty question"
	}
	if decision == nil {
		return nil, "final_decision", "required"
	}
	gold := -1
	switch strings.ToLower(strings.TrimSpace(*decision)) {
	case "yes":
		gold = 0
	case "no":
		gold = 1
	case "maybe":
		gold = 2
	default:
		return nil, "final_decision", "want yes, no or maybe, got " + strconv.Quote(*decision)
	}
	n := min(len(contexts), len(labels))
	row := &mcqa.Row{ID: id, RowID: id, Question: *q, Options: answers, Gold: gold, Contexts: make([]mcqa.Option, 0, n)}
	for i := range n {
		if contexts[i] == nil || labels[i] == nil {
			continue
		}
		row.Contexts = append(row.Contexts, mcqa.Option{Label: *labels[i], Text: *contexts[i]})
	}
	if len(row.Contexts) == 0 {
		return nil, "contexts", "no context section"
	}
	return row, "", ""
}

// inline parses an inline example: an export row, or an original entry as a
// one-key object {"<pubmed id>": {...}}. The PubMed id is required either
// way: it is the shuffle row id.
func inline(raw []byte) (*mcqa.Row, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, envs.Inputf("example", "not a JSON object: %v", err)
	}
	_, hasQ := probe["question"]
	_, hasID := probe["pubid"]
	if !hasQ && !hasID && len(probe) == 1 {
		for key, val := range probe {
			var o original
			if err := json.Unmarshal(val, &o); err != nil {
				return nil, inputErr(key, err)
			}
			if _, err := strconv.ParseUint(key, 10, 64); err != nil {
				return nil, envs.Inputf("example", "an original entry's key must be its PubMed id, got %q", key)
			}
			row, field, why := build(key, o.Question, o.Contexts, o.Labels, o.Decision)
			if field != "" {
				return nil, envs.Inputf("example."+key+"."+strings.ToUpper(field), "%s", why)
			}
			return row, nil
		}
	}
	var x export
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil, inputErr("", err)
	}
	id, ok := pubid(x.Pubid)
	if !ok {
		return nil, envs.Inputf("example.pubid", "required: the PubMed id (an integer)")
	}
	var cs, ls []*string
	if x.Context != nil {
		cs, ls = x.Context.Contexts, x.Context.Labels
	}
	row, field, why := build(id, x.Question, cs, ls, x.Decision)
	if field != "" {
		if field == "contexts" {
			field = "context.contexts"
		}
		return nil, envs.Inputf("example."+field, "%s", why)
	}
	return row, nil
}

func inputErr(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if prefix != "" {
			f = prefix + "." + f
		}
		return envs.Inputf("example."+f, "want %s", te.Type.String())
	}
	return envs.Inputf("example", "not a JSON object: %v", err)
}

// userLayout is upstream's user message with this project's instruction;
// "Answer: " keeps upstream's trailing space.
type userLayout struct{}

func (userLayout) User(r *mcqa.Row, shown []mcqa.Option) string {
	var b strings.Builder
	b.WriteString(Instruction)
	b.WriteString("\n\nContext: ")
	for i, c := range r.Contexts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Label + ". " + c.Text)
	}
	b.WriteString("\n\nQuestion: ")
	b.WriteString(r.Question)
	mcqa.WriteOptionLines(&b, shown)
	b.WriteString("\nAnswer: ")
	return b.String()
}

func (userLayout) Vars(r *mcqa.Row, shown []mcqa.Option) map[string]any {
	return map[string]any{"question": r.Question, "options": mcqa.OptionVars(shown),
		"contexts": mcqa.OptionVars(r.Contexts), "instruction": Instruction}
}
