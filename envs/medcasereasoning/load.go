package medcasereasoning

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/envs/judgedenv"
)

// Column names of the Hugging Face schema (medcasereasoning.md §2.2).
const (
	colPMCID     = "pmcid"
	colCase      = "case_prompt"
	colDiagnosis = "final_diagnosis"
)

// splitNames are the splits in ../spec/common.md §1 order: the default
// first, train last.
var splitNames = []string{"val", "test", "synthetic_val", "train"}

// layout finds the Hugging Face files by split name: data/val-00000-of-00001.parquet,
// val.parquet, val.jsonl, …; "validation…" files give val when no val file
// is present. The real data has no other original names.
var layout = dataset.Layout{Dir: Name, Want: []dataset.Want{
	{Key: "val"}, {Key: "test"}, {Key: "synthetic_val"}, {Key: "train"}, {Key: "validation"},
}}

// row is one served case, shared read-only; its example id (the pmcid) is
// kept by its table.
type row struct {
	casePrompt string
	diagnosis  string
}

// rawRow holds the columns used, as raw JSON so that an absent column
// (a file that lacks it) is told from a null value (an empty cell).
type rawRow struct {
	PMCID     json.RawMessage `json:"pmcid"`
	Case      json.RawMessage `json:"case_prompt"`
	Diagnosis json.RawMessage `json:"final_diagnosis"`
}

// text reads a string column; null is "". ok is false for another type.
func text(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// build checks a row and returns it with its pmcid, or what is wrong with it
// and, when known, its pmcid.
func (r *rawRow) build() (*row, string, *judgedenv.Problem) {
	id, ok := text(r.PMCID)
	if !ok {
		return nil, "", &judgedenv.Problem{Col: colPMCID, Why: "want a string"}
	}
	id = envs.TrimPy(id)
	out := &row{}
	for _, c := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{{colCase, r.Case, &out.casePrompt}, {colDiagnosis, r.Diagnosis, &out.diagnosis}} {
		if len(c.raw) == 0 {
			return nil, id, &judgedenv.Problem{Col: c.name, Why: "required", Absent: true}
		}
		s, ok := text(c.raw)
		if !ok {
			return nil, id, &judgedenv.Problem{Col: c.name, Why: "want a string"}
		}
		if envs.TrimPy(s) == "" {
			return nil, id, &judgedenv.Problem{Col: c.name, Why: "empty " + c.name}
		}
		*c.dst = s
	}
	return out, id, nil
}

// load reads every split present under set.Data; reason says why none is.
func load(set envs.Settings, log *zap.Logger) (*judgedenv.Tables[*row], string, error) {
	srcs, reason, err := judgedenv.Discover(set, layout, log)
	if err != nil {
		return nil, "", err
	}
	if v, ok := srcs["validation"]; ok {
		if _, has := srcs["val"]; has {
			log.Info("ignoring a second source of a split", zap.String("split", "val"), zap.Strings("ignored", v.Files))
		} else {
			srcs["val"] = v
		}
	}
	t, err := judgedenv.ReadTables(set.Data, log, Name, splitNames, srcs, dataset.Format{}, (*rawRow).build)
	if err != nil {
		return nil, "", err
	}
	if reason == "" && len(t.Names()) == 0 {
		reason = fmt.Sprintf("no data under %s/ (Hugging Face files data/val-00000-of-00001.parquet, val.parquet, val.jsonl, and the same for test and train; or synthetic_val.jsonl)", Name)
	}
	return t, reason, nil
}

// inline parses an inline example: case_prompt and final_diagnosis,
// optionally pmcid.
func inline(raw []byte) (*row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, envs.Inputf("example", "not a JSON object of MedCaseReasoning columns: %v", err)
	}
	out, _, p := r.build()
	if p != nil {
		return nil, envs.Inputf("example."+p.Col, "%s", p.Why)
	}
	return out, nil
}
