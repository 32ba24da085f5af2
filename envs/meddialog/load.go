package meddialog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// Subsets in upstream's concatenation order (med_dialog.md §2.3).
var subsets = []string{"healthcaremagic", "icliniq"}

// splitNames are the splits in ../spec/common.md §1 order.
var splitNames = []string{"test", "validation", "train"}

// layout is one subset's folder: the CodaLab file names, or Hugging Face
// exports named after their split (lighteval/med_dialog).
func layout(subset string) dataset.Layout {
	return dataset.Layout{Dir: path.Join(Name, subset), Want: []dataset.Want{
		{Key: "test", Files: []string{"test.json"}},
		{Key: "validation", Files: []string{"valid.json", "validation.json"}},
		{Key: "train", Files: []string{"train.json"}},
	}}
}

// row is one served dialogue, shared read-only.
type row struct {
	src, tgt string
	// fileID is the row's "id" in its file (metadata, not the example id).
	fileID string
}

// part is one subset's rows of a split, in file order, with what dedupe
// needs: the first row of each distinct src.
type part struct {
	subset string
	table  *dataset.Table[*row]
	// rank is a row's position among the first occurrences, -1 for a
	// repeat; first is the position of the first row with the same src.
	rank, first []int32
	// unique lists the positions of the first occurrences.
	unique []int32
}

// split is one split's parts, healthcaremagic first.
type split struct {
	name  string
	parts []*part
}

func (s *split) rows() int {
	n := 0
	for _, p := range s.parts {
		n += p.table.Len()
	}
	return n
}

// rawRow holds the fields MedDialog uses.
type rawRow struct {
	Src    *string         `json:"src"`
	Tgt    *string         `json:"tgt"`
	ID     json.RawMessage `json:"id"`
	Subset *string         `json:"subset"`
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

// load reads every (subset, split) file under set.Data.
func load(set envs.Settings, log *zap.Logger) (splits, string, error) {
	if set.Data == nil {
		return nil, "no data directory", nil
	}
	if _, err := fs.Stat(set.Data, Name); err != nil {
		return nil, fmt.Sprintf("no %s/ folder in the data directory", Name), nil
	}
	out := splits{}
	for _, sub := range subsets {
		l := layout(sub)
		srcs, err := dataset.Discover(set.Data, l, log)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		for _, name := range splitNames {
			src, ok := srcs[name]
			if !ok {
				continue
			}
			p, err := loadPart(set, log, sub, name, src)
			if err != nil {
				return nil, "", err
			}
			if p.table.Len() == 0 {
				continue
			}
			s := out[name]
			if s == nil {
				s = &split{name: name}
				out[name] = s
			}
			s.parts = append(s.parts, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("no data under %s/ (looked for <subset>/test.json, valid.json, validation.json, train.json or Hugging Face exports named after their split, for the subsets %s)",
			Name, strings.Join(subsets, " and ")), nil
	}
	return out, "", nil
}

// internTgt keeps the earlier string when a repeat's tgt is the same.
func internTgt(earlier, tgt string) string {
	if earlier == tgt {
		return earlier
	}
	return tgt
}

func loadPart(set envs.Settings, log *zap.Logger, subset, name string, src dataset.Source) (*part, error) {
	b := dataset.NewBuilder[*row](0)
	// Repeated dialogues share one string (the iCliniq test file repeats 15
	// dialogues 18 to 120 times).
	seen := map[string]int32{}
	var rows []*row // rows served so far, in the table's order
	p := &part{subset: subset}
	err := dataset.Read(set.Data, src, dataset.Format{}, func(dr dataset.Row) error {
		var r rawRow
		id := subset + "-" + strconv.Itoa(dr.Index)
		if err := json.Unmarshal(dr.Data, &r); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				b.Skip(id, te.Field+": want "+te.Type.String())
				return nil
			}
			return err
		}
		switch {
		case r.Src == nil:
			return errors.New(`missing field "src"`)
		case r.Tgt == nil:
			return errors.New(`missing field "tgt"`)
		case envs.TrimPy(*r.Src) == "":
			b.Skip(id, "empty src")
			return nil
		case envs.TrimPy(*r.Tgt) == "":
			b.Skip(id, "empty tgt")
			return nil
		}
		rw := &row{src: *r.Src, tgt: *r.Tgt, fileID: idText(r.ID)}
		pos := int32(len(rows))
		if f, ok := seen[rw.src]; ok {
			rw.src, rw.tgt = rows[f].src, internTgt(rows[f].tgt, rw.tgt)
			p.rank = append(p.rank, -1)
			p.first = append(p.first, f)
		} else {
			seen[rw.src] = pos
			p.rank = append(p.rank, int32(len(p.unique)))
			p.first = append(p.first, pos)
			p.unique = append(p.unique, pos)
		}
		rows = append(rows, rw)
		b.Add(id, rw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.table = b.Table()
	log.Info("split loaded", append([]zap.Field{zap.String("env", Name), zap.String("split", name), zap.String("subset", subset),
		zap.Strings("files", src.Files), zap.Int("distinct_src", len(p.unique))}, p.table.Stats().Fields()...)...)
	return p, nil
}
