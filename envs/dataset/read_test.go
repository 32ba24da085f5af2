package dataset_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// got is what reading a file gave: each row decoded, with its key and line.
type got struct {
	Container dataset.Container
	Rows      []any
	Keys      []string
	Lines     []int
}

func read(t *testing.T, fsys fstest.MapFS, name string, f dataset.Format) (got, error) {
	t.Helper()
	var g got
	err := dataset.ReadFile(fsys, name, f, func(r dataset.Row) error {
		var v any
		if err := json.Unmarshal(r.Data, &v); err != nil {
			return err
		}
		g.Container = r.File.Container
		g.Rows = append(g.Rows, v)
		g.Keys = append(g.Keys, r.Key)
		g.Lines = append(g.Lines, r.Line)
		return nil
	})
	return g, err
}

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func js(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

// TestContainers reads the same two rows from every JSON container.
func TestContainers(t *testing.T) {
	two := []any{js(`{"q":"a","n":1}`), js(`{"q":"b\n}","n":[2,{"x":"]"}]}`)}
	tests := []struct {
		name      string
		give      []byte
		format    dataset.Format
		want      []any
		wantCont  dataset.Container
		wantKeys  []string
		wantLines []int
	}{
		{name: "jsonl", give: []byte(`{"q":"a","n":1}` + "\n" + `{"q":"b\n}","n":[2,{"x":"]"}]}` + "\n"),
			want: two, wantCont: dataset.JSONLines, wantKeys: []string{"", ""}, wantLines: []int{1, 2}},
		{name: "jsonl_crlf_blank_no_final_newline", give: []byte("\r\n{\"q\":\"a\",\"n\":1}\r\n\r\n  {\"q\":\"b\\n}\",\"n\":[2,{\"x\":\"]\"}]}  "),
			want: two, wantCont: dataset.JSONLines, wantKeys: []string{"", ""}, wantLines: []int{2, 4}},
		{name: "jsonl_bom", give: []byte("\xEF\xBB\xBF{\"q\":\"a\",\"n\":1}\n{\"q\":\"b\\n}\",\"n\":[2,{\"x\":\"]\"}]}"),
			want: two, wantCont: dataset.JSONLines, wantKeys: []string{"", ""}, wantLines: []int{1, 2}},
		{name: "jsonl_gz", give: gz(t, `{"q":"a","n":1}`+"\n"+`{"q":"b\n}","n":[2,{"x":"]"}]}`),
			want: two, wantCont: dataset.JSONLines, wantKeys: []string{"", ""}, wantLines: []int{1, 2}},
		{name: "array", give: []byte(" \n[\n {\"q\":\"a\",\"n\":1},\n {\"q\":\"b\\n}\",\"n\":[2,{\"x\":\"]\"}]}\n]\n"),
			want: two, wantCont: dataset.JSONArray, wantKeys: []string{"", ""}, wantLines: []int{3, 4}},
		{name: "array_empty", give: []byte("[ ]"), wantCont: 0},
		{name: "data_wrapper", give: []byte("{\n  \"data\": [\n    {\"q\":\"a\",\"n\":1},\n    {\"q\":\"b\\n}\",\"n\":[2,{\"x\":\"]\"}]}\n  ],\n  \"version\": {\"x\": [1]}\n}\n"),
			want: two, wantCont: dataset.JSONObject, wantKeys: []string{"", ""}, wantLines: []int{3, 4}},
		{name: "keyed", format: dataset.Format{Keyed: true}, give: []byte("{\n \"k1\": {\"q\":\"a\",\"n\":1},\n \"k\\u0032\": {\"q\":\"b\\n}\",\"n\":[2,{\"x\":\"]\"}]}\n}"),
			want: two, wantCont: dataset.JSONObject, wantKeys: []string{"k1", "k2"}, wantLines: []int{2, 3}},
		{name: "keyed_scalars", format: dataset.Format{Keyed: true}, give: []byte(`{"1": "yes", "2": 3.5e2, "3": null, "4": true}`),
			want: []any{"yes", 350.0, nil, true}, wantCont: dataset.JSONObject, wantKeys: []string{"1", "2", "3", "4"}, wantLines: []int{1, 1, 1, 1}},
		{name: "one_row_object", give: []byte(`{"q":"a","n":1}` + "\n"),
			want: two[:1], wantCont: dataset.JSONObject, wantKeys: []string{""}, wantLines: []int{1}},
		{name: "pretty_object_not_jsonl", give: []byte("{\"q\":\n\"a\",\"n\":1}\n"),
			want: two[:1], wantCont: dataset.JSONObject, wantKeys: []string{""}, wantLines: []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := read(t, fstest.MapFS{"d/f": {Data: tt.give}}, "d/f", tt.format)
			if err != nil {
				t.Fatal(err)
			}
			want := got{Container: tt.wantCont, Rows: tt.want, Keys: tt.wantKeys, Lines: tt.wantLines}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestBrokenFiles checks that every broken file stops with an error naming
// the file, the line or row, and what was wrong.
func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		name   string
		give   []byte
		format dataset.Format
		want   string
	}{
		{name: "jsonl_not_object", give: []byte("{\"a\":1}\n{\"a\":2}\n[1]\n"), want: "medmcqa/dev.json line 3: not a JSON object"},
		{name: "jsonl_incomplete", give: []byte("{\"a\":1}\n{\"a\":2\n"), want: "medmcqa/dev.json line 2: not a complete JSON object"},
		{name: "jsonl_bad_syntax", give: []byte("{\"a\":1}\n{\"a\" 2}\n"), want: "medmcqa/dev.json line 2: invalid character '2' after object key"},
		{name: "two_objects_on_first_line", give: []byte("{\"a\":1} {\"b\":2}\n{\"c\":3}\n"), want: "medmcqa/dev.json line 1: data after the top-level value"},
		{name: "array_not_object", give: []byte("[{\"a\":1},\n 7]"), want: "medmcqa/dev.json line 2: row 1: not a JSON object"},
		{name: "array_truncated", give: []byte("[{\"a\":1},\n {\"a\":"), want: "medmcqa/dev.json line 2: row 1: unexpected end of file"},
		{name: "array_missing_comma", give: []byte("[{\"a\":1}\n {\"a\":2}]"), want: "medmcqa/dev.json line 2: want ',' or ']' after row 0, got '{'"},
		{name: "array_trailing", give: []byte("[{\"a\":1}]\nx"), want: "medmcqa/dev.json line 2: data after the top-level value"},
		{name: "unterminated_string", give: []byte("[{\"a\":\"x}]"), want: "medmcqa/dev.json line 1: row 0: unterminated string: unexpected end of file"},
		{name: "mismatched", give: []byte("[{\"a\":[1}]"), want: "medmcqa/dev.json line 1: row 0: unexpected '}'"},
		{name: "keyed_no_colon", format: dataset.Format{Keyed: true}, give: []byte("{\n\"1\": {},\n\"2\" {}}"), want: `medmcqa/dev.json line 3: want ':' after "2"`},
		{name: "keyed_no_comma", format: dataset.Format{Keyed: true}, give: []byte("{\"1\": {}\n\"2\": {}}"), want: "medmcqa/dev.json line 2: want ',' or '}' after a member, got '\"'"},
		{name: "keyed_truncated", format: dataset.Format{Keyed: true}, give: []byte("{\"1\": {},\n"), want: "medmcqa/dev.json line 2: unexpected end of file in the object"},
		{name: "keyed_bad_value", format: dataset.Format{Keyed: true}, give: []byte("{\"1\": {\"a\": tru}}"), want: `medmcqa/dev.json line 1 (key "1"): invalid character`},
		{name: "empty", give: nil, want: "medmcqa/dev.json: empty file"},
		{name: "blank", give: []byte(" \n\t"), want: "medmcqa/dev.json: empty file"},
		{name: "not_json", give: []byte("\nquestion,answer\n"), want: `medmcqa/dev.json line 2: not parquet or JSON (starts with 'q')`},
		{name: "parquet_truncated", give: []byte("PAR1\x15\x00\x15\x00\x00\x00\x00\x00\x00\x00"), want: "medmcqa/dev.json: truncated parquet file (no PAR1 at the end)"},
		{name: "parquet_garbage", give: []byte("PAR1garbage-garbage-PAR1"), want: "medmcqa/dev.json: "},
		{name: "gzip_truncated", give: gz(t, `{"a":1}`+"\n"+`{"a":2}`)[:20], want: "medmcqa/dev.json line 2: unexpected EOF"},
		{name: "csv_missing_column", format: dataset.Format{CSV: true, Columns: []string{"Text ID"}}, give: []byte("a,b\n1,2\n"), want: `medmcqa/dev.json line 1: missing column "Text ID"`},
		{name: "csv_field_count", format: dataset.Format{CSV: true}, give: []byte("a,b\n1,2\n3\n"), want: "medmcqa/dev.json line 3: wrong number of fields"},
		{name: "csv_bad_quote", format: dataset.Format{CSV: true}, give: []byte("a,b\n1,\"2\n"), want: "medmcqa/dev.json line 2: extraneous or missing \" in quoted-field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(t, fstest.MapFS{"medmcqa/dev.json": {Data: tt.give}}, "medmcqa/dev.json", tt.format)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v\nwant prefix %q", err, tt.want)
			}
		})
	}
}

