package dataset_test

import (
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/internal/shared"
)

var medqaLayout = dataset.Layout{Dir: "medqa", Want: []dataset.Want{
	{Key: "test", Files: []string{"phrases_no_exclude_test.jsonl"}},
	{Key: "train", Files: []string{"phrases_no_exclude_train.jsonl"}},
	{Key: "validation", Files: []string{"phrases_no_exclude_dev.jsonl"}},
}}

var pubmedqaLayout = dataset.Layout{Dir: "pubmedqa", Want: []dataset.Want{
	{Key: "labeled", Files: []string{"ori_pqal.json"}, Config: "pqa_labeled"},
	{Key: "train", Files: []string{"ori_pqaa.json"}, Config: "pqa_artificial"},
	{Key: "test_ids", Files: []string{"test_ground_truth.json"}, OriginalOnly: true},
	{Key: "test_set", Files: []string{"test_set.json"}, OriginalOnly: true},
}}

func mapFS(paths ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for _, p := range paths {
		m[p] = &fstest.MapFile{Data: []byte("{}")}
	}
	return m
}

// logged returns the observed log lines as "LEVEL message path-or-ignored".
func logged(obs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range obs.All() {
		f := e.ContextMap()
		what := f["path"]
		if what == nil {
			what = f["ignored"]
		}
		out = append(out, e.Level.CapitalString()+" "+e.Message+" "+what.(string))
	}
	sort.Strings(out)
	return out
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		layout  dataset.Layout
		give    fstest.MapFS
		want    map[string]dataset.Source
		wantLog []string
	}{
		{
			name:   "original_wins",
			layout: medqaLayout,
			give:   mapFS("medqa/phrases_no_exclude_test.jsonl", "medqa/test.jsonl", "medqa/README.md", "medqa/.gitattributes"),
			want: map[string]dataset.Source{
				"test": {Key: "test", Files: []string{"medqa/phrases_no_exclude_test.jsonl"}, Original: true},
			},
			wantLog: []string{
				"DEBUG ignoring hidden file medqa/.gitattributes",
				"DEBUG ignoring unknown file medqa/README.md",
				"INFO ignoring a second source of a split medqa/test.jsonl",
			},
		},
		{
			name:   "hf_names",
			layout: medqaLayout,
			give: mapFS("medqa/test.jsonl.gz", "medqa/train-00001-of-00002.parquet", "medqa/train-00000-of-00002.parquet",
				"medqa/dev.json"),
			want: map[string]dataset.Source{
				"test":       {Key: "test", Files: []string{"medqa/test.jsonl.gz"}},
				"train":      {Key: "train", Files: []string{"medqa/train-00000-of-00002.parquet", "medqa/train-00001-of-00002.parquet"}},
				"validation": {Key: "validation", Files: []string{"medqa/dev.json"}},
			},
		},
		{
			name:   "hub_layouts",
			layout: medqaLayout,
			give: mapFS("medqa/data/test-00000-of-00001-a1b2c3.parquet", "medqa/default/train/0001.parquet",
				"medqa/default/train/0000.parquet", "medqa/data/validation-00000-of-00001.parquet", "medqa/default/test/0000.parquet"),
			want: map[string]dataset.Source{
				"test":       {Key: "test", Files: []string{"medqa/data/test-00000-of-00001-a1b2c3.parquet"}},
				"train":      {Key: "train", Files: []string{"medqa/default/train/0000.parquet", "medqa/default/train/0001.parquet"}},
				"validation": {Key: "validation", Files: []string{"medqa/data/validation-00000-of-00001.parquet"}},
			},
			wantLog: []string{"INFO ignoring a second source of a split medqa/default/test/0000.parquet"},
		},
		{
			name:   "prefix_names",
			layout: medqaLayout,
			give:   mapFS("medqa/test_fixed.json", "medqa/testimony.json", "medqa/train.notes.txt", "medqa/validation2.parquet"),
			want: map[string]dataset.Source{
				"test":       {Key: "test", Files: []string{"medqa/test_fixed.json"}},
				"validation": {Key: "validation", Files: []string{"medqa/validation2.parquet"}},
			},
			wantLog: []string{"DEBUG ignoring unknown file medqa/testimony.json", "DEBUG ignoring unknown file medqa/train.notes.txt"},
		},
		{
			name: "longest_split_wins",
			layout: dataset.Layout{Dir: "medec", CSV: true, Want: []dataset.Want{
				{Key: "test_ms"}, {Key: "test"}, {Key: "validation_ms"},
			}},
			give: mapFS("medec/test_ms.csv", "medec/test.jsonl", "medec/validation_ms-00000-of-00001.parquet"),
			want: map[string]dataset.Source{
				"test_ms":       {Key: "test_ms", Files: []string{"medec/test_ms.csv"}},
				"test":          {Key: "test", Files: []string{"medec/test.jsonl"}},
				"validation_ms": {Key: "validation_ms", Files: []string{"medec/validation_ms-00000-of-00001.parquet"}},
			},
		},
		{
			name:   "config_folders",
			layout: pubmedqaLayout,
			give: mapFS("pubmedqa/pqa_labeled/train-00000-of-00001.parquet", "pubmedqa/pqa_artificial/train/0000.parquet",
				"pubmedqa/pqa_artificial/train/0001.parquet", "pubmedqa/pqa_unlabeled/train-00000-of-00001.parquet",
				"pubmedqa/test_ground_truth.json", "pubmedqa/test.json"),
			want: map[string]dataset.Source{
				"labeled":  {Key: "labeled", Files: []string{"pubmedqa/pqa_labeled/train-00000-of-00001.parquet"}},
				"train":    {Key: "train", Files: []string{"pubmedqa/pqa_artificial/train/0000.parquet", "pubmedqa/pqa_artificial/train/0001.parquet"}},
				"test_ids": {Key: "test_ids", Files: []string{"pubmedqa/test_ground_truth.json"}, Original: true},
			},
			wantLog: []string{
				"DEBUG ignoring unknown file pubmedqa/pqa_unlabeled/train-00000-of-00001.parquet",
				"DEBUG ignoring unknown file pubmedqa/test.json",
			},
		},
		{
			name:   "config_duplicates",
			layout: pubmedqaLayout,
			give:   mapFS("pubmedqa/ori_pqal.json", "pubmedqa/pqa_labeled/train.jsonl", "pubmedqa/pqa_labeled/pqa_labeled.parquet"),
			want: map[string]dataset.Source{
				"labeled": {Key: "labeled", Files: []string{"pubmedqa/ori_pqal.json"}, Original: true},
			},
			wantLog: []string{
				"INFO ignoring a second source of a split pubmedqa/pqa_labeled/pqa_labeled.parquet",
				"INFO ignoring a second source of a split pubmedqa/pqa_labeled/train.jsonl",
			},
		},
		{
			name: "subfolder_originals",
			layout: dataset.Layout{Dir: "med_dialog", Want: []dataset.Want{
				{Key: "icliniq/test", Files: []string{"icliniq/test.json"}, OriginalOnly: true},
				{Key: "healthcaremagic/test", Files: []string{"healthcaremagic/test.json"}, OriginalOnly: true},
			}},
			give: mapFS("med_dialog/icliniq/test.json", "med_dialog/test.json"),
			want: map[string]dataset.Source{
				"icliniq/test": {Key: "icliniq/test", Files: []string{"med_dialog/icliniq/test.json"}, Original: true},
			},
			wantLog: []string{"DEBUG ignoring unknown file med_dialog/test.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, obs := observer.New(zapcore.DebugLevel)
			got, err := dataset.Discover(tt.give, tt.layout, zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sources (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLog, logged(obs)); diff != "" {
				t.Errorf("log (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	t.Run("missing_folder", func(t *testing.T) {
		_, err := dataset.Discover(mapFS("other/x.json"), medqaLayout, nil)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("incomplete_shards", func(t *testing.T) {
		_, err := dataset.Discover(mapFS("medqa/train-00000-of-00003.parquet", "medqa/train-00002-of-00003.parquet"), medqaLayout, nil)
		want := "dataset: medqa/train-00000-of-00003.parquet: incomplete shards: 2 of 3 files present (0, 2)"
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
	})
	t.Run("incomplete_shards_not_chosen", func(t *testing.T) {
		got, err := dataset.Discover(mapFS("medqa/phrases_no_exclude_train.jsonl", "medqa/train-00001-of-00002.parquet"), medqaLayout, nil)
		if err != nil || !got["train"].Original {
			t.Errorf("got %v, %v; want the original file", got, err)
		}
	})
}

func TestLooked(t *testing.T) {
	want := []string{
		"medqa/phrases_no_exclude_dev.jsonl",
		"medqa/validation.{jsonl,json,parquet}[.gz]",
		"medqa/validation-NNNNN-of-NNNNN.parquet",
		"medqa/data/validation-*.parquet",
		"medqa/default/validation/*.parquet",
		"medqa/validation*.{jsonl,json,parquet}",
		"medqa/dev.{jsonl,json,parquet}[.gz]",
		"medqa/dev-NNNNN-of-NNNNN.parquet",
		"medqa/data/dev-*.parquet",
		"medqa/default/dev/*.parquet",
		"medqa/dev*.{jsonl,json,parquet}",
	}
	if diff := cmp.Diff(want, medqaLayout.Looked("validation")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pubmedqa/ori_pqal.json", "pubmedqa/pqa_labeled/*"}, pubmedqaLayout.Looked("labeled")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDiscoverRealData finds the shipped files under their original names.
func TestDiscoverRealData(t *testing.T) {
	fsys := os.DirFS(shared.Datasets(t))
	tests := []struct {
		layout dataset.Layout
		want   map[string]string
	}{
		{layout: medqaLayout, want: map[string]string{"test": "medqa/phrases_no_exclude_test.jsonl"}},
		{layout: dataset.Layout{Dir: "medmcqa", Want: []dataset.Want{
			{Key: "validation", Files: []string{"dev.json", "validation.json"}},
			{Key: "train", Files: []string{"train.json"}},
		}}, want: map[string]string{"validation": "medmcqa/dev.json"}},
		{layout: pubmedqaLayout, want: map[string]string{
			"labeled": "pubmedqa/ori_pqal.json", "test_ids": "pubmedqa/test_ground_truth.json", "test_set": "pubmedqa/test_set.json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.layout.Dir, func(t *testing.T) {
			core, obs := observer.New(zapcore.InfoLevel)
			got, err := dataset.Discover(fsys, tt.layout, zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			paths := map[string]string{}
			for k, s := range got {
				paths[k] = strings.Join(s.Files, ",")
			}
			if diff := cmp.Diff(tt.want, paths); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if obs.Len() != 0 {
				t.Errorf("unexpected log lines: %v", logged(obs))
			}
		})
	}
}
