package dataset_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// FuzzRead feeds any bytes to the reader as a file. It must not panic;
// rows it hands over are numbered in order and, outside keyed files, are
// delimited as objects; a file that encoding/json reads as an array of
// objects, or as JSON Lines of objects, gives exactly those objects.
func FuzzRead(f *testing.F) {
	seeds := []string{
		"{\"a\":1}\n{\"a\":2}\n",
		"[{\"a\":1},{\"b\":[1,{\"c\":\"]\"}]}]",
		"{\"data\":[{\"a\":1}]}",
		"{\n \"1\": {\"a\": \"x\\\"}\"},\n \"2\": \"yes\"\n}",
		"\xEF\xBB\xBF  {\"q\":\"\\u00e9\"}\r\n\r\n{\"q\":2}",
		"a,b\n\"1\n2\",3\n",
		"PAR1xxxxPAR1",
		"[",
		"{\"a\":\"\\\\\"}\n{\"a\":\"\\\\\\\"\"}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	f.Add(gz(f, "{\"a\":1}\n{\"a\":2}\n"), false, false)
	f.Fuzz(func(t *testing.T, data []byte, keyed, csv bool) {
		fsys := fstest.MapFS{"e/f": {Data: data}}
		var rows [][]byte
		var container dataset.Container
		err := dataset.ReadFile(fsys, "e/f", dataset.Format{Keyed: keyed, CSV: csv}, func(r dataset.Row) error {
			if r.Index != len(rows) || r.String() == "" {
				t.Fatalf("row %d: index %d, %q", len(rows), r.Index, r)
			}
			container = r.File.Container
			if !keyed && container != dataset.CSV && container != dataset.Parquet {
				d := r.Data
				if len(d) < 2 || d[0] != '{' || d[len(d)-1] != '}' {
					t.Fatalf("row %d is not delimited as an object: %q", r.Index, d)
				}
			}
			rows = append(rows, bytes.Clone(r.Data))
			return nil
		})
		if keyed || csv {
			return
		}
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if want, ok := arrayOfObjects(trimmed); ok {
			if err != nil {
				t.Fatalf("valid array of objects: %v", err)
			}
			compare(t, want, rows)
		}
		if want, ok := linesOfObjects(data); ok && len(want) > 1 && container == dataset.JSONLines {
			if err != nil {
				t.Fatalf("valid JSON Lines: %v", err)
			}
			compare(t, want, rows)
		}
	})
}

func arrayOfObjects(b []byte) ([]any, bool) {
	if len(b) == 0 || b[0] != '[' {
		return nil, false
	}
	var objs []map[string]any
	if json.Unmarshal(b, &objs) != nil {
		return nil, false
	}
	out := make([]any, len(objs))
	for i, o := range objs {
		if o == nil {
			return nil, false
		}
		out[i] = o
	}
	return out, true
}

func linesOfObjects(b []byte) ([]any, bool) {
	var out []any
	for _, l := range bytes.Split(b, []byte("\n")) {
		l = bytes.Trim(l, " \t\r")
		if len(l) == 0 {
			continue
		}
		var o map[string]any
		if l[0] != '{' || json.Unmarshal(l, &o) != nil {
			return nil, false
		}
		out = append(out, o)
	}
	return out, true
}

func compare(t *testing.T, want []any, rows [][]byte) {
	t.Helper()
	var got []any
	for _, r := range rows {
		var o map[string]any
		if err := json.Unmarshal(r, &o); err != nil {
			t.Fatalf("row %q: %v", r, err)
		}
		got = append(got, o)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("(-encoding/json +dataset):\n%s", diff)
	}
}
