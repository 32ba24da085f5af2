package dataset_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// hfRow is a row in the layout pyarrow gives Hugging Face exports, which
// parquet-go writes from these pointer fields: every column optional,
// structs as optional groups, lists as three-level LIST groups of optional
// elements. It has MedQA's options struct, PubMedQA's context struct of
// lists, MedMCQA's cop, and a map.
type hfRow struct {
	Question  *string            `json:"question" parquet:"question,optional"`
	AnswerIdx *string            `json:"answer_idx" parquet:"answer_idx,optional"`
	Options   *hfOptions         `json:"options" parquet:"options,optional"`
	Context   *hfContext         `json:"context" parquet:"context,optional"`
	Pubid     *int32             `json:"pubid" parquet:"pubid,optional"`
	Cop       *int64             `json:"cop" parquet:"cop,optional"`
	Score     *float64           `json:"score" parquet:"score,optional"`
	OK        *bool              `json:"ok" parquet:"ok,optional"`
	Extra     map[string]*string `json:"extra" parquet:"extra,optional"`
}

type hfOptions struct {
	A *string `json:"A" parquet:"A,optional"`
	B *string `json:"B" parquet:"B,optional"`
	C *string `json:"C" parquet:"C,optional"`
	D *string `json:"D" parquet:"D,optional"`
}

type hfContext struct {
	Contexts []*string `json:"contexts" parquet:"contexts,optional,list"`
	Labels   []*string `json:"labels" parquet:"labels,optional,list"`
}

// medqaRows are rows for hfSchema, as JSON objects.
func medqaRows() []string {
	return []string{
		`{"question":"Q1 \"quoted\"\n","answer_idx":"C","options":{"A":"a1","B":"b1","C":"c1","D":"d1\n\""},
		  "context":{"contexts":["x","y"],"labels":["L1","L2"]},"pubid":21645374,"cop":1,"score":1.5,"ok":true,"extra":{"k":"v"}}`,
		`{"question":"Q2 ü","answer_idx":"A","options":{"A":"a2","B":null,"C":"","D":"d2"},
		  "context":{"contexts":[],"labels":null},"pubid":null,"cop":0,"score":null,"ok":false,"extra":{}}`,
		`{"question":null,"answer_idx":null,"options":null,"context":null,"pubid":-7,"cop":null,"score":-0.25,"ok":null,"extra":null}`,
		`{"question":"Q4","answer_idx":"B","options":{"A":"a","B":"b","C":"c","D":"d"},
		  "context":{"contexts":["only", null],"labels":["L"]},"pubid":1,"cop":4,"score":1e+21,"ok":true,"extra":{"a":null,"b":"c"}}`,
	}
}

// parquetBytes writes rows (JSON objects decoded into hfRow), perGroup
// rows per row group, with the given key-value metadata.
func parquetBytes(t testing.TB, rows []string, perGroup int64, meta map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts := []parquet.WriterOption{parquet.MaxRowsPerRowGroup(perGroup)}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	w := parquet.NewGenericWriter[hfRow](&buf, opts...)
	for _, r := range rows {
		var h hfRow
		if err := json.Unmarshal([]byte(r), &h); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]hfRow{h}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParquet reads parquet files written by parquet-go in the Hugging Face
// layout: nested structs, lists and maps come back as JSON, nulls as null,
// the row groups in order, the huggingface metadata readable.
func TestParquet(t *testing.T) {
	const meta = `{"info":{"features":{"cop":{"names":["a","b","c","d"],"_type":"ClassLabel"},"question":{"dtype":"string","_type":"Value"}}}}`
	rows := medqaRows()
	var want []any
	for _, r := range rows {
		want = append(want, js(r))
	}
	data := parquetBytes(t, rows, 1, map[string]string{"huggingface": meta})
	tests := []struct {
		name string
		give []byte
	}{
		{name: "plain", give: data},
		{name: "gzip", give: gz(t, string(data))},
		{name: "one_group", give: parquetBytes(t, rows, 100, map[string]string{"huggingface": meta})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"medqa/test.parquet": {Data: tt.give}}
			var g []any
			var files []*dataset.File
			err := dataset.ReadFile(fsys, "medqa/test.parquet", dataset.Format{}, func(r dataset.Row) error {
				var v any
				if err := json.Unmarshal(r.Data, &v); err != nil {
					return err
				}
				g = append(g, v)
				files = append(files, r.File)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			f := files[0]
			if f.Container != dataset.Parquet || f.FeatureType("cop") != "ClassLabel" || f.FeatureType("question") != "Value" || f.FeatureType("opa") != "" {
				t.Errorf("file %+v: cop %q question %q", f, f.FeatureType("cop"), f.FeatureType("question"))
			}
		})
	}
}

// TestParquetMatchesJSONL checks that a struct column decodes into the same
// Go struct as the JSON field does (envs/medqa.md §8.1).
func TestParquetMatchesJSONL(t *testing.T) {
	rows := medqaRows()
	fsys := fstest.MapFS{
		"medqa/test.parquet": {Data: parquetBytes(t, rows, 2, nil)},
		"medqa/test.jsonl":   {Data: []byte(compactLines(t, rows))},
	}
	type row struct {
		Question  *string           `json:"question"`
		Options   map[string]string `json:"options"`
		AnswerIdx string            `json:"answer_idx"`
		Context   struct {
			Contexts []string `json:"contexts"`
		} `json:"context"`
		Pubid int `json:"pubid"`
	}
	decode := func(name string) []row {
		var out []row
		err := dataset.ReadFile(fsys, name, dataset.Format{}, func(r dataset.Row) error {
			var v row
			err := json.Unmarshal(r.Data, &v)
			out = append(out, v)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if diff := cmp.Diff(decode("medqa/test.jsonl"), decode("medqa/test.parquet")); diff != "" {
		t.Errorf("(-jsonl +parquet):\n%s", diff)
	}
}

func compactLines(t *testing.T, rows []string) string {
	t.Helper()
	var b bytes.Buffer
	for _, r := range rows {
		if err := json.Compact(&b, []byte(r)); err != nil {
			t.Fatal(err)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