// TestCallbackError checks that an error from the callback comes back
// wrapped, with the row's place in front.
func TestCallbackError(t *testing.T) {
	errBad := errors.New("cop is not an integer")
	fsys := fstest.MapFS{
		"x/a.jsonl":   {Data: []byte("{\"a\":1}\n\n{\"a\":2}\n")},
		"x/k.json":    {Data: []byte("{\n \"11\": {},\n \"12\": {}\n}")},
		"x/c.csv":     {Data: []byte("a,b\n\"1\n2\",3\n4,5\n")},
		"x/p.parquet": {Data: parquetBytes(t, medqaRows(), 1, nil)},
	}
	tests := []struct {
		file   string
		format dataset.Format
		want   string
	}{
		{file: "x/a.jsonl", want: "x/a.jsonl line 3: cop is not an integer"},
		{file: "x/k.json", format: dataset.Format{Keyed: true}, want: `x/k.json line 3 (key "12"): cop is not an integer`},
		{file: "x/c.csv", format: dataset.Format{CSV: true}, want: "x/c.csv line 4: cop is not an integer"},
		{file: "x/p.parquet", want: "x/p.parquet row 1: cop is not an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			n := 0
			err := dataset.ReadFile(fsys, tt.file, tt.format, func(r dataset.Row) error {
				n++
				if n == 2 {
					return errBad
				}
				return nil
			})
			if !errors.Is(err, errBad) || err.Error() != tt.want {
				t.Errorf("error %v, want %q wrapping errBad", err, tt.want)
			}
		})
	}
}

