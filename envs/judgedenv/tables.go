package judgedenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// Tables are the Rows of an env whose every split is one table, served in
// file order with the table's example ids. Safe for concurrent use:
// read-only after ReadTables.
type Tables[R any] struct {
	env    string
	tables map[string]*dataset.Table[R]
	names  []string
}

// Names lists the loaded splits (those with rows), in the order read.
func (t *Tables[R]) Names() []string { return t.names }

// Table returns a loaded split's table; nil for another split.
func (t *Tables[R]) Table(split string) *dataset.Table[R] { return t.tables[split] }

// Len implements Rows.
func (t *Tables[R]) Len(split string) int { return t.tables[split].Len() }

// First implements Rows.
func (t *Tables[R]) First(split string) (R, string) {
	id, r, _ := t.tables[split].At(0)
	return r, id
}

// Pick implements Rows: among the split's first num_examples rows.
func (t *Tables[R]) Pick(split, id string, index *int64, seed uint64, opts envs.Values) (R, string, error) {
	tb := t.tables[split]
	i, err := envs.PickRow(t.env+" "+split, envs.Limit(tb.Len(), opts), id, index, seed, func(id string) (int, error) {
		i, _, ok := tb.Lookup(id)
		if !ok {
			return 0, envs.NotFound(envs.ErrUnknownExample, "%s %s has no example %q", t.env, split, id)
		}
		return i, nil
	})
	if err != nil {
		var zero R
		return zero, "", err
	}
	id, r, _ := tb.At(i)
	return r, id, nil
}

// Find implements Rows.
func (t *Tables[R]) Find(split, id string) (R, bool) {
	_, r, ok := t.tables[split].Lookup(id)
	return r, ok
}

// Discover finds the sources of layout l under set.Data. Without a data
// directory, or without the env's folder in it, there are none and reason
// says so.
func Discover(set envs.Settings, l dataset.Layout, log *zap.Logger) (srcs map[string]dataset.Source, reason string, err error) {
	if set.Data == nil {
		return nil, "no data directory", nil
	}
	srcs, err = dataset.Discover(set.Data, l, log)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("no %s/ folder in the data directory", l.Dir), nil
	}
	return srcs, "", err
}

// Problem is what is wrong with a row: the column and why. A required
// column that is Absent from a file stops the start (the file is not what
// it claims to be); any other problem leaves the row out. For an inline
// example either is an *envs.InputError.
type Problem struct {
	Col, Why string
	Absent   bool
}

// ReadTables reads env's splits that srcs holds, in the order of splits,
// logs one start-up line for each, and keeps those with rows. Each file row
// is a JSON object of columns, read as a Raw; build checks it and returns
// the row and its example id ("" for none: row-<index>), or the Problem and
// the id of the row left out.
func ReadTables[Raw, R any](fsys fs.FS, log *zap.Logger, env string, splits []string, srcs map[string]dataset.Source, f dataset.Format, build func(*Raw) (R, string, *Problem)) (*Tables[R], error) {
	t := &Tables[R]{env: env, tables: map[string]*dataset.Table[R]{}}
	for _, split := range splits {
		src, ok := srcs[split]
		if !ok {
			continue
		}
		b := dataset.NewBuilder[R](0)
		err := dataset.Read(fsys, src, f, func(dr dataset.Row) error {
			var raw Raw
			if err := json.Unmarshal(dr.Data, &raw); err != nil {
				return fmt.Errorf("not a row object: %w", err)
			}
			r, id, p := build(&raw)
			switch {
			case p == nil:
				b.Add(id, r)
			case p.Absent:
				return fmt.Errorf("missing column %q", p.Col)
			default:
				b.Skip(id, p.Why)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		tb := b.Table()
		log.Info("split loaded", append([]zap.Field{zap.String("env", env), zap.String("split", split),
			zap.Strings("files", src.Files)}, tb.Stats().Fields()...)...)
		if tb.Len() > 0 {
			t.tables[split] = tb
			t.names = append(t.names, split)
		}
	}
	return t, nil
}
