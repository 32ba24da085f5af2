package mcqa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// Decode turns one file row into a Row. It returns the row with its ID set
// ("" for none: row-<index>) and skip == "" to serve it, or skip naming the
// reason to leave it out; an error stops the start (the file is not what it
// claims to be).
type Decode func(r dataset.Row) (row *Row, skip string, err error)

// LoadSplit reads one source into a Split and logs its one start-up line.
func LoadSplit(set envs.Settings, env, split string, src dataset.Source, f dataset.Format, decode Decode) (*Split, error) {
	b := dataset.NewBuilder[*Row](0)
	err := dataset.Read(set.Data, src, f, func(r dataset.Row) error {
		row, skip, err := decode(r)
		if err != nil {
			return err
		}
		if skip != "" {
			b.Skip(row.ID, skip)
			return nil
		}
		row.ID = b.Add(row.ID, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Finish(set, env, split, src, b.Table()), nil
}

// Finish turns a built table into a Split and logs its start-up line.
func Finish(set envs.Settings, env, split string, src dataset.Source, t *dataset.Table[*Row]) *Split {
	rows := make([]*Row, t.Len())
	for i := range rows {
		id, r, _ := t.At(i)
		r.ID = id
		rows[i] = r
	}
	log(set).Info("split loaded", append([]zap.Field{zap.String("env", env), zap.String("split", split),
		zap.Strings("files", src.Files)}, t.Stats().Fields()...)...)
	return NewSplit(split, rows)
}

func log(set envs.Settings) *zap.Logger {
	if set.Logger == nil {
		return zap.NewNop()
	}
	return set.Logger
}

// MissingReason says why an env has no data: its folder is absent from the
// data directory, or holds none of the files it looks for.
func MissingReason(set envs.Settings, l dataset.Layout, err error) string {
	var names []string
	for _, w := range l.Want {
		names = append(names, w.Files...)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("no %s/ folder in the data directory", l.Dir)
	}
	return fmt.Sprintf("no data files under %s/ (original names %s, or Hugging Face exports named after their split)", l.Dir, strings.Join(names, ", "))
}

// Unserved names the files a known split would be read from.
func Unserved(l dataset.Layout) func(string) string {
	return func(split string) string {
		return fmt.Sprintf("no data for it under --data (looked for %s)", strings.Join(l.Looked(split), ", "))
	}
}

// Discover finds an env's sources; a missing folder is no error but an
// empty result with the reason.
func Discover(set envs.Settings, l dataset.Layout) (map[string]dataset.Source, string, error) {
	srcs, err := dataset.Discover(set.Data, l, log(set))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, MissingReason(set, l, err), nil
	}
	if err != nil {
		return nil, "", err
	}
	if len(srcs) == 0 {
		return nil, MissingReason(set, l, nil), nil
	}
	return srcs, "", nil
}

// DecodeInline decodes an inline example into v: a field of the wrong type
// is the item's INVALID_INPUT naming it, anything else not a JSON object.
func DecodeInline(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return envs.Inputf("example."+te.Field, "want %s", te.Type.String())
		}
		return envs.Inputf("example", "not a JSON object: %v", err)
	}
	return nil
}
