package dataset_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/internal/shared"
)

// realFiles are every data file in ../shared/datasets, with what reading
// it must give.
var realFiles = []struct {
	path      string
	format    dataset.Format
	container dataset.Container
	rows      int
	firstKey  string
}{
	{path: "medqa/phrases_no_exclude_test.jsonl", container: dataset.JSONLines, rows: 1273},
	{path: "medmcqa/dev.json", container: dataset.JSONLines, rows: 4183},
	{path: "pubmedqa/ori_pqal.json", format: dataset.Format{Keyed: true}, container: dataset.JSONObject, rows: 1000, firstKey: "21645374"},
	{path: "pubmedqa/test_set.json", format: dataset.Format{Keyed: true}, container: dataset.JSONObject, rows: 500, firstKey: "12377809"},
	{path: "pubmedqa/test_ground_truth.json", format: dataset.Format{Keyed: true}, container: dataset.JSONObject, rows: 500, firstKey: "12377809"},
	{path: "med_dialog/icliniq/test.json", container: dataset.JSONObject, rows: 3108},
	{path: "medcasereasoning/synthetic_val.jsonl", container: dataset.JSONLines, rows: 24},
	{path: "medcalc_bench/v1.0/test_data.csv", format: dataset.Format{CSV: true, Columns: []string{"Row Number", "Patient Note"}}, container: dataset.CSV, rows: 1047},
	{path: "medcalc_bench/verified/one_shot_data.csv", format: dataset.Format{CSV: true}, container: dataset.CSV, rows: 55},
	{path: "medcalc_bench/v1.0/one_shot_finalized_explanation.json", format: dataset.Format{Keyed: true}, container: dataset.JSONObject, rows: 55, firstKey: "2"},
	{path: "medec/MEDEC-MS-TestSet-with-GroundTruth-and-ErrorType.csv", format: dataset.Format{CSV: true, Columns: []string{"Text ID"}}, container: dataset.CSV, rows: 925},
	{path: "medec/MEDEC-MS-ValidationSet-with-GroundTruth-and-ErrorType.csv", format: dataset.Format{CSV: true}, container: dataset.CSV, rows: 574},
}

// TestReadRealFiles reads every shipped file: the container is detected,
// the row count is right, and every row is a valid JSON value.
func TestReadRealFiles(t *testing.T) {
	fsys := os.DirFS(shared.Datasets(t))
	for _, tt := range realFiles {
		t.Run(tt.path, func(t *testing.T) {
			n, firstKey := 0, ""
			var container dataset.Container
			err := dataset.ReadFile(fsys, tt.path, tt.format, func(r dataset.Row) error {
				if r.Index != n {
					t.Fatalf("row %d has index %d", n, r.Index)
				}
				if n == 0 {
					firstKey, container = r.Key, r.File.Container
				}
				n++
				var v any
				return json.Unmarshal(r.Data, &v)
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.rows || container != tt.container || firstKey != tt.firstKey {
				t.Errorf("%d rows, %v, first key %q; want %d, %v, %q", n, container, firstKey, tt.rows, tt.container, tt.firstKey)
			}
		})
	}
}
