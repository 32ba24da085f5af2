package medcasereasoning

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
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

// row is one served case, shared read-only.
type row struct {
	id         string
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

// build checks a row: the column at fault and why, or the row. absent
// says a required column is missing altogether.
func (r *rawRow) build() (out *row, col, why string, absent bool) {
	out = &row{}
	id, ok := text(r.PMCID)
	if !ok {
		return out, colPMCID, "want a string", false
	}
	out.id = envs.TrimPy(id)
	for _, c := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{{colCase, r.Case, &out.casePrompt}, {colDiagnosis, r.Diagnosis, &out.diagnosis}} {
		if len(c.raw) == 0 {
			return out, c.name, "required", true
		}
		s, ok := text(c.raw)
		if !ok {
			return out, c.name, "want a string", false
		}
		if envs.TrimPy(s) == "" {
			return out, c.name, "empty " + c.name, false
		}
		*c.dst = s
	}
	return out, "", "", false
}

type split struct {
	name  string
	table *dataset.Table[*row]
}

// load reads every split present under set.Data.
func load(set envs.Settings, log *zap.Logger) (map[string]*split, string, error) {
	if set.Data == nil {
		return nil, "no data directory", nil
	}
	srcs, err := dataset.Discover(set.Data, layout, log)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("no %s/ folder in the data directory", Name), nil
	}
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
	out := map[string]*split{}
	for _, name := range splitNames {
		src, ok := srcs[name]
		if !ok {
			continue
		}
		b := dataset.NewBuilder[*row](0)
		err := dataset.Read(set.Data, src, dataset.Format{}, func(dr dataset.Row) error {
			var raw rawRow
			if err := json.Unmarshal(dr.Data, &raw); err != nil {
				return fmt.Errorf("not a row object: %w", err)
			}
			r, col, why, absent := raw.build()
			switch {
			case absent:
				return fmt.Errorf("missing column %q", col)
			case col != "":
				b.Skip(r.id, why)
			default:
				r.id = b.Add(r.id, r)
			}
			return nil
		})
		if err != nil {
			return nil, "", err
		}
		t := b.Table()
		log.Info("split loaded", append([]zap.Field{zap.String("env", Name), zap.String("split", name),
			zap.Strings("files", src.Files)}, t.Stats().Fields()...)...)
		if t.Len() > 0 {
			out[name] = &split{name: name, table: t}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("no data under %s/ (Hugging Face files data/val-00000-of-00001.parquet, val.parquet, val.jsonl, and the same for test and train; or synthetic_val.jsonl)", Name), nil
	}
	return out, "", nil
}

// inline parses an inline example: case_prompt and final_diagnosis,
// optionally pmcid.
func inline(raw []byte) (*row, error) {
	var r rawRow
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, envs.Inputf("example", "not a JSON object of MedCaseReasoning columns: %v", err)
	}
	out, col, why, _ := r.build()
	if col != "" {
		return nil, envs.Inputf("example."+col, "%s", why)
	}
	return out, nil
}