// TestCSV checks quoted line breaks, CRLF, a BOM and gzip.
func TestCSV(t *testing.T) {
	text := "\xEF\xBB\xBFText ID,Sentences\r\nms-1,\"0 A.\r\n1 B.\"\r\n,\r\nms-2,x\r\n"
	want := got{
		Container: dataset.CSV,
		Rows:      []any{js(`{"Text ID":"ms-1","Sentences":"0 A.\n1 B."}`), js(`{"Text ID":"","Sentences":""}`), js(`{"Text ID":"ms-2","Sentences":"x"}`)},
		Keys:      []string{"", "", ""},
		Lines:     []int{2, 4, 5},
	}
	for name, data := range map[string][]byte{"plain": []byte(text), "gzip": gz(t, text)} {
		t.Run(name, func(t *testing.T) {
			g, err := read(t, fstest.MapFS{"medec/x.csv": {Data: data}}, "medec/x.csv", dataset.Format{CSV: true, Columns: []string{"Text ID"}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadSourceIndexes checks that the shards of a source number their
// rows on from the previous shard's.
func TestReadSourceIndexes(t *testing.T) {
	fsys := fstest.MapFS{
		"m/a.jsonl": {Data: []byte("{\"i\":0}\n{\"i\":1}\n")},
		"m/b.json":  {Data: []byte(`[{"i":2},{"i":3},{"i":4}]`)},
	}
	var idx []int
	err := dataset.Read(fsys, dataset.Source{Files: []string{"m/a.jsonl", "m/b.json"}}, dataset.Format{}, func(r dataset.Row) error {
		var v struct{ I int }
		if err := json.Unmarshal(r.Data, &v); err != nil {
			return err
		}
		if v.I != r.Index {
			t.Errorf("row %s: index %d, want %d", r, r.Index, v.I)
		}
		idx = append(idx, r.Index)
		return nil
	})
	if err != nil || !cmp.Equal(idx, []int{0, 1, 2, 3, 4}) {
		t.Errorf("indexes %v, error %v", idx, err)
	}
}
